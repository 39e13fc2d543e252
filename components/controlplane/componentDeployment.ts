import { images } from "../config";
import type * as pulumi from "@pulumi/pulumi";
import { tlsServingFlags } from "./apiserverFlags";
import { AppName, objectMeta, selectorLabels } from "../shared/seedLabels";
import { healthProbes, podTemplate } from "./podTemplate";
import { Mount, secretVolume, volumeMount } from "../shared/mounts";
import { containerSecurityContext } from "../shared/seedSecurity";
import { ControlPlaneLayout, DeploymentArgs } from "../shared/seedObjects";

export interface ComponentDeploymentOptions {
    readonly layout: ControlPlaneLayout;
    readonly app: Extract<AppName, "kube-controller-manager" | "kube-scheduler">;
    /** The Deployment's name in the seed. */
    readonly name: string;
    readonly replicas: number;
    readonly flags: readonly string[];
    /** The secure port serving /healthz. */
    readonly healthPort: number;
    readonly config: Mount;
    readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
    readonly checksum: pulumi.Input<string>;
    readonly priorityClassName: string;
}

/**
 * The flags kube-controller-manager and kube-scheduler share: one kubeconfig for the API, for
 * authenticating and authorizing callers of the secure port (delegated to kube-apiserver), the
 * port on all addresses for the kubelet's probes, TLS and profiling hardening, and leader election.
 */
export function delegatingComponentFlags(kubeconfig: string, securePort: number): string[] {
    return [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=0.0.0.0",
        `--secure-port=${securePort}`,
        ...tlsServingFlags,
        // pprof off (on by default in both; deprecated but honoured by kube-scheduler without --config).
        "--profiling=false",
        "--leader-elect=true",
    ];
}

/** A leader-elected control-plane component with its kubeconfig and files in one Secret. */
export function componentDeployment(o: ComponentDeploymentOptions): DeploymentArgs {
    const { layout } = o;
    return {
        metadata: objectMeta(layout, o.app, o.name),
        spec: {
            replicas: o.replicas,
            selector: { matchLabels: selectorLabels(o.app, layout.clusterName) },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: podTemplate({
                layout,
                app: o.app,
                checksum: o.checksum,
                priorityClassName: o.priorityClassName,
                containers: [
                    {
                        name: o.app,
                        image: images(layout.versions)[o.app],
                        command: [o.app],
                        args: [...o.flags],
                        ports: [{ name: "https", containerPort: o.healthPort, protocol: "TCP" }],
                        ...healthProbes({
                            port: o.healthPort,
                            scheme: "HTTPS",
                            live: "/healthz",
                            ready: "/healthz",
                            startup: "/healthz",
                        }),
                        resources: o.resources,
                        securityContext: containerSecurityContext,
                        volumeMounts: [volumeMount(o.config)],
                    },
                ],
                volumes: [secretVolume(o.config)],
            }),
        },
    };
}
