/** Recommended labels of every agent object; the selector uses the first two. */
export function agentLabels(): Record<string, string> {
    return {
        "app.kubernetes.io/name": "konnectivity-agent",
        "app.kubernetes.io/component": "tunnel",
        "app.kubernetes.io/part-of": "gks",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

export function agentSelector(): Record<string, string> {
    return { "app.kubernetes.io/name": "konnectivity-agent", "app.kubernetes.io/component": "tunnel" };
}

export const agentNamespace = "kube-system";
export const agentName = "konnectivity-agent";
