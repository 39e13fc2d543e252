import type * as pulumi from "@pulumi/pulumi";
import { preferSpreadOverNodes } from "./affinity";
import { checksumAnnotation } from "./checksum";
import { AppName, recommendedLabels, selectorLabels } from "./labels";
import { Mount, secretVolume, volumeMount } from "./secrets";
import { containerSecurityContext, podSecurityContext } from "./security";
import { ControlPlaneLayout, DeploymentArgs } from "./types";

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
}

/** A leader-elected control-plane component with its kubeconfig and files in one Secret. */
export function componentDeployment(o: ComponentDeploymentOptions): DeploymentArgs {
    const { layout } = o;
    const selector = selectorLabels(o.app, layout.clusterName);
    const probe = { httpGet: { path: "/healthz", port: o.healthPort, scheme: "HTTPS" }, timeoutSeconds: 15 };
    return {
        metadata: { name: o.name, namespace: layout.namespace, labels: recommendedLabels(o.app, layout.clusterName) },
        spec: {
            replicas: o.replicas,
            selector: { matchLabels: selector },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                metadata: {
                    labels: recommendedLabels(o.app, layout.clusterName),
                    annotations: { [checksumAnnotation]: o.checksum },
                },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext,
                    affinity: preferSpreadOverNodes(selector),
                    containers: [
                        {
                            name: o.app,
                            image: `registry.k8s.io/${o.app}:${layout.versions.kubernetes}`,
                            command: [o.app],
                            args: [...o.flags],
                            ports: [{ name: "https", containerPort: o.healthPort, protocol: "TCP" }],
                            livenessProbe: {
                                ...probe,
                                initialDelaySeconds: 10,
                                periodSeconds: 10,
                                failureThreshold: 8,
                            },
                            readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
                            resources: o.resources,
                            securityContext: containerSecurityContext,
                            volumeMounts: [volumeMount(o.config)],
                        },
                    ],
                    volumes: [secretVolume(o.config)],
                },
            },
        },
    };
}
