import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checksumAnnotation } from "../../shared/checksum";
import { serverTunnelAddress } from "./config";
import { openvpnBinary, openvpnImage } from "./image";
import { openvpnFiles, runDir, statusFile, userClientName, userClientNamespace } from "./names";
import { userClientScript } from "./scripts";
import { tunnelContainerSecurity, tunnelVolumeMounts, tunnelVolumes } from "./security";

/** Recommended labels of every object of the user cluster's OpenVPN client; the selector uses the first two. */
export function userClientLabels(): Record<string, string> {
    return {
        "app.kubernetes.io/name": userClientName,
        "app.kubernetes.io/component": "tunnel",
        "app.kubernetes.io/part-of": "gks",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

export function userClientSelector(): Record<string, string> {
    return { "app.kubernetes.io/name": userClientName, "app.kubernetes.io/component": "tunnel" };
}

export const userClientSecretName = `${userClientName}-certificates`;
export const userClientConfigName = `${userClientName}-config`;
const pkiDir = "/etc/openvpn/pki";
const configDir = "/etc/openvpn/config";

/** Where the client's files are: what its configuration names. */
export const userClientFiles = {
    ca: `${pkiDir}/${openvpnFiles.ca}`,
    cert: `${pkiDir}/${openvpnFiles.cert}`,
    key: `${pkiDir}/${openvpnFiles.key}`,
    config: `${configDir}/${openvpnFiles.clientConfig}`,
    status: statusFile,
} as const;

const meta = (name: string): k8s.types.input.meta.v1.ObjectMeta => ({
    name,
    namespace: userClientNamespace,
    labels: userClientLabels(),
});

/** The client's certificate, key and the OpenVPN CA. The whole data map is a secret. */
export function userClientSecret(certs: {
    readonly caCertPem: pulumi.Input<string>;
    readonly certPem: pulumi.Input<string>;
    readonly keyPem: pulumi.Input<string>;
}): k8s.core.v1.SecretArgs {
    return {
        metadata: meta(userClientSecretName),
        type: "kubernetes.io/tls",
        stringData: pulumi.secret(
            pulumi.all([certs.caCertPem, certs.certPem, certs.keyPem]).apply(([ca, cert, key]) => ({
                [openvpnFiles.ca]: ca,
                [openvpnFiles.cert]: cert,
                [openvpnFiles.key]: key,
            })),
        ),
    };
}

export function userClientConfigMap(config: pulumi.Input<string>): k8s.core.v1.ConfigMapArgs {
    return { metadata: meta(userClientConfigName), data: { [openvpnFiles.clientConfig]: config } };
}

/** It never talks to the user cluster's API. */
export function userClientServiceAccount(): k8s.core.v1.ServiceAccountArgs {
    return { metadata: meta(userClientName), automountServiceAccountToken: false };
}

export interface UserClientDeploymentArgs {
    readonly tunnelCidr: string;
    /** The networks it forwards tunnel traffic to: worker subnet, pod and service network. */
    readonly networks: readonly string[];
    /** Of the certificates and the configuration it mounts: OpenVPN reads them only at start. */
    readonly checksum: pulumi.Input<string>;
    /** Whether `pulumi up` waits for it to be ready, i.e. connected (only when nodes exist). */
    readonly awaitReady: boolean;
}

/**
 * The user cluster's end of the tunnel: one client (OpenVPN is one tunnel; a second would fight
 * the first for the same routes on the server, so an update stops the old one first). It dials the
 * load balancer's 1194 listener, and forwards and masquerades what comes through the tunnel to
 * the nodes, pods and Services. Ready and alive = it reaches the server's tunnel address.
 */
export function userClientDeployment(args: UserClientDeploymentArgs): k8s.apps.v1.DeploymentArgs {
    const ping = { exec: { command: ["ping", "-c", "1", "-W", "2", serverTunnelAddress(args.tunnelCidr)] } };
    return {
        metadata: {
            ...meta(userClientName),
            // Nodes join after the cluster exists: only a migration, where they do, waits for it.
            ...(args.awaitReady ? {} : { annotations: { "pulumi.com/skipAwait": "true" } }),
        },
        spec: {
            replicas: 1,
            selector: { matchLabels: userClientSelector() },
            strategy: { type: "Recreate" },
            template: {
                metadata: { labels: userClientLabels(), annotations: { [checksumAnnotation]: args.checksum } },
                spec: {
                    serviceAccountName: userClientName,
                    automountServiceAccountToken: false,
                    priorityClassName: "system-cluster-critical",
                    tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: userClientName,
                            image: openvpnImage,
                            command: [
                                "/bin/sh",
                                "-c",
                                userClientScript({
                                    binary: openvpnBinary,
                                    config: userClientFiles.config,
                                    tunnelCidr: args.tunnelCidr,
                                    networks: args.networks,
                                }),
                            ],
                            readinessProbe: { ...ping, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
                            livenessProbe: {
                                ...ping,
                                initialDelaySeconds: 30,
                                periodSeconds: 10,
                                timeoutSeconds: 3,
                                failureThreshold: 6,
                            },
                            resources: {
                                requests: { cpu: "20m", memory: "16Mi" },
                                limits: { cpu: "1", memory: "64Mi" },
                            },
                            securityContext: tunnelContainerSecurity(["NET_ADMIN", "NET_RAW"]),
                            volumeMounts: [
                                { name: "pki", mountPath: pkiDir, readOnly: true },
                                { name: "config", mountPath: configDir, readOnly: true },
                                ...tunnelVolumeMounts(runDir),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "pki", secret: { secretName: userClientSecretName, defaultMode: 0o400 } },
                        { name: "config", configMap: { name: userClientConfigName } },
                        ...tunnelVolumes(),
                    ],
                },
            },
        },
    };
}
