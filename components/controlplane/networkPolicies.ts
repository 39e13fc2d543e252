import { apiserverPort } from "../config";
import { etcdClientPort, etcdPeerPort } from "../shared/seedNames";
import { AppName, objectMeta, selectorLabels } from "../shared/seedLabels";
import { ControlPlaneLayout, NetworkPolicyArgs } from "../shared/seedObjects";
import type { TunnelIngress } from "../tunnel/types";
import { etcdMetricsPort } from "./etcdStatefulSet";

export interface NetworkPolicyOptions {
    readonly layout: ControlPlaneLayout;
    /** The tunnel mode's pods and the ports its load balancer listener reaches on them. */
    readonly tunnelIngress: readonly TunnelIngress[];
}

export interface NamedNetworkPolicy {
    readonly name: string;
    readonly args: NetworkPolicyArgs;
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * The seed namespace's ingress: nothing by default; etcd's client, peer and metrics ports only
 * from its members, and its client port from kube-apiserver; kube-apiserver's port and the
 * tunnel's from anywhere. Anywhere, because that is the load balancer's path: kube-proxy
 * forwards a NodePort (externalTrafficPolicy Cluster) with the receiving node's address as
 * source, an address on the node's network or the CNI's overlay that this program does not
 * know, and the listeners' allowlists already decide who gets that far; the namespace's own
 * controller-manager and scheduler use the same port. Everything else (konnectivity's admin and
 * health ports, controller-manager's and scheduler's secure ports) is reachable only from the
 * pod's own node, which NetworkPolicy never blocks: the kubelet's probes. Egress stays open
 * (DNS, the seed's node-local caches and webhooks differ per seed).
 */
export function controlPlaneNetworkPolicies(o: NetworkPolicyOptions): {
    allow: NamedNetworkPolicy[];
    denyAll: NamedNetworkPolicy;
} {
    const { layout } = o;
    const pods = (app: AppName) => ({ matchLabels: selectorLabels(app, layout.clusterName) });
    const policy = (name: string, app: AppName, spec: NetworkPolicyArgs["spec"]): NamedNetworkPolicy => ({
        name,
        args: { metadata: objectMeta(layout, app, name), spec },
    });
    const allow = [
        policy("etcd", "etcd", {
            podSelector: pods("etcd"),
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ podSelector: pods("etcd") }],
                    ports: [tcp(etcdClientPort), tcp(etcdPeerPort), tcp(etcdMetricsPort)],
                },
                { from: [{ podSelector: pods("kube-apiserver") }], ports: [tcp(etcdClientPort)] },
            ],
        }),
    ];
    // The load balancer's path: kube-apiserver's port, and each port the tunnel mode names.
    const publicPorts = new Map<AppName, number[]>([["kube-apiserver", [apiserverPort]]]);
    for (const { app, ports } of o.tunnelIngress) publicPorts.set(app, [...(publicPorts.get(app) ?? []), ...ports]);
    for (const [app, ports] of publicPorts) {
        allow.push(
            policy(app === "kube-apiserver" ? "apiserver" : app, app, {
                podSelector: pods(app),
                policyTypes: ["Ingress"],
                ingress: [{ ports: ports.map(tcp) }],
            }),
        );
    }
    return {
        allow,
        denyAll: policy("default-deny-ingress", "control-plane", { podSelector: {}, policyTypes: ["Ingress"] }),
    };
}
