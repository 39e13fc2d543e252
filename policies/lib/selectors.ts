/**
 * Kubernetes label selectors (metav1.LabelSelector) as the API server applies them to pods:
 * every matchLabels pair and every matchExpressions requirement must hold. An empty selector
 * ({}) matches every pod; no selector at all matches none (PodDisruptionBudget in policy/v1).
 */
export interface LabelSelector {
    readonly matchLabels?: Record<string, string>;
    readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

export function selectorMatches(selector: LabelSelector | undefined | null, labels: Record<string, string>): boolean {
    if (selector === undefined || selector === null) return false;
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    return byLabels && (selector.matchExpressions ?? []).every((req) => requirementHolds(req, labels));
}

function requirementHolds(
    req: { key: string; operator: string; values?: readonly string[] },
    labels: Record<string, string>,
): boolean {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    // Values are strings: a pod without the label is never listed.
    const listed = req.values?.includes(labels[req.key]) === true;
    if (req.operator === "In") return listed;
    if (req.operator === "NotIn") return !listed;
    if (req.operator === "Exists") return has;
    // Any other operator is invalid (the API server refuses the object): it selects nothing.
    return req.operator === "DoesNotExist" && !has;
}
