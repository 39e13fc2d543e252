import * as k8s from "@pulumi/kubernetes";
import { kubeSystem, nodesLabels } from "../labels";
import { ciliumVxlanPort } from "./ports";

/**
 * Cilium (v1.20.2) as the CNI: eBPF datapath with Kubernetes NetworkPolicy and Cilium's own
 * policies, VXLAN between the workers (so the worker network needs no routes for pod ranges), and
 * `ipam: kubernetes`: each node's pods get the node's spec.podCIDR, which kube-controller-manager
 * allocates from podCidr (--allocate-node-cidrs, --cluster-cidr, --node-cidr-mask-size). kube-proxy
 * keeps serving Services (kube-proxy-replacement off). The operator creates Cilium's CRDs at start
 * (pkg/k8s/apis RegisterCRDsCell; skip-crd-creation stays false), so no CRD manifest is shipped.
 * L7 policy (Envoy) and Hubble are off.
 *
 * Keys are the agent's and operator's flags (cilium-config, read with --config-dir), checked
 * against the chart's cilium-configmap.yaml and pkg/option, pkg/defaults at v1.20.2; the rest
 * keep the binaries' defaults.
 */
export const ciliumConfigName = "cilium-config";
export const ciliumCniConf = "/host/etc/cni/net.d/05-cilium.conflist";

export interface CiliumConfigArgs {
    readonly clusterName: string;
}

export function ciliumConfigData({ clusterName }: CiliumConfigArgs): Record<string, string> {
    return {
        "cluster-name": clusterName,
        "cluster-id": "0",
        "identity-allocation-mode": "crd",
        "enable-ipv4": "true",
        "enable-ipv6": "false",
        ipam: "kubernetes",
        "k8s-require-ipv4-pod-cidr": "true",
        "routing-mode": "tunnel",
        "tunnel-protocol": "vxlan",
        "tunnel-port": String(ciliumVxlanPort),
        "enable-ipv4-masquerade": "true",
        "kube-proxy-replacement": "false",
        "enable-policy": "default",
        "enable-k8s-networkpolicy": "true",
        "enable-l7-proxy": "false",
        "external-envoy-proxy": "false",
        "enable-policy-secrets-sync": "false",
        "enable-hubble": "false",
        "enable-health-checking": "true",
        "enable-endpoint-health-checking": "true",
        "write-cni-conf-when-ready": ciliumCniConf,
        "cni-exclusive": "true",
        "cni-log-file": "/var/run/cilium/cilium-cni.log",
        procfs: "/host/proc",
        "bpf-root": "/sys/fs/bpf",
        "cgroup-root": "/run/cilium/cgroupv2",
        "synchronize-k8s-nodes": "true",
        "operator-api-serve-addr": "127.0.0.1:9234",
        // Metrics stay off: both run on the host network, where they would listen on the node.
        "enable-metrics": "false",
        "operator-prometheus-serve-addr": "",
        "agent-not-ready-taint-key": "node.cilium.io/agent-not-ready",
        "remove-cilium-node-taints": "true",
        "set-cilium-node-taints": "true",
        "set-cilium-is-up-condition": "true",
    };
}

export function ciliumConfigMap(args: CiliumConfigArgs): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: ciliumConfigName, namespace: kubeSystem, labels: nodesLabels("cilium", "networking") },
        data: ciliumConfigData(args),
    };
}
