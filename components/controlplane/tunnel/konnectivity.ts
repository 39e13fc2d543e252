import { images, konnectivityAdminPort, konnectivityHealthPort } from "../../config";
import type * as pulumi from "@pulumi/pulumi";
import type { NodePorts, Settings } from "../../config";
import { egressSelectorYaml, konnectivityEgressSelector, egressSelectorDataKey } from "../egressSelector";
import { konnectivityServerFlags, ProxyStrategy } from "../konnectivityServerFlags";
import { objectMeta, selectorLabels } from "../labels";
import { configMapVolume, file, Mount, secretVolume, volumeMount } from "../secrets";
import { containerSecurityContext } from "../security";
import { ControlPlaneLayout, ServiceArgs } from "../types";
import { ApiserverTunnel } from "./types";

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
} as const satisfies Record<string, Mount>;

export interface KonnectivityTunnelOptions {
    readonly layout: ControlPlaneLayout;
    /** kube-apiserver replicas: one server each. */
    readonly apiserverReplicas: number;
    readonly tunnel: Settings["tunnel"];
    readonly nodePorts: NodePorts;
    readonly loadBalancerIdleTimeoutSeconds: number;
    /** The serving certificate for the agent port, and the CA agents' client certificates chain to. */
    readonly serverCertPem: pulumi.Input<string>;
    readonly serverKeyPem: pulumi.Input<string>;
    readonly caCertPem: pulumi.Input<string>;
}

/**
 * Konnectivity in the apiserver pod: a konnectivity-server sidecar per replica on a unix socket
 * shared with kube-apiserver, whose egress selector sends the `cluster` egress there; agents in
 * the user cluster dial the server's agent port through the load balancer and a NodePort.
 */
export function konnectivityTunnel(o: KonnectivityTunnelOptions): ApiserverTunnel {
    const { layout, tunnel } = o;
    const tls = konnectivityMounts.serverTls;
    const egress = konnectivityMounts.egressSelector;
    // destHost routes to the agent on the destination node, which only DaemonSet agents are;
    // `default` (any agent) stays as the fallback.
    const proxyStrategies: ProxyStrategy[] = tunnel.agentMode === "daemonset" ? ["destHost", "default"] : ["default"];
    const args = konnectivityServerFlags(
        {
            udsName: konnectivityUdsName,
            agentPort: tunnel.port,
            adminPort: konnectivityAdminPort,
            healthPort: konnectivityHealthPort,
            serverCount: o.apiserverReplicas,
            serverId: "$(POD_NAME)",
            keepaliveSeconds: tunnel.keepaliveSeconds,
            clusterCertFile: file(tls, "tls.crt"),
            clusterKeyFile: file(tls, "tls.key"),
            clusterCaCertFile: file(tls, "ca.crt"),
            proxyStrategies,
        },
        { apiserverReplicas: o.apiserverReplicas, loadBalancerIdleTimeoutSeconds: o.loadBalancerIdleTimeoutSeconds },
    );
    const socketMount = { name: socketDir.volume, mountPath: socketDir.path };

    return {
        mode: "konnectivity",
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
                volumeMounts: [socketMount, volumeMount(tls)],
            },
        ],
        volumes: [{ name: socketDir.volume, emptyDir: {} }, secretVolume(tls), configMapVolume(egress)],
        apiserverVolumeMounts: [socketMount, volumeMount(egress)],
        apiserverFlags: [`--egress-selector-config-file=${file(egress, egressSelectorDataKey)}`],
        configMaps: [
            {
                name: egress.source,
                data: { [egressSelectorDataKey]: egressSelectorYaml(konnectivityEgressSelector(konnectivityUdsName)) },
            },
        ],
        secrets: [
            {
                name: tls.source,
                data: { "tls.crt": o.serverCertPem, "tls.key": o.serverKeyPem, "ca.crt": o.caCertPem },
            },
        ],
        ingressPorts: [tunnel.port],
        services: [
            { name: konnectivityServerContainerName, args: agentService(layout, tunnel.port, o.nodePorts.tunnel) },
        ],
    };
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
        },
    };
}
