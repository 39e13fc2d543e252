import type { TunnelMode } from "../../config";
import type { ConfigMapSpec, Container, SecretSpec, ServiceArgs, Volume, VolumeMount } from "../types";

/**
 * What a tunnel mode adds to the control plane: containers, volumes and flags of the
 * kube-apiserver pod, and the Secrets, ConfigMaps and Services they need. The control plane
 * builds the apiserver pod from whichever mode is selected, so konnectivity and the legacy
 * OpenVPN can each provide their own.
 */
export interface ApiserverTunnel {
    readonly mode: TunnelMode;
    /** Sidecars of the kube-apiserver pod. */
    readonly containers: readonly Container[];
    readonly volumes: readonly Volume[];
    /** Mounts of the kube-apiserver container itself. */
    readonly apiserverVolumeMounts: readonly VolumeMount[];
    readonly apiserverFlags: readonly string[];
    readonly configMaps: readonly ConfigMapSpec[];
    readonly secrets: readonly SecretSpec[];
    /** Ports of the apiserver pod that the load balancer's tunnel listeners reach (the NetworkPolicy opens them). */
    readonly ingressPorts: readonly number[];
    /** Services in the seed, e.g. the NodePort the load balancer forwards the tunnel port to. */
    readonly services: readonly { readonly name: string; readonly args: ServiceArgs }[];
}
