import { isDeepStrictEqual } from "util";

/**
 * Comparing two runs of a program the way the engine compares a program with its last state:
 * by URN (or an alias of one), by inputs. `before` is what the state holds (an earlier run),
 * `after` what the program registers now. Pure: works on recorded runs and on stored snapshots.
 */

/** What compareRuns needs of a resource; RecordedResource has it all. */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
    /** URNs this resource was known by before (resolved `aliases` options). */
    readonly aliases?: readonly string[];
    /** A read (StackReference, `.get()`): not managed, so never compared. */
    readonly read?: boolean;
}

export type Change = "kept" | "updated" | "created" | "deleted";

export interface ComparedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly change: Change;
    /** Leaf paths of the inputs that differ ("spec.template.spec.containers[0].args[3]"); empty unless updated. */
    readonly changedInputs: readonly string[];
    /** The URN in `before` when the resource was matched through an alias. */
    readonly aliasOf?: string;
}

const managed = (r: StateResource) => !r.read && r.type !== "pulumi:pulumi:Stack";

/** Every leaf path at which two values differ. */
export function differingPaths(a: unknown, b: unknown, path = ""): string[] {
    if (isDeepStrictEqual(a, b)) return [];
    const bothArrays = Array.isArray(a) && Array.isArray(b);
    const bothObjects =
        typeof a === "object" &&
        a !== null &&
        typeof b === "object" &&
        b !== null &&
        !Array.isArray(a) &&
        !Array.isArray(b);
    if (bothArrays) {
        const length = Math.max(a.length, b.length);
        return Array.from({ length }, (_, i) => differingPaths(a[i], b[i], `${path}[${i}]`)).flat();
    }
    if (bothObjects) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        // A key with dots or slashes (a label, an annotation) in brackets, so that paths stay unambiguous.
        const step = (k: string) =>
            /^[\w$-]+$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
        return keys.flatMap((k) =>
            differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], step(k)),
        );
    }
    return [path];
}

/**
 * Every managed resource of either run, in `after`'s order then the deleted ones: kept (same
 * URN or alias, equal inputs), updated (which inputs), created (only in `after`), deleted
 * (only in `before`: the engine deletes it after every create and update succeeded).
 */
export function compareRuns(before: readonly StateResource[], after: readonly StateResource[]): ComparedResource[] {
    const previous = new Map(before.filter(managed).map((r) => [r.urn, r]));
    const matched = new Set<string>();
    const result: ComparedResource[] = [];
    for (const r of after.filter(managed)) {
        const oldUrn = previous.has(r.urn) ? r.urn : r.aliases?.find((a) => previous.has(a));
        const entry = { urn: r.urn, type: r.type, name: r.name, custom: r.custom };
        if (oldUrn === undefined) {
            result.push({ ...entry, change: "created", changedInputs: [] });
            continue;
        }
        matched.add(oldUrn);
        const changedInputs = differingPaths(previous.get(oldUrn)!.inputs, r.inputs);
        result.push({
            ...entry,
            change: changedInputs.length === 0 ? "kept" : "updated",
            changedInputs,
            ...(oldUrn !== r.urn ? { aliasOf: oldUrn } : {}),
        });
    }
    for (const r of previous.values()) {
        if (!matched.has(r.urn)) {
            result.push({
                urn: r.urn,
                type: r.type,
                name: r.name,
                custom: r.custom,
                change: "deleted",
                changedInputs: [],
            });
        }
    }
    return result;
}

/** The entries with one kind of change. */
export function withChange(compared: readonly ComparedResource[], change: Change): ComparedResource[] {
    return compared.filter((c) => c.change === change);
}

const pem = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----\n?/g;
const base64Pem = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]+/g;

/**
 * Inputs with the material every run makes anew (the TLS mock's keys and certificates, and
 * what is computed from them: PEMs, base64 PEMs in kubeconfigs, checksum annotations) replaced
 * by labels, so that two independent runs of one config compare equal.
 */
export function withoutKeyMaterial(value: unknown, key = ""): unknown {
    if (typeof value === "string") {
        if (key === "gks.io/config-checksum" && /^[0-9a-f]{64}$/.test(value)) return "<sha256>";
        return value.replace(pem, (_, label: string) => `<${label}>`).replace(base64Pem, "<base64 PEM>");
    }
    if (Array.isArray(value)) return value.map((v) => withoutKeyMaterial(v));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutKeyMaterial(v, k)]));
    }
    return value;
}

/**
 * Inputs whose change makes the provider replace a resource instead of updating it, for the
 * Kubernetes kinds this program updates (the object's identity; immutable fields): a migration or
 * an upgrade must not touch them on anything it keeps. Every tls input replaces (they are all
 * ForceNew in terraform-provider-tls).
 */
const replacingPaths: Record<string, readonly string[]> = {
    "kubernetes:apps/v1:Deployment": ["metadata.name", "metadata.namespace", "spec.selector"],
    "kubernetes:apps/v1:StatefulSet": [
        "metadata.name",
        "metadata.namespace",
        "spec.selector",
        "spec.serviceName",
        "spec.volumeClaimTemplates",
        "spec.podManagementPolicy",
    ],
    "kubernetes:apps/v1:DaemonSet": ["metadata.name", "metadata.namespace", "spec.selector"],
    "kubernetes:core/v1:Service": ["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.clusterIPs"],
    "kubernetes:core/v1:Secret": ["metadata.name", "metadata.namespace", "type", "immutable"],
    "kubernetes:core/v1:ConfigMap": ["metadata.name", "metadata.namespace", "immutable"],
    "kubernetes:core/v1:Namespace": ["metadata.name"],
};

/** The changed inputs of an update that would replace the resource (empty: an update in place). */
export function replacingChanges(c: ComparedResource): string[] {
    if (c.change !== "updated") return [];
    if (c.type.startsWith("tls:")) return [...c.changedInputs];
    const paths = replacingPaths[c.type];
    if (paths === undefined) {
        return c.type.startsWith("kubernetes:") ? [] : c.changedInputs.map((p) => `${p} (no rule for ${c.type})`);
    }
    return c.changedInputs.filter((p) => paths.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`)));
}

/** Changed input paths, shortened to what a reader needs: up to the first index or bracketed key, four parts at most. */
export function summarisePaths(paths: readonly string[]): string[] {
    const short = paths.map((p) => {
        const cut = p.indexOf("[");
        const head = cut >= 0 ? p.slice(0, cut) : p;
        return head.split(".").slice(0, 4).join(".");
    });
    return [...new Set(short)];
}

/**
 * A Markdown table of what updates do to a stack's managed custom resources: one column per
 * update (a name and its comparison), one row per resource that any update creates, updates or
 * deletes, and a last row counting what every update keeps.
 */
export function changeTable(
    updates: readonly { readonly title: string; readonly compared: readonly ComparedResource[] }[],
): string {
    const rows = new Map<string, { type: string; name: string }>();
    for (const { compared } of updates) {
        for (const c of compared) if (c.custom && c.change !== "kept") rows.set(c.urn, { type: c.type, name: c.name });
    }
    const kind = (type: string) => type.split(":").pop()!;
    // "KonnectivityAgents Deployment": the parent's type tells apart children of one name.
    const label = (urn: string) => {
        const chain = urn.split("::")[2].split("$");
        return chain.slice(-2).map(kind).join(" ");
    };
    const cell = (compared: readonly ComparedResource[], urn: string) => {
        const c = compared.find((x) => x.urn === urn);
        if (c === undefined) return "-";
        return c.change === "updated" ? `updated: ${summarisePaths(c.changedInputs).join(", ")}` : c.change;
    };
    const sorted = [...rows].sort(
        ([ua, a], [ub, b]) => label(ua).localeCompare(label(ub)) || a.name.localeCompare(b.name),
    );
    const kept = (compared: readonly ComparedResource[]) =>
        `kept: ${compared.filter((c) => c.custom && c.change === "kept").length}`;
    const keptEverywhere = [
        ...new Set(updates.flatMap((u) => u.compared.filter((c) => c.custom).map((c) => c.urn))),
    ].filter((urn) => updates.every((u) => u.compared.find((c) => c.urn === urn)?.change === "kept")).length;
    return [
        `| resource | ${updates.map((u) => u.title).join(" | ")} |`,
        `| --- | ${updates.map(() => "---").join(" | ")} |`,
        ...sorted.map(
            ([urn, r]) => `| ${label(urn)} \`${r.name}\` | ${updates.map((u) => cell(u.compared, urn)).join(" | ")} |`,
        ),
        `| every other resource (${keptEverywhere} kept by all) | ${updates.map((u) => kept(u.compared)).join(" | ")} |`,
    ].join("\n");
}
