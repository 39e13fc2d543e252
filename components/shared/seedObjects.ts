import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { VersionPins } from "../config";
import { configChecksum } from "./checksum";

/**
 * The shapes of the objects a cluster's namespace in the seed holds, shared by the parts that
 * put objects there (the control plane, and the tunnel modes' seed halves).
 */
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

/** The files of Secrets and ConfigMaps, for the checksum of the pods that mount them. */
export function mountedFiles(
    objects: readonly (SecretSpec | ConfigMapSpec)[],
): { source: string; key: string; content: pulumi.Input<string> }[] {
    return objects.flatMap((o) => Object.entries(o.data).map(([key, content]) => ({ source: o.name, key, content })));
}

/** configChecksum over Secrets and ConfigMaps. A hash of the keys reveals none of them: not secret. */
export function mountedChecksum(objects: readonly (SecretSpec | ConfigMapSpec)[]): pulumi.Output<string> {
    const entries = mountedFiles(objects);
    const sum = pulumi
        .all(entries.map((e) => e.content))
        .apply((contents) => configChecksum(entries.map((e, i) => ({ ...e, content: contents[i] }))));
    return pulumi.unsecret(sum);
}
