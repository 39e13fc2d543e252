import { apiserverPort, images } from "../config";
import type * as pulumi from "@pulumi/pulumi";
import { publicAddressEnv } from "./apiserverFlags";
import { objectMeta, selectorLabels } from "../shared/seedLabels";
import { healthProbes, podTemplate } from "./podTemplate";

import { mounts } from "./secrets";
import { configMapVolume, secretVolume, volumeMount } from "../shared/mounts";
import { containerSecurityContext } from "../shared/seedSecurity";
import type { ApiserverPodPieces } from "../tunnel/types";
import { ControlPlaneLayout, DeploymentArgs } from "../shared/seedObjects";

export const apiserverName = "apiserver";
export const apiserverContainerName = "kube-apiserver";

export interface ApiserverDeploymentOptions {
    readonly layout: ControlPlaneLayout;
    readonly replicas: number;
    /** kube-apiserver's own flags; the tunnel's are appended. */
    readonly flags: readonly string[];
    /** What the tunnel mode adds to the pod. */
    readonly tunnel: ApiserverPodPieces;
    /** Expanded into the flags as $(PUBLIC_ADDRESS). */
    readonly publicAddress: pulumi.Input<string>;
    /** configChecksum over every file the pod mounts. */
    readonly checksum: pulumi.Input<string>;
    readonly priorityClassName: string;
}

/** kube-apiserver, with the tunnel's sidecars, volumes and flags. */
export function apiserverDeployment(o: ApiserverDeploymentOptions): DeploymentArgs {
    const { layout, tunnel } = o;
    return {
        metadata: objectMeta(layout, "kube-apiserver", apiserverName),
        spec: {
            replicas: o.replicas,
            selector: { matchLabels: selectorLabels("kube-apiserver", layout.clusterName) },
            // Never fewer serving replicas (and konnectivity servers) than configured.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: podTemplate({
                layout,
                app: "kube-apiserver",
                checksum: o.checksum,
                priorityClassName: o.priorityClassName,
                containers: [
                    {
                        name: apiserverContainerName,
                        image: images(layout.versions)["kube-apiserver"],
                        command: ["kube-apiserver"],
                        args: [...o.flags, ...tunnel.flags],
                        env: [{ name: publicAddressEnv, value: o.publicAddress }],
                        ports: [{ name: "https", containerPort: apiserverPort, protocol: "TCP" }],
                        ...healthProbes({
                            port: apiserverPort,
                            scheme: "HTTPS",
                            live: "/livez",
                            ready: "/readyz",
                            startup: "/livez",
                        }),
                        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
                        securityContext: containerSecurityContext,
                        volumeMounts: [
                            volumeMount(mounts.apiserverPki),
                            volumeMount(mounts.serviceAccount),
                            volumeMount(mounts.encryption),
                            volumeMount(mounts.auditPolicy),
                            ...tunnel.volumeMounts,
                        ],
                    },
                    ...tunnel.containers,
                ],
                volumes: [
                    secretVolume(mounts.apiserverPki),
                    secretVolume(mounts.serviceAccount),
                    secretVolume(mounts.encryption),
                    configMapVolume(mounts.auditPolicy),
                    ...tunnel.volumes,
                ],
            }),
        },
    };
}
