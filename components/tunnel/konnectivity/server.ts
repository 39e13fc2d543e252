import { apiserverPort, images, konnectivityAdminPort, konnectivityHealthPort } from "../../config";
import { kubeconfigOutput } from "../../shared/kubeconfig";
import type { Settings } from "../../config";
import { issuedCertificate, IssuedAuthority } from "../../pki";
import { configMapVolume, file, Mount, secretVolume, volumeMount } from "../../shared/mounts";
import { objectMeta, selectorLabels } from "../../shared/seedLabels";
import { containerSecurityContext } from "../../shared/seedSecurity";
import { ConfigMapSpec, ControlPlaneLayout, SecretSpec, ServiceArgs } from "../../shared/seedObjects";
import { gateConfigMap, gateContainer, gateVolume } from "../gate";
import type { TunnelPhase } from "../transition";
import type { SeedTunnel, TunnelIngress } from "../types";
import { egressSelectorDataKey, egressSelectorYaml, konnectivityEgressSelector } from "./egressSelector";
import { konnectivityServerUser, leaseClient, serverLeases } from "./leases";
import { konnectivityCertificates } from "./pki";
import { konnectivityServerFlags, ProxyStrategy } from "./serverFlags";

export const konnectivityServerContainerName = "konnectivity-server";
export { konnectivityAdminPort, konnectivityHealthPort };

const socketDir = { volume: "konnectivity-uds", path: "/etc/kubernetes/konnectivity-server" };
/** The socket both containers share; the egress selector's udsName. */
export const konnectivityUdsName = `${socketDir.path}/konnectivity-server.socket`;

export const konnectivityMounts = {
    egressSelector: {
        volume: "egress-selector",
        source: "egress-selector-configuration",
        path: "/etc/kubernetes/egress-selector",
    },
    serverTls: {
        volume: "konnectivity-server-tls",
        source: "konnectivity-server-tls",
        path: "/etc/kubernetes/konnectivity-pki",
    },
    leaseKubeconfig: {
        volume: "konnectivity-server-kubeconfig",
        source: "konnectivity-server-kubeconfig",
        path: "/etc/kubernetes/konnectivity-server-kubeconfig",
    },
} as const satisfies Record<string, Mount>;

/** With konnectivity the agent on the worker side resolves the node addresses. */
export const konnectivityAddressTypes = ["InternalIP", "ExternalIP"];

/**
 * Konnectivity in the seed: a konnectivity-server sidecar per apiserver replica on a unix socket
 * shared with kube-apiserver, whose egress selector sends the `cluster` egress there; agents in
 * the user cluster dial the server's agent port through the load balancer and a NodePort.
 */
export function konnectivitySeed(
    layout: ControlPlaneLayout,
    settings: Settings,
    pki: IssuedAuthority,
    phase: TunnelPhase,
): SeedTunnel {
    const { tunnel } = settings;
    const apiserverReplicas = settings.controlPlane.apiserverReplicas;
    const tls = konnectivityMounts.serverTls;
    const egress = konnectivityMounts.egressSelector;
    const server = issuedCertificate(pki, konnectivityCertificates.server);
    // destHost routes to the agent on the destination node, which only DaemonSet agents are;
    // `default` (any agent) stays as the fallback.
    const proxyStrategies: ProxyStrategy[] = tunnel.agentMode === "daemonset" ? ["destHost", "default"] : ["default"];
    // With lease counting the server publishes its lease in the user cluster, through kube-apiserver
    // in its own pod (127.0.0.1 is a SAN of its serving certificate), as its own user.
    const leaseKubeconfig = konnectivityMounts.leaseKubeconfig;
    const leaseWriter = tunnel.serverCounting === "leases" ? pki.clusterClients?.[leaseClient] : undefined;
    if (tunnel.serverCounting === "leases" && leaseWriter === undefined) {
        throw new Error(`lease counting needs the "${leaseClient}" client certificate of the cluster CA from the PKI`);
    }
    const leaseFiles: SecretSpec[] = leaseWriter
        ? [
              {
                  name: leaseKubeconfig.source,
                  data: {
                      kubeconfig: kubeconfigOutput({
                          clusterName: layout.clusterName,
                          server: `https://127.0.0.1:${apiserverPort}`,
                          caCertPem: leaseWriter.caCertPem,
                          user: konnectivityServerUser,
                          clientCertPem: leaseWriter.certPem,
                          clientKeyPem: leaseWriter.keyPem,
                      }),
                  },
              },
          ]
        : [];
    const args = konnectivityServerFlags(
        {
            udsName: konnectivityUdsName,
            agentPort: tunnel.port,
            adminPort: konnectivityAdminPort,
            healthPort: konnectivityHealthPort,
            serverCount: apiserverReplicas,
            serverId: "$(POD_NAME)",
            keepaliveSeconds: tunnel.keepaliveSeconds,
            clusterCertFile: file(tls, "tls.crt"),
            clusterKeyFile: file(tls, "tls.key"),
            clusterCaCertFile: file(tls, "ca.crt"),
            proxyStrategies,
            ...(leaseWriter
                ? {
                      leases: {
                          kubeconfigFile: file(leaseKubeconfig, "kubeconfig"),
                          namespace: serverLeases.namespace,
                          label: serverLeases.label,
                      },
                  }
                : {}),
        },
        { apiserverReplicas, loadBalancerIdleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds },
    );
    const socketMount = { name: socketDir.volume, mountPath: socketDir.path };
    const egressConfig: ConfigMapSpec = {
        name: egress.source,
        data: { [egressSelectorDataKey]: egressSelectorYaml(konnectivityEgressSelector(konnectivityUdsName)) },
    };
    const serverTls: SecretSpec = {
        name: tls.source,
        data: { "tls.crt": server.certPem, "tls.key": server.keyPem, "ca.crt": pki.authority.certPem },
    };

    return {
        mode: "konnectivity",
        apiserver: {
            containers: [
                {
                    name: konnectivityServerContainerName,
                    image: images(layout.versions)["konnectivity-server"],
                    command: ["/proxy-server"],
                    args,
                    env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                    ports: [
                        { name: "agent", containerPort: tunnel.port, protocol: "TCP" },
                        { name: "health", containerPort: konnectivityHealthPort, protocol: "TCP" },
                    ],
                    // /healthz only: /readyz fails until an agent connects, which must not gate the pod.
                    livenessProbe: {
                        httpGet: { path: "/healthz", port: konnectivityHealthPort, scheme: "HTTP" },
                        initialDelaySeconds: 10,
                        periodSeconds: 10,
                        timeoutSeconds: 5,
                        failureThreshold: 3,
                    },
                    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "1", memory: "256Mi" } },
                    securityContext: containerSecurityContext,
                    volumeMounts: [
                        socketMount,
                        volumeMount(tls),
                        ...(leaseFiles.length > 0 ? [volumeMount(leaseKubeconfig)] : []),
                    ],
                },
                // Ready once this server has an agent (its /readyz), so that a rollout hands over
                // only to servers the agents reach.
                gateContainer({
                    what: "an agent connection",
                    condition: `wget -q -T 2 -O /dev/null http://127.0.0.1:${konnectivityHealthPort}/readyz`,
                }),
            ],
            volumes: [
                { name: socketDir.volume, emptyDir: {} },
                secretVolume(tls),
                configMapVolume(egress),
                ...(leaseFiles.length > 0 ? [secretVolume(leaseKubeconfig)] : []),
                gateVolume,
            ],
            volumeMounts: [socketMount, volumeMount(egress)],
            flags: [`--egress-selector-config-file=${file(egress, egressSelectorDataKey)}`],
            kubeletPreferredAddressTypes: konnectivityAddressTypes,
            mounted: [serverTls, egressConfig, ...leaseFiles],
        },
        objects: [
            { kind: "Secret", app: "konnectivity-server", spec: serverTls },
            ...leaseFiles.map((spec) => ({ kind: "Secret" as const, app: "konnectivity-server" as const, spec })),
            { kind: "ConfigMap", app: "kube-apiserver", spec: egressConfig },
            { kind: "ConfigMap", app: "kube-apiserver", spec: gateConfigMap(phase) },
            {
                kind: "Service",
                name: konnectivityServerContainerName,
                args: agentService(layout, tunnel.port, settings.seed.nodePorts.tunnel),
            },
        ],
        ingress: konnectivityIngress(settings),
    };
}

/** The agents' dials arrive at the sidecar's agent port, in the apiserver pod. */
export function konnectivityIngress(settings: Settings): TunnelIngress[] {
    return [{ app: "kube-apiserver", ports: [settings.tunnel.port] }];
}

/** The NodePort the load balancer's tunnel listener forwards to: every server's agent port. */
function agentService(layout: ControlPlaneLayout, agentPort: number, nodePort: number): ServiceArgs {
    return {
        metadata: objectMeta(layout, "konnectivity-server", konnectivityServerContainerName, "tunnel"),
        spec: {
            type: "NodePort",
            selector: selectorLabels("kube-apiserver", layout.clusterName),
            ports: [{ name: "agent", protocol: "TCP", port: agentPort, targetPort: "agent", nodePort }],
            // Every dial of an agent must be free to land on any server, so that each agent
            // eventually holds a tunnel to every server: no affinity. Cluster (not Local) lets
            // kube-proxy on whichever seed node the load balancer picked spread the dials over
            // all apiserver pods, wherever they run; the client address is the load balancer's
            // anyway, so Local would preserve nothing and would leave nodes without a server
            // failing the load balancer's health checks.
            sessionAffinity: "None",
            externalTrafficPolicy: "Cluster",
            // A new apiserver pod is not Ready until an agent reaches its server (the tunnel gate),
            // so its server must be reachable before: not-ready pods are endpoints too (the fix
            // KKP #16303 asks for).
            publishNotReadyAddresses: true,
        },
    };
}
