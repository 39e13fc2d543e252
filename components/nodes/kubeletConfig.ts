import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { nthIPv4Address } from "../config/cidr";
import { kubeSystem, nodesLabels } from "./labels";

/**
 * kube-system/kubelet-config, key `kubelet`: the KubeletConfiguration `kubeadm join` downloads
 * (componentconfigs/kubelet.go, which requires it) and writes to /var/lib/kubelet/config.yaml, after
 * its node-local changes (resolvConf for systemd-resolved, the CRI socket from the node).
 * Values follow kubeadm's defaults (kubelet.go Default) and the CIS worker-node checks; the
 * differences are deliberate:
 * - serverTLSBootstrap: the kubelet asks for its serving certificate (signer
 *   kubernetes.io/kubelet-serving) instead of making a self-signed one, so that kube-apiserver, with
 *   --kubelet-certificate-authority, verifies the kubelets it reaches through the tunnel;
 *   kubelet-csr-approver approves those CSRs.
 * - protectKernelDefaults: the kubelet refuses to start unless the sysctls it would otherwise
 *   change are set already; the node's cloud-init sets them (`kubeletSysctls`).
 * - graceful node shutdown: a VM that is stopped (a pool node being replaced) ends its pods first.
 */
export const kubeletConfigName = "kubelet-config";
export const kubeletConfigKey = "kubelet";

/** Kubernetes' cluster DNS address: the tenth of the service network (kubeadm's GetDNSIP). */
export function clusterDnsAddress(serviceCidr: string): string {
    return nthIPv4Address(serviceCidr, 10);
}

/** The sysctls the kubelet checks with protectKernelDefaults (k8s.io/component-helpers node/util/sysctl). */
export const kubeletSysctls: Readonly<Record<string, number>> = {
    "vm.overcommit_memory": 1,
    "vm.panic_on_oom": 0,
    "kernel.panic": 10,
    "kernel.panic_on_oops": 1,
    "kernel.keys.root_maxkeys": 1000000,
    "kernel.keys.root_maxbytes": 25000000,
};

export interface KubeletConfigArgs {
    readonly serviceCidr: string;
    readonly clusterDomain: string;
}

export function kubeletConfiguration({ serviceCidr, clusterDomain }: KubeletConfigArgs) {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        authentication: {
            anonymous: { enabled: false },
            webhook: { enabled: true },
            // kubeadm join writes the cluster CA (from cluster-info) here: kube-apiserver's kubelet
            // client certificate is signed by it.
            x509: { clientCAFile: "/etc/kubernetes/pki/ca.crt" },
        },
        authorization: { mode: "Webhook" },
        cgroupDriver: "systemd",
        clusterDNS: [clusterDnsAddress(serviceCidr)],
        clusterDomain,
        healthzBindAddress: "127.0.0.1",
        healthzPort: 10248,
        readOnlyPort: 0,
        rotateCertificates: true,
        serverTLSBootstrap: true,
        protectKernelDefaults: true,
        makeIPTablesUtilChains: true,
        streamingConnectionIdleTimeout: "4h0m0s",
        eventRecordQPS: 5,
        seccompDefault: true,
        tlsMinVersion: "VersionTLS12",
        shutdownGracePeriod: "30s",
        shutdownGracePeriodCriticalPods: "10s",
        staticPodPath: "/etc/kubernetes/manifests",
    };
}

export function kubeletConfigYaml(args: KubeletConfigArgs): string {
    return stringify(kubeletConfiguration(args));
}

export function kubeletConfigMap(args: KubeletConfigArgs): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: kubeletConfigName, namespace: kubeSystem, labels: nodesLabels("kubelet", "join") },
        data: { [kubeletConfigKey]: kubeletConfigYaml(args) },
    };
}
