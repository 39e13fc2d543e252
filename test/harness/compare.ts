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
        return keys.flatMap((k) =>
            differingPaths(
                (a as Record<string, unknown>)[k],
                (b as Record<string, unknown>)[k],
                path ? `${path}.${k}` : k,
            ),
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
