import { ConfigProblem, configNamespace, secretKeys } from "../components/config";
import { allocateNodePorts, Inventory, NodePortAllocation, NodePortRequest } from "../components/fleet";
import { defaultNodePortRange, nodePortKinds } from "../components/fleet/nodePorts";

/** A config value as the Automation API sets it. */
export interface ConfigValue {
    readonly value: string;
    readonly secret?: boolean;
}

/** A stack that exists, with its config as `pulumi config --json --show-secrets` gives it. */
export interface ExistingStack {
    readonly name: string;
    readonly config: Readonly<Record<string, ConfigValue>>;
}

/** One cluster's stack: its name, seed and the config to set (`--path` keys). */
export interface StackPlan {
    readonly stackName: string;
    readonly seed: string;
    readonly config: Readonly<Record<string, ConfigValue>>;
}

const nodePortKeys = { apiserver: "apiserverNodePort", tunnel: "tunnelNodePort", openvpn: "openvpnNodePort" } as const;
const key = (k: string) => `${configNamespace}:${k}`;

/**
 * A value as `pulumi config set --path` keys: objects by `.key`, lists by `[i]`. An empty list or
 * object has no leaf to set: its key stays unset, and the program's default (an empty one) applies.
 */
function leaves(path: string, value: unknown): [string, string][] {
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(`${path}[${i}]`, v));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => leaves(`${path}.${k}`, v));
    }
    return [[path, String(value)]];
}

/**
 * The stacks of an inventory's clusters, one per cluster, each on the root project (index.ts)
 * with its seed's `platformStack`. NodePorts are allocated per seed as in a fleet program, with
 * the ports the existing stacks are configured with as the previous allocation (a stack's config
 * is where its ports are kept for life; a stack no longer in the inventory keeps its ports taken
 * until it is removed). Secrets come from environment variables the inventory names; a declared
 * secret that none gives is set empty on a stack that has none yet (the CLI requires every one).
 */
export function planStacks(
    inventory: Inventory,
    existing: readonly ExistingStack[],
    env: Readonly<Record<string, string | undefined>>,
): { stacks: StackPlan[]; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const seedOf = new Map(
        Object.entries(inventory.seeds).flatMap(([name, s]) => (s.platformStack ? [[s.platformStack, name]] : [])),
    );
    for (const [name, seed] of Object.entries(inventory.seeds)) {
        if (seed.platformStack === undefined) {
            problems.push({
                key: `inventory seeds.${name}.platformStack`,
                value: undefined,
                message: "is required: each cluster stack reads its seed from the seed's platform stack",
            });
        }
    }

    const previous: Record<string, Record<string, Record<(typeof nodePortKinds)[number], number>>> = {};
    for (const stack of existing) {
        const seed = seedOf.get(stack.config[key("platformStack")]?.value ?? "");
        const ports = Object.fromEntries(
            Object.entries(nodePortKeys).map(([kind, k]) => [kind, Number(stack.config[key(k)]?.value)]),
        ) as Record<(typeof nodePortKinds)[number], number>;
        if (seed !== undefined && Object.values(ports).every(Number.isInteger))
            (previous[seed] ??= {})[stack.name] = ports;
    }

    const names = new Set<string>();
    const clusters = inventory.clusters.filter((c, i) => {
        const problem = (message: string) =>
            problems.push({ key: `clusters[${i}] (${c.clusterName})`, value: undefined, message });
        if (names.has(c.clusterName)) problem("has the name of another cluster: its stack's name");
        else if (!(c.seed in inventory.seeds)) problem(`is on seed ${c.seed}, which the inventory does not have`);
        else {
            names.add(c.clusterName);
            return true;
        }
        return false;
    });
    const requests: NodePortRequest[] = clusters.map((c) => ({
        cluster: c.clusterName,
        seed: c.seed,
        pinned: Object.fromEntries(
            Object.entries(nodePortKeys).flatMap(([kind, k]) => (c[k] === undefined ? [] : [[kind, Number(c[k])]])),
        ),
    }));
    const ranges = Object.fromEntries(
        Object.entries(inventory.seeds).map(([name, s]) => [name, s.nodePortRange ?? defaultNodePortRange]),
    );
    let ports: NodePortAllocation;
    try {
        ports = allocateNodePorts(requests, ranges, previous);
    } catch (e) {
        return {
            stacks: [],
            problems: [...problems, { key: "inventory", value: undefined, message: (e as Error).message }],
        };
    }
    // Stacks not in the inventory still hold their ports; a pinned port must not take one of them.
    for (const seed of new Set([...Object.keys(previous), ...Object.keys(ports)])) {
        const used = new Map<number, string>();
        for (const [stack, p] of Object.entries({ ...previous[seed], ...ports[seed] })) {
            for (const kind of nodePortKinds) {
                const other = used.get(p[kind]);
                if (other !== undefined) {
                    problems.push({
                        key: `clusters (${stack})`,
                        value: undefined,
                        message: `uses NodePort ${p[kind]} (${kind}) that stack ${other} uses on seed ${seed}; NodePorts are seed-wide`,
                    });
                }
                used.set(p[kind], stack);
            }
        }
    }

    const stacks = clusters.map((c): StackPlan => {
        const { seed, ...rest } = c;
        const config: Record<string, ConfigValue> = {};
        const own = existing.find((s) => s.name === c.clusterName);
        for (const [k, v] of Object.entries(rest)) {
            if ((secretKeys as readonly string[]).includes(k)) {
                problems.push({
                    key: `clusters (${c.clusterName}):${k}`,
                    value: undefined,
                    message:
                        "is a secret: name its environment variable in secretsFromEnv, never the value in the inventory",
                });
                continue;
            }
            for (const [path, value] of leaves(key(k), v)) config[path] = { value };
        }
        config[key("platformStack")] = { value: inventory.seeds[seed].platformStack ?? "" };
        const p = ports[seed][c.clusterName];
        for (const [kind, k] of Object.entries(nodePortKeys)) {
            config[key(k)] = { value: String(p[kind as (typeof nodePortKinds)[number]]) };
        }
        const fromEnv = { ...inventory.secretsFromEnv, ...inventory.seeds[seed].secretsFromEnv };
        for (const secret of secretKeys) {
            const variable = fromEnv[secret];
            const value = variable === undefined ? undefined : env[variable];
            if (variable !== undefined && value === undefined) {
                problems.push({
                    key: `clusters (${c.clusterName}):${secret}`,
                    value: undefined,
                    message: `comes from the environment variable ${variable}, which is not set`,
                });
            } else if (value !== undefined) {
                config[key(secret)] = { value, secret: true };
            } else if (own?.config[key(secret)] === undefined) {
                config[key(secret)] = { value: "", secret: true };
            }
        }
        return { stackName: c.clusterName, seed, config };
    });
    return { stacks, problems };
}
