import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksumAnnotation } from "../shared/checksum";
import type { AntiAffinity } from "../config";
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
    /** The PriorityClass of the pod. */
    readonly priorityClassName: string;
    /** One pod per seed node: required, or preferred (the default). */
    readonly antiAffinity?: AntiAffinity;
}

/**
 * One replica per seed node. Preferred by default: a small seed (or a node being drained) must
 * still be able to run every replica, and a Deployment's surge pod needs room beside the others.
 * Required where a shared node would cost more than a pending pod (etcd members, when the seed has
 * a node for each: two members on one node lose quorum together).
 */
export function spreadOverNodes(
    matchLabels: Record<string, string>,
    kind: AntiAffinity = "preferred",
): k8s.types.input.core.v1.Affinity {
    const term = { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels } };
    return {
        podAntiAffinity:
            kind === "required"
                ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/** A control-plane pod: labelled, checksummed, prioritised, unprivileged, spread over nodes, no API token. */
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
            priorityClassName: o.priorityClassName,
            affinity: spreadOverNodes(selectorLabels(o.app, clusterName), o.antiAffinity),
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
