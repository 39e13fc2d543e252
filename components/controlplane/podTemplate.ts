import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksumAnnotation } from "../shared/checksum";
import { AppName, recommendedLabels, selectorLabels } from "../shared/seedLabels";
import { podSecurityContext } from "../shared/seedSecurity";
import { Container, ControlPlaneLayout, PodTemplate, Volume } from "../shared/seedObjects";

export interface PodTemplateOptions {
    readonly layout: ControlPlaneLayout;
    readonly app: AppName;
    /** configChecksum over every file the pod mounts. */
    readonly checksum: pulumi.Input<string>;
    readonly containers: readonly Container[];
    readonly volumes: readonly Volume[];
}

/**
 * Prefer one replica per seed node. Preferred, not required: a small seed (or a node being
 * drained) must still be able to run every replica.
 */
export function preferSpreadOverNodes(matchLabels: Record<string, string>): k8s.types.input.core.v1.Affinity {
    return {
        podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
                {
                    weight: 100,
                    podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels } },
                },
            ],
        },
    };
}

/** A control-plane pod: labelled, checksummed, unprivileged, spread over nodes, no API token. */
export function podTemplate(o: PodTemplateOptions): PodTemplate {
    const { clusterName } = o.layout;
    return {
        metadata: {
            labels: recommendedLabels(o.app, clusterName),
            annotations: { [checksumAnnotation]: o.checksum },
        },
        spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurityContext,
            affinity: preferSpreadOverNodes(selectorLabels(o.app, clusterName)),
            containers: [...o.containers],
            volumes: [...o.volumes],
        },
    };
}

/**
 * Probes on one port: liveness and readiness, and a startup probe that gives a slow first start
 * (etcd joining, kube-apiserver warming caches) four minutes before liveness counts.
 */
export function healthProbes(o: {
    port: number;
    scheme: "HTTP" | "HTTPS";
    live: string;
    ready: string;
    startup: string;
}): Pick<Container, "livenessProbe" | "readinessProbe" | "startupProbe"> {
    const get = (path: string) => ({ httpGet: { path, port: o.port, scheme: o.scheme }, timeoutSeconds: 15 });
    return {
        livenessProbe: { ...get(o.live), periodSeconds: 10, failureThreshold: 8 },
        readinessProbe: { ...get(o.ready), periodSeconds: 5, failureThreshold: 3 },
        startupProbe: { ...get(o.startup), periodSeconds: 10, failureThreshold: 24 },
    };
}
