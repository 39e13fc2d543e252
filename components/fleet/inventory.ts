import * as fs from "fs";
import { parse } from "yaml";
import { z } from "zod";
import { ConfigError } from "../config";
import { dnsLabel, strictObject } from "../config/schema";
import { validateWith } from "../config/validate";
import { NodePortRange } from "./nodePorts";

/**
 * A fleet's inventory: its seeds and its clusters, one YAML file that a fleet program
 * (examples/fleet) and the per-cluster stack driver (automation/) both read.
 *
 * ```yaml
 * seeds:
 *   region-one:
 *     platform: { seedName: region-one, controlPlaneTenant: {...}, seed: {...} }  # or platformStack: org/gks-platform/region-one
 *     kubeconfigKey: regionOneKubeconfig      # fleet program: the secret config key holding its kubeconfig
 *     nodePortRange: { min: 30000, max: 32767, reserved: [] }
 *     clusterDefaults: { controlPlaneTenant: { credentials: { cloud: region-one } } }
 *     secretsFromEnv: { seedKubeconfig: REGION_ONE_KUBECONFIG }   # per-cluster stacks (automation/)
 * secretsFromEnv: { workerCredentialSecret: GKS_WORKER_PASSWORD }
 * defaults: { externalNetwork: public, workerTenant: { credentials: { cloud: gks } } }
 * clusters:
 *   - { clusterName: acme, seed: region-one, workerTenant: { project: { name: gks-acme }, network: { cidr: 192.168.0.0/24 } } }
 * ```
 *
 * A cluster's configuration is `defaults`, then its seed's `clusterDefaults`, then its own entry
 * (objects merged key by key, lists and scalars replaced): the keys of a cluster stack, without
 * what the seed supplies.
 */
export interface Inventory {
    readonly seeds: Readonly<Record<string, InventorySeed>>;
    /** Per-cluster stacks (automation/): environment variables holding secrets every cluster needs, by config key. */
    readonly secretsFromEnv?: Readonly<Record<string, string>>;
    readonly clusters: readonly InventoryCluster[];
}

export interface InventorySeed {
    /** The platform keys of the seed (as platform/ stack config, without namespace). */
    readonly platform?: Readonly<Record<string, unknown>>;
    /** Or the platform stack that says where the seed is. */
    readonly platformStack?: string;
    readonly kubeconfigKey?: string;
    readonly nodePortRange?: NodePortRange;
    /** Per-cluster stacks (automation/): the environment variables holding secrets, by config key. */
    readonly secretsFromEnv?: Readonly<Record<string, string>>;
}

/** A cluster's configuration (defaults applied) and its seed. */
export type InventoryCluster = Readonly<Record<string, unknown>> & {
    readonly clusterName: string;
    readonly seed: string;
};

const object = z.record(z.string(), z.unknown());
const envNames = z.record(
    z.string(),
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
);

const inventorySchema = strictObject(["inventory"], {
    seeds: z.record(
        dnsLabel,
        strictObject(["seeds"], {
            platform: object.optional(),
            platformStack: z
                .string()
                .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "must be <organization>/<project>/<stack>")
                .optional(),
            kubeconfigKey: z.string().min(1).optional(),
            nodePortRange: strictObject(["nodePortRange"], {
                min: z.int().min(30000).max(32767),
                max: z.int().min(30000).max(32767),
                reserved: z.array(z.int()).optional(),
            }).optional(),
            clusterDefaults: object.optional(),
            secretsFromEnv: envNames.optional(),
        }).refine(
            (s) => (s.platform === undefined) !== (s.platformStack === undefined),
            "set exactly one of platform or platformStack",
        ),
    ),
    defaults: object.optional(),
    secretsFromEnv: envNames.optional(),
    clusters: z.array(object.and(z.object({ clusterName: z.string(), seed: z.string() }))),
});

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merged key by key (the later wins), lists and scalars replaced. */
export function merged(...layers: readonly (Readonly<Record<string, unknown>> | undefined)[]): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const layer of layers) {
        for (const [key, value] of Object.entries(layer ?? {})) {
            result[key] = isPlainObject(value) && isPlainObject(result[key]) ? merged(result[key], value) : value;
        }
    }
    return result;
}

/** An inventory given as a plain object (parsed YAML), checked; problems are named `<where>:<path>`. */
export function parseInventory(value: unknown, where = "inventory"): Inventory {
    const checked = validateWith(inventorySchema, value, { namespace: where });
    if (checked.data === undefined) throw new ConfigError(checked.problems);
    const { seeds, defaults, clusters, secretsFromEnv } = checked.data;
    return {
        ...(secretsFromEnv !== undefined ? { secretsFromEnv } : {}),
        seeds: Object.fromEntries(
            Object.entries(seeds).map(([name, { clusterDefaults: _, ...seed }]) => [name, seed as InventorySeed]),
        ),
        clusters: clusters.map((c) => merged(defaults, seeds[c.seed]?.clusterDefaults, c) as InventoryCluster),
    };
}

/** Reads and checks an inventory file. */
export function readInventory(file: string): Inventory {
    return parseInventory(parse(fs.readFileSync(file, "utf8")), file);
}
