/** What an object of the nodes part belongs to: `app.kubernetes.io/component`. */
export type NodesComponent = "join" | "networking" | "dns" | "certificates";

/** The recommended labels of a user-cluster object this part creates. */
export function nodesLabels(name: string, component: NodesComponent): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "gks",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The labels a workload's selector uses (immutable once created). */
export function selectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name };
}

export const kubeSystem = "kube-system";
export const kubePublic = "kube-public";

/** Workloads that must not wait for nodes: Pulumi would otherwise await readiness on a first update. */
export const skipAwait = { "pulumi.com/skipAwait": "true" } as const;
