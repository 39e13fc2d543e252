import { parseYamlDocument } from "../../components/shared/yamlDocument";
import { get, isRecord, isUnknown, list, Unknown } from "./known";
import { objectName, ofType, Resource, sameNamespace, types } from "./resources";
import type { Report } from "./policy";
import {
    Container,
    containerFlags,
    containerLabel,
    flagValue,
    PlacedContainer,
    placedContainers,
    isKubeApiserver,
} from "./workloads";

/**
 * The files a container reads, followed as the kubelet builds them: the volume mount whose path
 * holds the file (or whose subPath is it), the pod volume of that name, and the ConfigMap or
 * Secret key behind it (configMap, secret and projected volumes, with or without `items`). So a
 * file is found wherever someone put it, under whatever object name and key.
 */
export interface FileSource {
    readonly kind: "ConfigMap" | "Secret";
    readonly resource: Resource;
    readonly key: string;
}

export type FileLookup =
    | { readonly found: FileSource }
    /** No mount, volume or key provides the file: the process would not find it. */
    | { readonly missing: string }
    /** From something the pack cannot read: another volume type, or an object outside the stack. */
    | { readonly elsewhere: string }
    | { readonly unknown: Unknown };

interface Candidate {
    readonly kind: "ConfigMap" | "Secret";
    readonly name: unknown;
    readonly items: unknown;
}

/** Where a container's path is: the volume mounted there, and the path inside that volume. */
export interface MountedPath {
    readonly volume: string;
    readonly inVolume: string;
}

/**
 * The mount that holds `path`: the deepest mount directory above it (a `subPath` mount puts a
 * directory of its volume there), or a `subPath` mount at the path itself.
 */
export function mountHolding(container: Container, path: string): MountedPath | Unknown | undefined {
    const mounts = list(container.spec.volumeMounts);
    if (isUnknown(mounts)) return mounts;
    let best: MountedPath | undefined;
    let depth = -1;
    for (const m of mounts) {
        const mountPath = get(m, "mountPath");
        const volume = get(m, "name");
        const subPath = get(m, "subPath");
        // A mount not known yet may be the one that holds the file.
        const unknown = [mountPath, volume, subPath].find(isUnknown);
        if (unknown !== undefined) return unknown;
        if (typeof mountPath !== "string" || typeof volume !== "string") continue;
        const sub = typeof subPath === "string" ? subPath.replace(/\/+$/, "") : "";
        if (sub !== "" && path === mountPath) return { volume, inVolume: sub };
        const dir = mountPath.endsWith("/") ? mountPath : `${mountPath}/`;
        if (path.startsWith(dir) && dir.length > depth) {
            const rest = path.slice(dir.length);
            best = { volume, inVolume: sub === "" ? rest : `${sub}/${rest}` };
            depth = dir.length;
        }
    }
    return best;
}

function candidatesOf(volume: Record<string, unknown>): Candidate[] | string {
    if (isRecord(volume.configMap)) {
        return [{ kind: "ConfigMap", name: volume.configMap.name, items: volume.configMap.items }];
    }
    if (isRecord(volume.secret)) {
        return [{ kind: "Secret", name: volume.secret.secretName, items: volume.secret.items }];
    }
    if (isRecord(volume.projected)) {
        const sources = list(volume.projected.sources);
        if (isUnknown(sources)) return [];
        return sources.flatMap((s): Candidate[] => {
            const cm = get(s, "configMap");
            const secret = get(s, "secret");
            if (isRecord(cm)) return [{ kind: "ConfigMap", name: cm.name, items: cm.items }];
            if (isRecord(secret)) return [{ kind: "Secret", name: secret.name, items: secret.items }];
            return [];
        });
    }
    const kind = Object.keys(volume).find((k) => k !== "name");
    return `a volume of type ${kind ?? "unknown"}`;
}

/** The key of an object that a volume maps to `inVolume`; `items` renames and selects keys. */
function keyFor(items: unknown, inVolume: string): string | undefined | Unknown {
    const mapped = list(items);
    if (isUnknown(mapped)) return mapped;
    if (mapped.length === 0) return inVolume.includes("/") ? undefined : inVolume;
    const item = mapped.find((i) => get(i, "path") === inVolume);
    const key = get(item, "key");
    return typeof key === "string" || isUnknown(key) ? key : undefined;
}

/** The stack's ConfigMap or Secret of that name in the workload's namespace. */
function objectFor(resources: readonly Resource[], workload: Resource, c: Candidate): Resource | Unknown | undefined {
    if (isUnknown(c.name)) return c.name;
    const type = c.kind === "ConfigMap" ? types.configMap : types.secret;
    for (const r of ofType(resources, type)) {
        // A name not known yet is no match: the volume names a known one.
        if (objectName(r) === c.name && sameNamespace(r, workload) === true) return r;
    }
    return undefined;
}

/** Where the file at `path` of a container comes from. */
export function lookupFile(
    resources: readonly Resource[],
    workload: Resource,
    template: unknown,
    container: Container,
    path: string,
): FileLookup {
    const mount = mountHolding(container, path);
    if (isUnknown(mount)) return { unknown: mount };
    if (mount === undefined)
        return { missing: `no volume is mounted at ${path.slice(0, path.lastIndexOf("/")) || "/"}` };
    const volumes = list(get(template, "spec", "volumes"));
    if (isUnknown(volumes)) return { unknown: volumes };
    const volume = volumes.find((v) => get(v, "name") === mount.volume);
    if (!isRecord(volume)) return { missing: `the pod has no volume ${mount.volume}` };
    const candidates = candidatesOf(volume);
    if (typeof candidates === "string") return { elsewhere: `${path} is on ${candidates}` };
    const projected = isRecord(volume.projected);
    for (const c of candidates) {
        const key = keyFor(c.items, mount.inVolume);
        if (isUnknown(key)) return { unknown: key };
        if (key === undefined) continue;
        const resource = objectFor(resources, workload, c);
        if (isUnknown(resource)) return { unknown: resource };
        if (resource === undefined)
            return { elsewhere: `${path} is in ${c.kind} ${String(c.name)}, which this stack does not manage` };
        // In a projected volume a source without items contributes only the keys it has.
        const source: FileSource = { kind: c.kind, resource, key };
        const items = list(c.items);
        if (projected && !isUnknown(items) && items.length === 0 && fileText(source) === undefined) continue;
        return { found: source };
    }
    return { missing: `volume ${mount.volume} holds no ${mount.inVolume}` };
}

/** The text of a ConfigMap or Secret key (Secret data is base64); undefined when there is no such key. */
export function fileText(source: FileSource): string | Unknown | undefined {
    const { resource, key } = source;
    const plainKey = source.kind === "ConfigMap" ? "data" : "stringData";
    const encodedKey = source.kind === "ConfigMap" ? "binaryData" : "data";
    const plainValue = get(resource.props, plainKey, key);
    if (isUnknown(plainValue) || typeof plainValue === "string") return plainValue;
    const encoded = get(resource.props, encodedKey, key);
    if (isUnknown(encoded)) return encoded;
    // (A whole data map not known yet makes `get` answer Unknown above.)
    return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

/** How a lookup is described in a message. */
export function describeSource(source: FileSource): string {
    return `${source.kind} ${source.resource.name} (key ${source.key})`;
}

/** A configuration document of some `kind`, in any ConfigMap or Secret of the stack, under any key. */
export interface ConfigDocument {
    readonly source: FileSource;
    readonly text: string;
    readonly document: unknown;
}

/** Every ConfigMap and Secret value that parses as YAML (or JSON) with `kind: <kind>`. */
export function documentsOfKind(
    resources: readonly Resource[],
    kind: string,
): { found: ConfigDocument[]; unknowns: Unknown[] } {
    const found: ConfigDocument[] = [];
    const unknowns: Unknown[] = [];
    for (const [objectKind, type] of [
        ["ConfigMap", types.configMap],
        ["Secret", types.secret],
    ] as const) {
        for (const resource of ofType(resources, type)) {
            const keys = new Set<string>();
            for (const field of ["data", "stringData", "binaryData"]) {
                const map = get(resource.props, field);
                if (isUnknown(map)) unknowns.push(map);
                else if (isRecord(map)) Object.keys(map).forEach((k) => keys.add(k));
            }
            for (const key of keys) {
                const source: FileSource = { kind: objectKind, resource, key };
                const text = fileText(source);
                if (isUnknown(text)) {
                    unknowns.push(text);
                    continue;
                }
                if (typeof text !== "string") continue;
                const { value: document } = parseYamlDocument(text);
                if (get(document, "kind") === kind) found.push({ source, text, document });
            }
        }
    }
    return { found, unknowns };
}

/** Same ConfigMap or Secret key. */
export function sameSource(a: FileSource, b: FileSource): boolean {
    return a.resource.urn === b.resource.urn && a.key === b.key;
}

/** The file a container's flag names, followed to its content. */
export type FlagFile =
    | { readonly absent: true }
    | { readonly unknown: Unknown }
    | { readonly path: string; readonly missing: string }
    | { readonly path: string; readonly elsewhere: string }
    /** `text` undefined: the object has no such key. */
    | { readonly path: string; readonly source: FileSource; readonly text: string | undefined };

export function flagFile(resources: readonly Resource[], placed: PlacedContainer, flag: string): FlagFile {
    const path = flagValue(containerFlags(placed.container), flag);
    if (isUnknown(path)) return { unknown: path };
    if (path === undefined) return { absent: true };
    const lookup = lookupFile(resources, placed.workload, placed.template, placed.container, path);
    if ("unknown" in lookup) return { unknown: lookup.unknown };
    if ("missing" in lookup) return { path, missing: lookup.missing };
    if ("elsewhere" in lookup) return { path, elsewhere: lookup.elsewhere };
    const text = fileText(lookup.found);
    if (isUnknown(text)) return { unknown: text };
    return { path, source: lookup.found, text };
}

/** The stack's kube-apiserver containers; unknowns reported, and not applicable without any. */
export function kubeApiservers(resources: readonly Resource[], report: Report): PlacedContainer[] {
    const apiservers = placedContainers(resources, isKubeApiserver);
    apiservers.unknowns.forEach(report.unknown);
    if (apiservers.found.length === 0) report.notApplicable("the stack runs no kube-apiserver");
    return apiservers.found;
}

/** A file a container's flag names, read. */
export interface ReadFile {
    readonly path: string;
    readonly source: FileSource;
    readonly text: string;
    /** "<container> of <workload> reads --<flag>=<path>", for messages. */
    readonly where: string;
}

/**
 * The file a container's flag names, read for a rule: an unknown on the way is reported as one,
 * a file that does not exist as a violation (the process exits at start), one the pack cannot
 * read (another volume type, an object outside the stack) is left alone. `absent` is the
 * violation for a container without the flag; without it, no flag means nothing to check.
 */
export function readFlagFile(
    resources: readonly Resource[],
    placed: PlacedContainer,
    flag: string,
    report: Report,
    absent?: string,
): ReadFile | undefined {
    const who = `${containerLabel(placed.container)} of ${placed.workload.name}`;
    const file = flagFile(resources, placed, flag);
    if ("unknown" in file) {
        report.unknown(file.unknown);
        return undefined;
    }
    if ("absent" in file) {
        if (absent !== undefined) report.violation(`${who} ${absent}`, placed.workload.urn);
        return undefined;
    }
    if ("elsewhere" in file) return undefined;
    const where = `${who} reads --${flag}=${file.path}`;
    const exits = (why: string) => {
        report.violation(`${where}, but ${why}: it exits at start.`, placed.workload.urn);
        return undefined;
    };
    if ("missing" in file) return exits(file.missing);
    if (file.text === undefined) return exits(`${describeSource(file.source)} does not exist`);
    return { path: file.path, source: file.source, text: file.text, where };
}
