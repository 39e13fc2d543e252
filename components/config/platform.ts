import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterConfig, TenantConfig } from "./clusterConfig";
import { ConfigError, ConfigProblem } from "./problems";
import { cidr, projectId, securityGroupId, seedNodeAddresses, strictObject, unresolvedOr } from "./schema";

/**
 * What a platform stack (platform/, once per seed) tells its clusters: the control-plane tenant
 * they adopt and where the seed is. It is the contract between the two stack roles: the platform
 * stack exports it as the outputs `controlPlaneTenant` and `seed`, a cluster stack reads them
 * (`platformStack`), a platform program hands it to `onPlatform`. Ids may be Inputs (a tenant the
 * same program creates); the node addresses and the CIDR are plain, because they name resources
 * and are checked.
 */
export interface PlatformOutputs {
    readonly controlPlaneTenant: {
        readonly projectId: pulumi.Input<string>;
        readonly network: {
            readonly cidr: string;
            readonly networkId: pulumi.Input<string>;
            readonly subnetId: pulumi.Input<string>;
            readonly routerId: pulumi.Input<string>;
        };
    };
    readonly seed: {
        /** Empty until the seed cluster is installed on the network. */
        readonly nodeAddresses: readonly string[];
        readonly securityGroupId: pulumi.Input<string>;
        /** The project that owns the seed nodes' security group. */
        readonly securityGroupProjectId: pulumi.Input<string>;
    };
}

/** The names of the platform stack's outputs that make up `PlatformOutputs`. */
export const platformOutputNames = ["controlPlaneTenant", "seed"] as const;

const id = (what: string) => unresolvedOr(z.string().trim().min(1, `must be ${what}`));

const platformOutputsSchema = z.object({
    controlPlaneTenant: strictObject([], {
        projectId,
        network: strictObject([], {
            cidr,
            networkId: id("a network id"),
            subnetId: id("a subnet id"),
            routerId: id("a router id"),
        }),
    }),
    seed: strictObject([], {
        nodeAddresses: seedNodeAddresses,
        securityGroupId,
        securityGroupProjectId: projectId,
    }),
});

/**
 * The outputs of platform stack `stack` as read (plain values), checked: a ConfigError names
 * each bad output as `stack <stack> output <path>`.
 */
export function parsePlatformOutputs(outputs: Readonly<Record<string, unknown>>, stack: string): PlatformOutputs {
    const parsed = platformOutputsSchema.safeParse(outputs, { reportInput: true });
    if (parsed.success) return parsed.data;
    throw new ConfigError(
        parsed.error.issues.map((issue): ConfigProblem => ({
            key: `stack ${stack} output ${issue.path.map(String).join(".")}`,
            value: "input" in issue ? issue.input : undefined,
            message:
                issue.code === "invalid_type" && issue.input === undefined
                    ? `is missing: is ${stack} a platform stack (platform/) that has been updated?`
                    : issue.message,
        })),
    );
}

/** A cluster's configuration without what its platform says: the control-plane tenant's project and network, and the seed. */
export type ClusterConfigOnPlatform = Omit<ClusterConfig, "controlPlaneTenant" | "seed"> & {
    readonly controlPlaneTenant: Pick<TenantConfig, "credentials">;
};

/** The configuration keys the platform supplies; a cluster on a platform must not set them itself. */
export const platformSuppliedKeys = ["controlPlaneTenant.project", "controlPlaneTenant.network", "seed"] as const;

/**
 * A cluster's raw configuration completed with its platform's outputs, and the problems of keys
 * the platform supplies that the configuration sets too (`where` names the platform in them).
 */
export function mergePlatform(
    raw: Readonly<Record<string, unknown>>,
    platform: PlatformOutputs,
    where: string,
    keyOf: (path: string) => string,
): { raw: Record<string, unknown>; problems: ConfigProblem[] } {
    const tenant = (raw.controlPlaneTenant ?? {}) as Record<string, unknown>;
    const set = [
        ...(raw.seed !== undefined ? ["seed"] : []),
        ...["project", "network"].filter((k) => tenant[k] !== undefined).map((k) => `controlPlaneTenant.${k}`),
    ];
    const problems = set.map((key): ConfigProblem => ({
        key: keyOf(key),
        value: undefined,
        message: `comes from the platform (${where}); remove it here`,
    }));
    if (platform.seed.nodeAddresses.length === 0) {
        problems.push({
            key: keyOf("seed.nodeAddresses"),
            value: undefined,
            message: `the platform (${where}) has no seed nodes yet: install the seed cluster on its network, then set seed.nodeAddresses in the platform stack and update it`,
        });
    }
    const { projectId: id, network } = platform.controlPlaneTenant;
    const { securityGroupProjectId, ...seed } = platform.seed;
    return {
        raw: {
            ...raw,
            controlPlaneTenant: { ...tenant, project: { id }, network: { ...network } },
            // The group's own project only when it is another one: the rules then need a provider of their own.
            seed: securityGroupProjectId === id ? seed : { ...seed, securityGroupProjectId },
        },
        problems,
    };
}

/**
 * A cluster's configuration on a platform: the control-plane tenant and the seed from the
 * platform's outputs, the rest from `config`. Validate the result with `parseSettings`.
 */
export function onPlatform(platform: PlatformOutputs, config: ClusterConfigOnPlatform): ClusterConfig {
    const merged = mergePlatform(config as unknown as Record<string, unknown>, platform, "onPlatform", (k) => k);
    if (merged.problems.length > 0) throw new ConfigError(merged.problems);
    return merged.raw as unknown as ClusterConfig;
}
