import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { kubeSystem, nodesLabels } from "./labels";

/**
 * kube-system/kubeadm-config, key `ClusterConfiguration` (kubeadm.k8s.io/v1beta4, which kubeadm
 * v1.35 to v1.37 all decode): what `kubeadm join` reads first (util/config/cluster.go
 * getInitConfigurationFromCluster). The control plane is not kubeadm's, so this states only what a
 * joining worker uses: the version its preflight checks the kubelet against, the endpoint, the
 * networks, the DNS domain and where the CA goes. Etcd is left out: workers never reach it.
 */
export const kubeadmConfigName = "kubeadm-config";
export const clusterConfigurationKey = "ClusterConfiguration";

export interface KubeadmConfigArgs {
    readonly clusterName: string;
    /** e.g. "v1.36.5" */
    readonly kubernetesVersion: string;
    /** `<public address>:6443` */
    readonly controlPlaneEndpoint: string;
    readonly serviceCidr: string;
    readonly podCidr: string;
    readonly clusterDomain: string;
}

export function clusterConfiguration(a: KubeadmConfigArgs) {
    return {
        apiVersion: "kubeadm.k8s.io/v1beta4",
        kind: "ClusterConfiguration",
        clusterName: a.clusterName,
        kubernetesVersion: a.kubernetesVersion,
        controlPlaneEndpoint: a.controlPlaneEndpoint,
        certificatesDir: "/etc/kubernetes/pki",
        imageRepository: "registry.k8s.io",
        networking: { serviceSubnet: a.serviceCidr, podSubnet: a.podCidr, dnsDomain: a.clusterDomain },
    };
}

export function kubeadmConfigMap(
    args: Omit<KubeadmConfigArgs, "controlPlaneEndpoint"> & { controlPlaneEndpoint: pulumi.Input<string> },
): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: kubeadmConfigName, namespace: kubeSystem, labels: nodesLabels("kubeadm", "join") },
        data: {
            [clusterConfigurationKey]: pulumi
                .output(args.controlPlaneEndpoint)
                .apply((controlPlaneEndpoint) => stringify(clusterConfiguration({ ...args, controlPlaneEndpoint }))),
        },
    };
}
