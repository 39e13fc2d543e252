import type * as k8s from "@pulumi/kubernetes";

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
