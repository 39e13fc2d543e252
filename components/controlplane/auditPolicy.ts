import { stringify } from "yaml";

/**
 * kube-apiserver's audit policy (`--audit-policy-file`, audit.k8s.io/v1 Policy) and how the
 * apiserver applies it: the first rule that matches a request decides its level, and a request
 * no rule matches is not logged (k8s.io/apiserver/pkg/audit/policy/checker.go, ruleMatches).
 */
export type AuditLevel = "None" | "Metadata" | "Request" | "RequestResponse";

export interface GroupResources {
    group?: string;
    resources?: string[];
    resourceNames?: string[];
}

export interface AuditRule {
    level: AuditLevel;
    users?: string[];
    userGroups?: string[];
    verbs?: string[];
    resources?: GroupResources[];
    namespaces?: string[];
    nonResourceURLs?: string[];
    omitStages?: string[];
}

export interface AuditPolicy {
    apiVersion: "audit.k8s.io/v1";
    kind: "Policy";
    omitStages?: string[];
    omitManagedFields?: boolean;
    rules: AuditRule[];
}

const bodyLevels: readonly AuditLevel[] = ["Request", "RequestResponse"];
const writes = ["create", "update", "patch", "delete", "deletecollection"];

/**
 * What a provider ships (compare GKE's and kube-up's cluster/gce policy, and KKP's "recommended"
 * preset in pkg/resources/apiserver/audit.go): every request at Metadata (who did what to which
 * object, when, from where, with what result), nothing for health probes and the control plane's
 * own high-volume reads and heartbeats, and never a body of a Secret, ConfigMap, token or token
 * review. Changes to RBAC and to admission webhooks are logged with their request body: who
 * granted what is what an investigation needs, and those objects hold no secrets.
 */
export function auditPolicy(): AuditPolicy {
    return {
        apiVersion: "audit.k8s.io/v1",
        kind: "Policy",
        // One event per request at completion (ResponseComplete), not a second one on receipt.
        omitStages: ["RequestReceived"],
        omitManagedFields: true,
        rules: [
            { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"] },
            {
                level: "None",
                users: ["system:kube-proxy"],
                verbs: ["watch"],
                resources: [
                    { group: "", resources: ["endpoints", "services", "services/status"] },
                    { group: "discovery.k8s.io", resources: ["endpointslices"] },
                ],
            },
            {
                level: "None",
                userGroups: ["system:nodes"],
                verbs: ["get", "update"],
                namespaces: ["kube-node-lease"],
                resources: [{ group: "coordination.k8s.io", resources: ["leases"] }],
            },
            {
                level: "None",
                // Leader election, the apiservers' identity leases and konnectivity-servers' leases.
                users: [
                    "system:kube-controller-manager",
                    "system:kube-scheduler",
                    "system:apiserver",
                    "system:konnectivity-server",
                ],
                verbs: ["get", "update"],
                namespaces: ["kube-system"],
                resources: [{ group: "coordination.k8s.io", resources: ["leases"] }],
            },
            {
                level: "None",
                resources: [
                    { group: "", resources: ["events"] },
                    { group: "events.k8s.io", resources: ["events"] },
                ],
            },
            // Before any rule that logs bodies: these hold keys, tokens and credentials.
            {
                level: "Metadata",
                resources: [
                    { group: "", resources: ["secrets", "configmaps", "serviceaccounts/token"] },
                    { group: "authentication.k8s.io", resources: ["tokenreviews"] },
                ],
            },
            {
                level: "Request",
                verbs: writes,
                resources: [{ group: "rbac.authorization.k8s.io" }, { group: "admissionregistration.k8s.io" }],
            },
            { level: "Metadata" },
        ],
    };
}

/** The file kube-apiserver reads; throws when the policy could log a Secret's body or misses the Metadata default. */
export function auditPolicyYaml(policy: AuditPolicy): string {
    const problems = auditPolicyProblems(policy);
    if (problems.length > 0) throw new Error(`audit policy unfit:\n  - ${problems.join("\n  - ")}`);
    return stringify(policy);
}

/** One request, as the policy checker sees it. */
export interface AuditRequest {
    readonly user: string;
    readonly groups?: readonly string[];
    readonly verb: string;
    /** A resource request: group ("" core), resource, optional subresource, namespace and name. */
    readonly resource?: {
        readonly group: string;
        readonly resource: string;
        readonly subresource?: string;
        readonly namespace?: string;
        readonly name?: string;
    };
    /** A non-resource request's path, e.g. /healthz. */
    readonly path?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);

function pathMatches(path: string, spec: string): boolean {
    if (spec === "*") return true;
    if (spec.endsWith("*")) return path.startsWith(spec.slice(0, -1));
    return path === spec;
}

function resourceMatches(rule: Obj, r: NonNullable<AuditRequest["resource"]>): boolean {
    const namespaces = strings(rule.namespaces);
    if (namespaces.length > 0 && !namespaces.includes(r.namespace ?? "")) return false;
    const groups = Array.isArray(rule.resources) ? rule.resources : [];
    if (groups.length === 0) return true;
    const combined = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    return groups.some((g: unknown) => {
        if (!isObj(g)) return false;
        const group = typeof g.group === "string" ? g.group : "";
        if (group !== r.group && group !== "*") return false;
        const resources = strings(g.resources);
        if (resources.length === 0) return true;
        const names = strings(g.resourceNames);
        if (names.length > 0 && !names.includes(r.name ?? "")) return false;
        return resources.some(
            (res) =>
                res === combined ||
                res === "*" ||
                (r.subresource !== undefined && res === `*/${r.subresource}`) ||
                (res.endsWith("/*") && res.slice(0, -2) === r.resource),
        );
    });
}

/** Whether a rule matches a request (checker.go, ruleMatches). */
export function ruleMatches(rule: unknown, request: AuditRequest): boolean {
    if (!isObj(rule)) return false;
    const users = strings(rule.users);
    if (users.length > 0 && !users.includes(request.user)) return false;
    const groups = strings(rule.userGroups);
    if (groups.length > 0 && !(request.groups ?? []).some((g) => groups.includes(g))) return false;
    const verbs = strings(rule.verbs);
    if (verbs.length > 0 && !verbs.includes(request.verb)) return false;
    if (strings(rule.namespaces).length > 0 || (Array.isArray(rule.resources) && rule.resources.length > 0)) {
        return request.resource !== undefined && resourceMatches(rule, request.resource);
    }
    const urls = strings(rule.nonResourceURLs);
    if (urls.length > 0) return request.path !== undefined && urls.some((u) => pathMatches(request.path!, u));
    return true;
}

/** The level a request is logged at: the first matching rule's, None when none matches. */
export function auditLevel(policy: unknown, request: AuditRequest): AuditLevel {
    const rules = isObj(policy) && Array.isArray(policy.rules) ? policy.rules : [];
    const rule = rules.find((r: unknown) => ruleMatches(r, request));
    return isObj(rule) && typeof rule.level === "string" ? (rule.level as AuditLevel) : "None";
}

/** Requests on Secrets whose bodies a policy must never log: every verb, by anyone. */
const secretRequests = (user: string, groups: string[]): AuditRequest[] =>
    ["get", "list", "watch", ...writes].map((verb) => ({
        user,
        groups,
        verb,
        resource: { group: "", resource: "secrets", namespace: "kube-system", name: "any" },
    }));

/**
 * Reasons a policy falls short: a rule that logs the body of some Secret request, or requests
 * that no rule logs at least at Metadata. Rules are examined as written, so that a rule scoped
 * to some users, groups, verbs, namespaces or names is found too, wherever it stands.
 */
export function auditPolicyProblems(policy: unknown): string[] {
    if (!isObj(policy) || policy.apiVersion !== "audit.k8s.io/v1" || policy.kind !== "Policy") {
        return ["must be an audit.k8s.io/v1 Policy"];
    }
    const rules = Array.isArray(policy.rules) ? policy.rules : [];
    if (rules.length === 0) return ["has no rules: nothing is logged"];
    const problems: string[] = [];
    // Whoever asks: a rule that matches no request of these people still matches someone's.
    const anyone = (rule: Obj): [string, string[]] => [strings(rule.users)[0] ?? "someone", strings(rule.userGroups)];
    rules.forEach((rule: unknown, i: number) => {
        if (!isObj(rule) || !bodyLevels.includes(rule.level as AuditLevel)) return;
        const [user, groups] = anyone(rule);
        const names = (Array.isArray(rule.resources) ? rule.resources : []).flatMap((g: unknown) =>
            isObj(g) ? strings(g.resourceNames) : [],
        );
        const namespaces = strings(rule.namespaces);
        const hit = secretRequests(user, groups).find((request) => {
            const r = request.resource!;
            const scoped = {
                ...request,
                resource: { ...r, namespace: namespaces[0] ?? r.namespace, name: names[0] ?? r.name },
            };
            if (!ruleMatches(rule, scoped)) return false;
            // Only if no earlier rule catches that request at a lower level.
            return rules.slice(0, i).every((earlier: unknown) => !ruleMatches(earlier, scoped));
        });
        if (hit) problems.push(`rules[${i}] logs ${rule.level} (bodies) for ${hit.verb} of Secrets`);
    });
    const unnamed: AuditRequest = {
        user: "someone",
        groups: ["system:authenticated"],
        verb: "create",
        resource: { group: "example.com", resource: "widgets", namespace: "default", name: "w" },
    };
    if (auditLevel(policy, unnamed) === "None") {
        problems.push("logs nothing for requests its rules do not name: end with a catch-all rule at Metadata");
    }
    return problems;
}
