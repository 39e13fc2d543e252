import { NodePorts } from "../config";

/** The NodePorts of every cluster on each seed: seed -> cluster -> ports. */
export type NodePortAllocation = Readonly<Record<string, Readonly<Record<string, NodePorts>>>>;

/** Which NodePorts a seed hands out: Kubernetes' default service-node-port-range unless the seed says otherwise. */
export interface NodePortRange {
    readonly min: number;
    readonly max: number;
    /** Ports in the range that something else on the seed uses. */
    readonly reserved?: readonly number[];
}

export const defaultNodePortRange: NodePortRange = { min: 30000, max: 32767 };

/** A cluster asking for ports: some or all of them pinned by its config, the rest allocated. */
export interface NodePortRequest {
    readonly cluster: string;
    readonly seed: string;
    readonly pinned: Partial<NodePorts>;
}

export const nodePortKinds = ["apiserver", "tunnel", "openvpn"] as const;

/**
 * NodePorts for every cluster, stable for a cluster's life: a cluster keeps what `previous` (the
 * allocation its program recorded at the last update, read back from state) gave it; a new
 * cluster gets the lowest ports of its seed's range that no cluster of `previous` or of this
 * update holds. A removed cluster's ports are not handed out in the update that removes it (its
 * Services are deleted only at the end of that update), only in a later one. Pinned ports are
 * taken as given; collisions are found by `fleetCollisions`, not here.
 */
export function allocateNodePorts(
    requests: readonly NodePortRequest[],
    ranges: Readonly<Record<string, NodePortRange>>,
    previous: NodePortAllocation = {},
): NodePortAllocation {
    const taken = new Map<string, Set<number>>();
    const takenOn = (seed: string) => {
        let set = taken.get(seed);
        if (!set) {
            set = new Set([...(ranges[seed]?.reserved ?? [])]);
            for (const ports of Object.values(previous[seed] ?? {})) nodePortKinds.forEach((k) => set!.add(ports[k]));
            taken.set(seed, set);
        }
        return set;
    };
    for (const r of requests)
        nodePortKinds.forEach((k) => r.pinned[k] !== undefined && takenOn(r.seed).add(r.pinned[k]!));

    const allocation: Record<string, Record<string, NodePorts>> = {};
    for (const { cluster, seed, pinned } of requests) {
        const kept = previous[seed]?.[cluster];
        const set = takenOn(seed);
        const range = ranges[seed] ?? defaultNodePortRange;
        const next = (): number => {
            for (let port = range.min; port <= range.max; port++) {
                if (!set.has(port)) {
                    set.add(port);
                    return port;
                }
            }
            throw new Error(
                `seed ${seed}: no free NodePort left in ${range.min}-${range.max} for cluster ${cluster}; widen the seed's nodePortRange`,
            );
        };
        const ports = {} as Record<(typeof nodePortKinds)[number], number>;
        for (const kind of nodePortKinds) ports[kind] = pinned[kind] ?? kept?.[kind] ?? next();
        (allocation[seed] ??= {})[cluster] = ports;
    }
    return allocation;
}
