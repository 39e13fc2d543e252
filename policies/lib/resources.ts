import { PolicyResource } from "@pulumi/policy";
import { get, isRecord, isUnknown, plain, Tri, Unknown } from "./known";

/** Type tokens the pack looks at (the program's contract; see the provider SDKs' `__pulumiType`). */
export const types = {
    secGroup: "openstack:networking/secGroup:SecGroup",
    secGroupRule: "openstack:networking/secGroupRule:SecGroupRule",
    loadBalancer: "openstack:loadbalancer/loadBalancer:LoadBalancer",
    listener: "openstack:loadbalancer/listener:Listener",
    pool: "openstack:loadbalancer/pool:Pool",
    member: "openstack:loadbalancer/member:Member",
    monitor: "openstack:loadbalancer/monitor:Monitor",
    instance: "openstack:compute/instance:Instance",
    port: "openstack:networking/port:Port",
    workerSecurityGroup: "gks:index:WorkerSecurityGroup",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    service: "kubernetes:core/v1:Service",
    podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
} as const;

/** One resource as a rule sees it: plain properties (unknowns as `Unknown`), references as URNs. */
export interface Resource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly parent?: { readonly type: string; readonly urn: string; readonly name: string };
    readonly provider?: { readonly type: string; readonly urn: string; readonly props: Record<string, unknown> };
    /** URNs of the resources this one depends on. */
    readonly dependencies: readonly string[];
    /** Per input property, the URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export function plainProps(props: unknown): Record<string, unknown> {
    const copied = plain(props);
    return isRecord(copied) ? copied : {};
}

/** A stack policy's resource, read through the unknown-checking proxy once. */
export function fromPolicyResource(r: PolicyResource): Resource {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: plainProps(r.props),
        parent: r.parent ? { type: r.parent.type, urn: r.parent.urn, name: r.parent.name } : undefined,
        provider: r.provider
            ? { type: r.provider.type, urn: r.provider.urn, props: plainProps(r.provider.props) }
            : undefined,
        dependencies: (r.dependencies ?? []).map((d) => d.urn),
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
        ),
    };
}

export function ofType(resources: readonly Resource[], ...tokens: string[]): Resource[] {
    return resources.filter((r) => tokens.includes(r.type));
}

/**
 * Whether `from.props[key]` holds the id of `target`. The engine records, per input, the
 * resources its value came from: that answers it even in a preview, when the id is unknown.
 * Failing that, a known value is compared with the target's id (present in provider outputs).
 */
export function refersTo(from: Resource, key: string, target: Resource): Tri {
    const deps = from.propertyDependencies[key];
    if (deps?.includes(target.urn)) return true;
    const value = from.props[key];
    // A literal matches a known id only: it cannot be the id of a resource still being created.
    if (typeof value === "string") return value === target.props.id;
    // An unknown value comes from the resources recorded for it; without that record, it may be this one.
    if (isUnknown(value)) return deps === undefined ? value : false;
    return false;
}

/** A Kubernetes object's metadata.name, falling back to the resource name (the provider autonames from it). */
export function objectName(r: Resource): string | Unknown {
    const name = get(r.props, "metadata", "name");
    if (isUnknown(name)) return name;
    return typeof name === "string" && name !== "" ? name : r.name;
}

/** A namespaced Kubernetes object's namespace: metadata.namespace, else the provider's default, else "default". */
export function namespaceOf(r: Resource): string | Unknown {
    const ns = get(r.props, "metadata", "namespace");
    if (isUnknown(ns)) return ns;
    if (typeof ns === "string" && ns !== "") return ns;
    const fromProvider = r.provider?.props.namespace;
    if (isUnknown(fromProvider)) return fromProvider;
    return typeof fromProvider === "string" && fromProvider !== "" ? fromProvider : "default";
}

/** Same namespace (three-valued). */
export function sameNamespace(a: Resource, b: Resource): Tri {
    const x = namespaceOf(a);
    const y = namespaceOf(b);
    if (isUnknown(x)) return x;
    if (isUnknown(y)) return y;
    return x === y;
}
