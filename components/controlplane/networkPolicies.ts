import { apiserverPort } from "../config";
import { etcdClientPort, etcdPeerPort } from "../shared/seedNames";
import { etcdMetricsPort } from "./etcdStatefulSet";
import { AppName, objectMeta, selectorLabels } from "./labels";
import { ControlPlaneLayout, NetworkPolicyArgs } from "./types";

export interface NetworkPolicyOptions {
    readonly layout: ControlPlaneLayout;
    /** Ports of the apiserver pod besides kube-apiserver's that the load balancer forwards to (the tunnel's). */
    readonly tunnelPorts: readonly number[];
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
        policy("apiserver", "kube-apiserver", {
            podSelector: pods("kube-apiserver"),
            policyTypes: ["Ingress"],
            ingress: [{ ports: [apiserverPort, ...o.tunnelPorts].map(tcp) }],
        }),
    ];
    return {
        allow,
        denyAll: policy("default-deny-ingress", "control-plane", { podSelector: {}, policyTypes: ["Ingress"] }),
    };
}
