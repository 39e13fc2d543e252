import { nodePodCidrMaskSize } from "../config";
import type * as pulumi from "@pulumi/pulumi";
import { componentDeployment, delegatingComponentFlags } from "./componentDeployment";
import { file } from "../shared/mounts";
import { files, mounts } from "./secrets";
import { ControlPlaneLayout, DeploymentArgs } from "../shared/seedObjects";

export const controllerManagerName = "controller-manager";
/** kube-controller-manager's default secure port. */
export const controllerManagerPort = 10257;

export interface ControllerManagerOptions {
    readonly layout: ControlPlaneLayout;
    readonly replicas: number;
    readonly serviceCidr: string;
    readonly podCidr: string;
    readonly checksum: pulumi.Input<string>;
    readonly priorityClassName: string;
}

/**
 * kube-controller-manager's flags (v1.35 to v1.37). It signs kubelet client and serving
 * certificates (CSRs) with the cluster CA, runs the bootstrap-token controllers the workers'
 * join needs and gives each node a pod CIDR from podCidr. Callers of its secure port are
 * authenticated through kube-apiserver (the CAs come from
 * kube-system/extension-apiserver-authentication).
 */
export function controllerManagerFlags(o: ControllerManagerOptions): string[] {
    const cfg = mounts.controllerManager;
    return [
        ...delegatingComponentFlags(file(cfg, files.kubeconfig), controllerManagerPort),
        `--cluster-name=${o.layout.clusterName}`,
        `--cluster-signing-cert-file=${file(cfg, files.ca)}`,
        `--cluster-signing-key-file=${file(cfg, files.caKey)}`,
        `--root-ca-file=${file(cfg, files.ca)}`,
        `--service-account-private-key-file=${file(cfg, files.saKey)}`,
        "--use-service-account-credentials=true",
        "--controllers=*,bootstrapsigner,tokencleaner",
        // Garbage-collect finished pods beyond 1000 (default 12500): they hold etcd space and
        // their logs are gone with their node anyway.
        "--terminated-pod-gc-threshold=1000",
        `--service-cluster-ip-range=${o.serviceCidr}`,
        `--cluster-cidr=${o.podCidr}`,
        "--allocate-node-cidrs=true",
        `--node-cidr-mask-size=${nodePodCidrMaskSize}`,
    ];
}

export function controllerManagerDeployment(o: ControllerManagerOptions): DeploymentArgs {
    return componentDeployment({
        layout: o.layout,
        app: "kube-controller-manager",
        name: controllerManagerName,
        replicas: o.replicas,
        flags: controllerManagerFlags(o),
        healthPort: controllerManagerPort,
        config: mounts.controllerManager,
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        checksum: o.checksum,
        priorityClassName: o.priorityClassName,
    });
}
