import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { VersionPins } from "../config";

export type Container = k8s.types.input.core.v1.Container;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
export type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
export type DeploymentArgs = k8s.apps.v1.DeploymentArgs;
export type StatefulSetArgs = k8s.apps.v1.StatefulSetArgs;
export type ServiceArgs = k8s.core.v1.ServiceArgs;
export type PodDisruptionBudgetArgs = k8s.policy.v1.PodDisruptionBudgetArgs;
export type ResourceQuotaArgs = k8s.core.v1.ResourceQuotaArgs;
export type NetworkPolicyArgs = k8s.networking.v1.NetworkPolicyArgs;

/** Where a cluster's control plane lives and which versions it runs. */
export interface ControlPlaneLayout {
    readonly clusterName: string;
    /** The seed namespace, `cluster-<name>`. */
    readonly namespace: string;
    readonly versions: VersionPins;
}

/** A Secret's name and files; every value is treated as secret. */
export interface SecretSpec {
    readonly name: string;
    readonly data: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface ConfigMapSpec {
    readonly name: string;
    readonly data: Readonly<Record<string, string>>;
}

/** A certificate and its private key, PEM. */
export interface Pem {
    readonly certPem: pulumi.Input<string>;
    readonly keyPem: pulumi.Input<string>;
}

/** The PKI material the control plane mounts. Private keys must be secret Outputs. */
export interface ControlPlanePki {
    /** The cluster CA with its key: the controller-manager signs kubelet certificates with it. */
    readonly clusterCa: Pem;
    readonly etcdCaCertPem: pulumi.Input<string>;
    readonly frontProxyCaCertPem: pulumi.Input<string>;
    readonly konnectivityCaCertPem: pulumi.Input<string>;
    readonly apiserver: Pem;
    readonly apiserverKubeletClient: Pem;
    readonly apiserverEtcdClient: Pem;
    readonly frontProxyClient: Pem;
    readonly etcdServer: Pem;
    readonly etcdPeer: Pem;
    readonly controllerManager: Pem;
    readonly scheduler: Pem;
    readonly konnectivityServer: Pem;
    readonly serviceAccount: {
        readonly privateKeyPem: pulumi.Input<string>;
        readonly publicKeyPem: pulumi.Input<string>;
    };
}
