import { AppName, objectMeta, selectorLabels } from "../shared/seedLabels";
import { ControlPlaneLayout, PodDisruptionBudgetArgs } from "../shared/seedObjects";

/** Members that must stay up for etcd to keep quorum. */
export function etcdQuorum(members: number): number {
    return Math.floor(members / 2) + 1;
}

/**
 * etcd: never evict below quorum (a single member therefore cannot be evicted voluntarily).
 * The stateless components: one pod at a time.
 */
export function podDisruptionBudget(
    layout: ControlPlaneLayout,
    app: AppName,
    name: string,
    budget: { minAvailable: number } | { maxUnavailable: number },
): PodDisruptionBudgetArgs {
    return {
        metadata: objectMeta(layout, app, name),
        spec: { ...budget, selector: { matchLabels: selectorLabels(app, layout.clusterName) } },
    };
}
