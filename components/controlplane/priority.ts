import { objectMeta } from "../shared/seedLabels";
import { ControlPlaneLayout, ResourceQuotaArgs } from "../shared/seedObjects";

/**
 * The built-in classes above every user-defined one. Upstream kube-apiserver admits them in any
 * namespace (plugin/pkg/admission/priority at v1.35.8-v1.37.2 has no namespace check), but a seed
 * may limit them to kube-system with the ResourceQuota admission plugin's `limitedResources`
 * (what the Kubernetes docs suggest, "Limit Priority Class consumption by default"). A pod of a
 * limited class is then admitted only in a namespace with a quota that covers the class.
 */
export const systemPriorityClasses: readonly string[] = ["system-cluster-critical", "system-node-critical"];

/**
 * The quota that admits the control plane's pods at a system class on any seed: it covers the
 * class (kubernetes pkg/quota/v1/evaluator/core/pods.go, UncoveredQuotaScopes: a quota scope of
 * the same scopeName whose selector matches the pod) and bounds how many such pods the namespace
 * may run. Nothing for another class: a user-defined class is the seed's to create and limit.
 */
export function criticalPodsQuota(
    layout: ControlPlaneLayout,
    priorityClassName: string,
    pods: number,
): ResourceQuotaArgs | undefined {
    if (!systemPriorityClasses.includes(priorityClassName)) return undefined;
    return {
        metadata: objectMeta(layout, "control-plane", "critical-pods"),
        spec: {
            hard: { pods: String(pods) },
            scopeSelector: {
                matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: [priorityClassName] }],
            },
        },
    };
}
