import type * as pulumi from "@pulumi/pulumi";
import { componentDeployment, delegatingComponentFlags } from "./componentDeployment";
import { file } from "../shared/mounts";
import { files, mounts } from "./secrets";
import { ControlPlaneLayout, DeploymentArgs } from "../shared/seedObjects";

export const schedulerName = "scheduler";
/** kube-scheduler's default secure port. */
export const schedulerPort = 10259;

export interface SchedulerOptions {
    readonly layout: ControlPlaneLayout;
    readonly replicas: number;
    readonly checksum: pulumi.Input<string>;
    readonly priorityClassName: string;
}

/** kube-scheduler's flags (v1.35 to v1.37). */
export function schedulerFlags(): string[] {
    return delegatingComponentFlags(file(mounts.scheduler, files.kubeconfig), schedulerPort);
}

export function schedulerDeployment(o: SchedulerOptions): DeploymentArgs {
    return componentDeployment({
        layout: o.layout,
        app: "kube-scheduler",
        name: schedulerName,
        replicas: o.replicas,
        flags: schedulerFlags(),
        healthPort: schedulerPort,
        config: mounts.scheduler,
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        checksum: o.checksum,
        priorityClassName: o.priorityClassName,
    });
}
