import { Flags, parseFlags } from "./flags";
import { get, isRecord, isUnknown, list, Unknown } from "./known";
import { Resource, types } from "./resources";

/**
 * Kubernetes workloads: where their pod template is, its containers, and the konnectivity
 * containers among them (identified by the container name the program uses, or by the image).
 */
const templatePaths: Record<string, readonly string[]> = {
    [types.deployment]: ["spec", "template"],
    [types.statefulSet]: ["spec", "template"],
    [types.daemonSet]: ["spec", "template"],
    [types.replicaSet]: ["spec", "template"],
    [types.job]: ["spec", "template"],
    [types.cronJob]: ["spec", "jobTemplate", "spec", "template"],
    [types.pod]: [],
};

export const workloadTypes: readonly string[] = Object.keys(templatePaths);

/** Workloads whose pods come in a replica count (`spec.replicas`, default 1). */
export const replicatedTypes: readonly string[] = [types.deployment, types.statefulSet, types.replicaSet];

export function isWorkload(r: { type: string }): boolean {
    return r.type in templatePaths;
}

/** The pod template ({metadata, spec}) of a workload; for a Pod, the Pod itself. */
export function podTemplate(r: { type: string; props: Record<string, unknown> }): unknown {
    const path = templatePaths[r.type];
    return path === undefined ? undefined : get(r.props, ...path);
}

export type ContainerKind = "containers" | "initContainers" | "ephemeralContainers";

export interface Container {
    readonly kind: ContainerKind;
    readonly index: number;
    readonly spec: Record<string, unknown>;
}

/** Every container of a pod template; `unknowns` holds lists or entries not known yet. */
export function containersOf(template: unknown): { containers: Container[]; unknowns: Unknown[] } {
    const containers: Container[] = [];
    const unknowns: Unknown[] = [];
    const spec = get(template, "spec");
    if (isUnknown(spec)) return { containers, unknowns: [spec] };
    for (const kind of ["containers", "initContainers", "ephemeralContainers"] as const) {
        const entries = list(get(spec, kind));
        if (isUnknown(entries)) {
            unknowns.push(entries);
            continue;
        }
        entries.forEach((entry, index) => {
            if (isUnknown(entry)) unknowns.push(entry);
            else if (isRecord(entry)) containers.push({ kind, index, spec: entry });
        });
    }
    return { containers, unknowns };
}

/** Human-readable container reference for messages. */
export function containerLabel(c: Container): string {
    const name = c.spec.name;
    return typeof name === "string" ? `container "${name}"` : `${c.kind}[${c.index}]`;
}

function nameOrImage(c: Container, name: string, imagePath: string): boolean {
    const image = c.spec.image;
    return c.spec.name === name || (typeof image === "string" && image.includes(imagePath));
}

/** registry.k8s.io/kas-network-proxy/proxy-server, by the program's container name or the image. */
export function isKonnectivityServer(c: Container): boolean {
    return nameOrImage(c, "konnectivity-server", "kas-network-proxy/proxy-server");
}

/** registry.k8s.io/kas-network-proxy/proxy-agent, by the program's container name or the image. */
export function isKonnectivityAgent(c: Container): boolean {
    return nameOrImage(c, "konnectivity-agent", "kas-network-proxy/proxy-agent");
}

/** The binary a container runs: the first word of its command (hyperkube-style images: the second). */
function binaryOf(c: Container): string | undefined {
    const command = list(c.spec.command);
    if (isUnknown(command)) return undefined;
    const words = command.filter((w): w is string => typeof w === "string");
    const first = words[0]?.split("/").at(-1);
    return first === "hyperkube" ? words[1] : first;
}

/** kube-apiserver, by its image, by the binary it runs, or by the program's container name. */
export function isKubeApiserver(c: Container): boolean {
    const image = c.spec.image;
    return (
        c.spec.name === "kube-apiserver" ||
        (typeof image === "string" && /\/kube-apiserver[:@]/.test(image)) ||
        binaryOf(c) === "kube-apiserver"
    );
}

/** etcd, by its image (registry.k8s.io/etcd, quay.io/coreos/etcd, ...) or by the binary it runs. */
export function isEtcd(c: Container): boolean {
    const image = c.spec.image;
    return (typeof image === "string" && /(^|\/)etcd[:@]/.test(image)) || binaryOf(c) === "etcd";
}

/** A container's flags (command and args), and whether some words are not known yet. */
export interface ContainerFlags {
    readonly flags: Flags;
    /** Unknown words: an absent flag may be among them. */
    readonly unknowns: readonly Unknown[];
    /** How many flags the unknown words may hold: one each, any number for a list not known yet. */
    readonly unknownWords: number;
}

export function containerFlags(c: Container): ContainerFlags {
    const words: (string | null)[] = [];
    const unknowns: Unknown[] = [];
    let unknownWords = 0;
    for (const key of ["command", "args"]) {
        const entries = list(c.spec[key]);
        if (isUnknown(entries)) {
            unknowns.push(entries);
            words.push(null);
            unknownWords = Infinity;
            continue;
        }
        for (const word of entries) {
            if (isUnknown(word)) {
                unknowns.push(word);
                words.push(null);
                unknownWords++;
            } else if (typeof word === "string") words.push(word);
        }
    }
    return { flags: parseFlags(words), unknowns, unknownWords };
}

/** A flag's value; `Unknown` when it is absent from the known words but some words are unknown. */
export function flagValue(cf: ContainerFlags, name: string): string | undefined | Unknown {
    const value = cf.flags.get(name);
    if (value !== undefined) return value;
    return cf.unknowns[0];
}

/** Every container of every workload in the stack, with its workload. */
export interface PlacedContainer {
    readonly workload: Resource;
    readonly template: unknown;
    readonly container: Container;
}

export function placedContainers(
    resources: readonly Resource[],
    which: (c: Container) => boolean,
): { found: PlacedContainer[]; unknowns: Unknown[] } {
    const found: PlacedContainer[] = [];
    const unknowns: Unknown[] = [];
    // What is no workload has no pod template, so no containers.
    for (const workload of resources) {
        const template = podTemplate(workload);
        const { containers, unknowns: missing } = containersOf(template);
        unknowns.push(...missing);
        for (const container of containers.filter(which)) found.push({ workload, template, container });
    }
    return { found, unknowns };
}

/** The replicas of a replicated workload (Kubernetes defaults to 1), or undefined for others. */
export function replicasOf(r: Resource): number | undefined | Unknown {
    if (r.type === types.pod) return 1;
    if (!replicatedTypes.includes(r.type)) return undefined;
    const replicas = get(r.props, "spec", "replicas");
    if (isUnknown(replicas)) return replicas;
    return typeof replicas === "number" ? replicas : 1;
}
