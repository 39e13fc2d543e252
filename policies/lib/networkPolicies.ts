import { cidrContains, isWholeInternet } from "../../components/config/cidr";
import { firstUnknown, get, isRecord, isUnknown, Unknown } from "./known";
import { namespaceOf, ofType, Resource, types } from "./resources";
import { LabelSelector, selectorMatches } from "./selectors";

/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) ingress as the API defines it: a pod is
 * isolated for ingress once a policy of its namespace selects it with the Ingress type (or with
 * no policyTypes, which means Ingress); then a connection is admitted when some rule of some
 * selecting policy admits both its port (no ports: every port) and its source (no from: every
 * source). Peers: podSelector (this namespace), namespaceSelector (+ podSelector), ipBlock.
 * Traffic from the pod's own node (the kubelet's probes) is always admitted by the CNI, and is
 * not modelled here.
 */
export type Source =
    | { readonly kind: "pod"; readonly namespace: string; readonly labels: Record<string, string> }
    | { readonly kind: "address"; readonly address: string };

export interface Target {
    readonly namespace: string;
    readonly labels: Record<string, string>;
    /** The pod's container ports, for named ports in rules. */
    readonly namedPorts: Readonly<Record<string, number>>;
}

export interface NetworkPolicyView {
    readonly resource: Resource;
    readonly namespace: string;
    readonly spec: Record<string, unknown>;
}

/**
 * The stack's NetworkPolicies whose namespace and whole spec are known; `unknowns` for the others
 * (any value inside a spec, a peer's CIDR or a port, may decide what it admits).
 */
export function networkPolicies(resources: readonly Resource[]): { found: NetworkPolicyView[]; unknowns: Unknown[] } {
    const found: NetworkPolicyView[] = [];
    const unknowns: Unknown[] = [];
    for (const resource of ofType(resources, types.networkPolicy)) {
        const namespace = namespaceOf(resource);
        const spec = get(resource.props, "spec");
        const unknown = firstUnknown(spec);
        if (isUnknown(namespace)) unknowns.push(namespace);
        else if (unknown !== undefined) unknowns.push(unknown);
        else if (isRecord(spec)) found.push({ resource, namespace, spec });
    }
    return { found, unknowns };
}

/** A list in a known spec (absent or not a list: empty). */
const entries = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function selects(policy: NetworkPolicyView, target: Target): boolean {
    if (policy.namespace !== target.namespace) return false;
    const selector = get(policy.spec, "podSelector");
    // An empty (or absent) podSelector selects every pod of the namespace.
    return selectorMatches(isRecord(selector) ? (selector as LabelSelector) : {}, target.labels);
}

function isolatesIngress(policy: NetworkPolicyView): boolean {
    const typesList = entries(get(policy.spec, "policyTypes"));
    return typesList.length === 0 || typesList.includes("Ingress");
}

/** The policies that isolate the target's ingress. */
export function isolatingPolicies(policies: readonly NetworkPolicyView[], target: Target): NetworkPolicyView[] {
    return policies.filter((p) => selects(p, target) && isolatesIngress(p));
}

function portMatches(rulePorts: unknown, port: number, target: Target): boolean {
    const ports = entries(rulePorts);
    if (ports.length === 0) return true;
    return ports.some((p) => {
        const protocol = get(p, "protocol") ?? "TCP";
        if (protocol !== "TCP") return false;
        const value = get(p, "port");
        if (value === undefined) return true;
        const from: number | undefined = typeof value === "number" ? value : target.namedPorts[String(value)];
        const end = get(p, "endPort");
        return typeof end === "number" ? from <= port && port <= end : from === port;
    });
}

function peerMatches(
    peer: unknown,
    policy: NetworkPolicyView,
    source: Source,
    namespaceLabels: NamespaceLabels,
): boolean {
    const ipBlock = get(peer, "ipBlock");
    if (isRecord(ipBlock)) {
        if (source.kind !== "address" || typeof ipBlock.cidr !== "string") return false;
        const excluded = entries(ipBlock.except).some((c) => cidrContains(String(c), source.address));
        return cidrContains(ipBlock.cidr, source.address) && !excluded;
    }
    if (source.kind !== "pod") return false;
    const podSelector = get(peer, "podSelector");
    const namespaceSelector = get(peer, "namespaceSelector");
    if (namespaceSelector === undefined && podSelector === undefined) return false;
    const inNamespace = isRecord(namespaceSelector)
        ? selectorMatches(namespaceSelector as LabelSelector, namespaceLabels(source.namespace))
        : source.namespace === policy.namespace;
    const podOk = isRecord(podSelector) ? selectorMatches(podSelector as LabelSelector, source.labels) : true;
    return inNamespace && podOk;
}

/** A selector that selects everything: no labels and no expressions. */
function isEmptySelector(selector: Record<string, unknown>): boolean {
    const labels = selector.matchLabels;
    return (!isRecord(labels) || Object.keys(labels).length === 0) && entries(selector.matchExpressions).length === 0;
}

/** The labels of a namespace (the stack's Namespace, or just its name label). */
export type NamespaceLabels = (namespace: string) => Record<string, string>;

/** The peers of every rule of the isolating policies that admits the port ([]: every source). */
function admittingRules(
    policies: readonly NetworkPolicyView[],
    target: Target,
    port: number,
): { policy: NetworkPolicyView; from: unknown[] }[] {
    return policies.flatMap((policy) => {
        return entries(get(policy.spec, "ingress")).flatMap((rule) =>
            portMatches(get(rule, "ports"), port, target) ? [{ policy, from: entries(get(rule, "from")) }] : [],
        );
    });
}

/** Whether the policies admit `source` to the target's `port`. */
export function admits(
    policies: readonly NetworkPolicyView[],
    target: Target,
    port: number,
    source: Source,
    namespaceLabels: NamespaceLabels = (ns) => ({ "kubernetes.io/metadata.name": ns }),
): boolean {
    const isolating = isolatingPolicies(policies, target);
    if (isolating.length === 0) return true;
    return admittingRules(isolating, target, port).some(
        ({ policy, from }) =>
            from.length === 0 || from.some((peer) => peerMatches(peer, policy, source, namespaceLabels)),
    );
}

/** A peer that is everyone: an ipBlock of the whole internet, or every pod of every namespace. */
function isAnyone(peer: unknown): boolean {
    const cidr = get(peer, "ipBlock", "cidr");
    if (typeof cidr === "string") return isWholeInternet(cidr);
    const ns = get(peer, "namespaceSelector");
    const pods = get(peer, "podSelector");
    const everyNamespace = isRecord(ns) && isEmptySelector(ns);
    const everyPod = pods === undefined || (isRecord(pods) && isEmptySelector(pods));
    return everyNamespace && everyPod;
}

/**
 * Whether some rule admits the port from anyone: no `from`, an ipBlock of the whole internet, or a
 * namespaceSelector matching every namespace with no pod restriction.
 */
export function admitsAnyone(policies: readonly NetworkPolicyView[], target: Target, port: number): boolean {
    return admittingRules(isolatingPolicies(policies, target), target, port).some(
        ({ from }) => from.length === 0 || from.some(isAnyone),
    );
}
