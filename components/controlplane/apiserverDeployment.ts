import type * as pulumi from "@pulumi/pulumi";
import { publicAddressEnv } from "./apiserverFlags";
import { checksumAnnotation } from "./checksum";
import { recommendedLabels, selectorLabels } from "./labels";
import { apiserverPort } from "./seedNames";
import { mounts, secretVolume, volumeMount } from "./secrets";
import { containerSecurityContext, podSecurityContext } from "./security";
import { ApiserverTunnel } from "./tunnel/types";
import { ControlPlaneLayout, DeploymentArgs } from "./types";
import { preferSpreadOverNodes } from "./affinity";

export const apiserverName = "apiserver";
export const apiserverContainerName = "kube-apiserver";

export interface ApiserverDeploymentOptions {
    readonly layout: ControlPlaneLayout;
    readonly replicas: number;
    /** kube-apiserver's own flags; the tunnel's are appended. */
    readonly flags: readonly string[];
    readonly tunnel: ApiserverTunnel;
    /** Expanded into the flags as $(PUBLIC_ADDRESS). */
    readonly publicAddress: pulumi.Input<string>;
    /** configChecksum over every file the pod mounts. */
    readonly checksum: pulumi.Input<string>;
}

const httpsProbe = (path: string) => ({ httpGet: { path, port: apiserverPort, scheme: "HTTPS" } });

/** kube-apiserver, with the tunnel's sidecars, volumes and flags. */
export function apiserverDeployment(o: ApiserverDeploymentOptions): DeploymentArgs {
    const { layout, tunnel } = o;
    const selector = selectorLabels("kube-apiserver", layout.clusterName);
    return {
        metadata: {
            name: apiserverName,
            namespace: layout.namespace,
            labels: recommendedLabels("kube-apiserver", layout.clusterName),
        },
        spec: {
            replicas: o.replicas,
            selector: { matchLabels: selector },
            // Never fewer serving replicas (and konnectivity servers) than configured.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                metadata: {
                    labels: recommendedLabels("kube-apiserver", layout.clusterName),
                    annotations: { [checksumAnnotation]: o.checksum },
                },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext,
                    affinity: preferSpreadOverNodes(selector),
                    containers: [
                        {
                            name: apiserverContainerName,
                            image: `registry.k8s.io/kube-apiserver:${layout.versions.kubernetes}`,
                            command: ["kube-apiserver"],
                            args: [...o.flags, ...tunnel.apiserverFlags],
                            env: [{ name: publicAddressEnv, value: o.publicAddress }],
                            ports: [{ name: "https", containerPort: apiserverPort, protocol: "TCP" }],
                            livenessProbe: {
                                ...httpsProbe("/livez"),
                                initialDelaySeconds: 15,
                                periodSeconds: 10,
                                timeoutSeconds: 15,
                                failureThreshold: 8,
                            },
                            readinessProbe: {
                                ...httpsProbe("/readyz"),
                                periodSeconds: 5,
                                timeoutSeconds: 15,
                                failureThreshold: 3,
                            },
                            startupProbe: {
                                ...httpsProbe("/livez"),
                                periodSeconds: 10,
                                timeoutSeconds: 15,
                                failureThreshold: 24,
                            },
                            resources: {
                                requests: { cpu: "250m", memory: "512Mi" },
                                limits: { cpu: "2", memory: "4Gi" },
                            },
                            securityContext: containerSecurityContext,
                            volumeMounts: [
                                volumeMount(mounts.apiserverPki),
                                volumeMount(mounts.serviceAccount),
                                ...tunnel.apiserverVolumeMounts,
                            ],
                        },
                        ...tunnel.containers,
                    ],
                    volumes: [
                        secretVolume(mounts.apiserverPki),
                        secretVolume(mounts.serviceAccount),
                        ...tunnel.volumes,
                    ],
                },
            },
        },
    };
}
