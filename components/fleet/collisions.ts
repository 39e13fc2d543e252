import { ConfigProblem, Settings } from "../config";
import { openstackNames } from "./names";
import { nodePortKinds } from "./nodePorts";

/** A cluster of a fleet, validated, on a named seed. */
export interface PlannedCluster {
    readonly seed: string;
    readonly settings: Settings;
}

const label = (c: PlannedCluster, i: number) => `clusters[${i}] (${c.settings.clusterName} on seed ${c.seed})`;

/** Every pair of entries with the same key, once, in order. */
function pairs<T>(entries: readonly { key: string; value: T }[]): { key: string; first: T; second: T }[] {
    const seen = new Map<string, T>();
    const found: { key: string; first: T; second: T }[] = [];
    for (const { key, value } of entries) {
        const first = seen.get(key);
        if (first === undefined) seen.set(key, value);
        else found.push({ key, first, second: value });
    }
    return found;
}

/**
 * What two clusters of one program would share and must not: a Pulumi name (the cluster's name
 * names its resources), a seed namespace on the same seed, a NodePort on the same seed (NodePorts
 * are seed-wide), or an OpenStack name in the same project (or a project name in its domain).
 * Each problem names both clusters. Pure: run it before registering anything.
 */
export function fleetCollisions(clusters: readonly PlannedCluster[]): ConfigProblem[] {
    const at = clusters.map((c, i) => ({ c, i, who: label(c, i) }));
    type Who = (typeof at)[number];
    const problem = (second: Who, message: string): ConfigProblem => ({ key: second.who, value: undefined, message });
    const problems: ConfigProblem[] = [];

    for (const { first, second } of pairs(at.map((w) => ({ key: w.c.settings.clusterName, value: w })))) {
        problems.push(
            problem(
                second,
                `has the name of ${first.who}: a cluster's name names its resources, which must be unique in a program`,
            ),
        );
    }
    for (const { key, first, second } of pairs(
        at.map((w) => ({ key: `${w.c.seed}/${w.c.settings.seed.namespace}`, value: w })),
    )) {
        problems.push(problem(second, `shares the seed namespace ${key.split("/")[1]} with ${first.who}`));
    }
    const ports = at.flatMap((w) =>
        nodePortKinds.map((kind) => ({ key: `${w.c.seed}/${w.c.settings.seed.nodePorts[kind]}`, value: { w, kind } })),
    );
    for (const { key, first, second } of pairs(ports)) {
        if (first.w === second.w) continue;
        problems.push(
            problem(
                second.w,
                `uses NodePort ${key.split("/")[1]} (${second.kind}) that ${first.w.who} uses (${first.kind}) on the same seed; NodePorts are seed-wide`,
            ),
        );
    }
    const names = at.flatMap((w) =>
        openstackNames(w.c.settings, [
            "apiserver",
            w.c.settings.tunnel.mode === "openvpn" ? "openvpn" : "konnectivity",
        ]).map((n) => ({ key: `${n.scope}/${n.kind}/${n.name}`, value: { w, n } })),
    );
    // One problem per pair of clusters, listing what they would both create.
    const shared = new Map<string, { first: Who; second: Who; what: string[] }>();
    for (const { first, second } of pairs(names)) {
        if (first.w === second.w) continue;
        const pair = `${first.w.i}/${second.w.i}`;
        const entry = shared.get(pair) ?? { first: first.w, second: second.w, what: [] };
        entry.what.push(`${second.n.kind} ${second.n.name} in ${second.n.scope}`);
        shared.set(pair, entry);
    }
    for (const { first, second, what } of shared.values()) {
        const listed = what.length > 3 ? [...what.slice(0, 3), `${what.length - 3} more`] : what;
        problems.push(problem(second, `would create OpenStack names that ${first.who} creates: ${listed.join(", ")}`));
    }
    return problems;
}
