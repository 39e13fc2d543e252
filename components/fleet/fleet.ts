import * as pulumi from "@pulumi/pulumi";
import { ClusterConfigOnPlatform, ConfigError, ConfigProblem, PlatformOutputs } from "../config";
import { checkClusterConfig } from "../config/parse";
import { mergePlatform } from "../config/platform";
import { fleetCollisions, PlannedCluster } from "./collisions";
import {
    allocateNodePorts,
    defaultNodePortRange,
    NodePortAllocation,
    NodePortRange,
    NodePortRequest,
} from "./nodePorts";

/** One seed of a fleet. */
export interface FleetSeed {
    /** Where it is: a `Platform`'s outputs (the same program) or a platform stack's (`readPlatformStack`). */
    readonly platform: PlatformOutputs;
    /** Its kubeconfig (wrapped as a secret whatever is passed). */
    readonly seedKubeconfig: pulumi.Input<string>;
    /** The NodePorts it hands out; default 30000-32767. */
    readonly nodePortRange?: NodePortRange;
}

/** One cluster of a fleet: its configuration without what the seed supplies, and the seed it runs on. */
export type FleetClusterConfig = Omit<ClusterConfigOnPlatform, "seedKubeconfig"> & { readonly seed: string };

export interface FleetInput {
    readonly seeds: Readonly<Record<string, FleetSeed>>;
    readonly clusters: readonly FleetClusterConfig[];
}

export interface FleetOptions {
    /** The NodePorts the program recorded at its last update (read back from state); none for a new fleet. */
    readonly previous?: NodePortAllocation;
}

export interface FleetPlan {
    /** Every cluster, validated, in the order given. */
    readonly clusters: readonly PlannedCluster[];
    /** The NodePorts of every cluster, by seed: record it (a stack output) and pass it back as `previous`. */
    readonly nodePorts: NodePortAllocation;
}

const nodePortKeys = { apiserver: "apiserverNodePort", tunnel: "tunnelNodePort", openvpn: "openvpnNodePort" } as const;

/**
 * Validates many clusters on one or more seeds for one program: NodePorts allocated (stable for a
 * cluster's life, see `allocateNodePorts`), each cluster's configuration validated like
 * `parseSettings` (problems named `clusters[i] (<name>):<key>`), and every collision between two
 * clusters found (`fleetCollisions`). Throws a ConfigError with every problem; registers nothing.
 */
export function planFleet(input: FleetInput, options: FleetOptions = {}): FleetPlan {
    const problems: ConfigProblem[] = [];
    const who = (c: FleetClusterConfig, i: number) => `clusters[${i}] (${String(c.clusterName)})`;
    const known = Object.keys(input.seeds);
    input.clusters.forEach((c, i) => {
        if (!known.includes(c.seed)) {
            problems.push({
                key: `${who(c, i)}:seed`,
                value: c.seed,
                message: `is not a seed of this fleet (seeds: ${known.join(", ") || "none"})`,
            });
        }
    });
    const onKnownSeed = input.clusters.map((c, i) => ({ c, i })).filter(({ c }) => known.includes(c.seed));

    const requests: NodePortRequest[] = onKnownSeed.map(({ c }) => ({
        cluster: String(c.clusterName),
        seed: c.seed,
        pinned: Object.fromEntries(
            Object.entries(nodePortKeys).flatMap(([kind, key]) => (typeof c[key] === "number" ? [[kind, c[key]]] : [])),
        ),
    }));
    const ranges = Object.fromEntries(known.map((s) => [s, input.seeds[s].nodePortRange ?? defaultNodePortRange]));
    const nodePorts = allocateNodePorts(requests, ranges, options.previous);

    const planned: PlannedCluster[] = [];
    for (const { c, i } of onKnownSeed) {
        const { seed: seedName, ...config } = c;
        const seed = input.seeds[seedName];
        const ports = nodePorts[seedName][String(c.clusterName)];
        const namespace = who(c, i);
        const merged = mergePlatform(
            {
                ...config,
                seedKubeconfig: seed.seedKubeconfig,
                apiserverNodePort: ports.apiserver,
                tunnelNodePort: ports.tunnel,
                openvpnNodePort: ports.openvpn,
            },
            seed.platform,
            `seed ${seedName}`,
            (key) => `${namespace}:${key}`,
        );
        const checked = checkClusterConfig(merged.raw, { namespace }, merged.problems);
        if (checked.settings === undefined) problems.push(...checked.problems);
        else planned.push({ seed: seedName, settings: checked.settings });
    }
    if (problems.length === 0) problems.push(...fleetCollisions(planned));
    if (problems.length > 0) throw new ConfigError(problems);
    return { clusters: planned, nodePorts };
}
