import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TenantSettings } from "../config";
import { ConfigError, ConfigProblem, KeyNaming, keyOf } from "../config/problems";
import {
    clusterConfigShape,
    dnsLabel,
    projectId,
    securityGroupId,
    seedNodeAddresses,
    strictObject,
    tenantSchema,
} from "../config/schema";
import { cidrContains } from "../config/cidr";
import { readNamespace } from "../config/load";
import { tenantOf } from "../config/settingsOf";
import { unknownTopLevelKeys, validateWith } from "../config/validate";

/** The platform stack's config namespace (platform/Pulumi.yaml). */
export const platformNamespace = "gks-platform";

/** The seed nodes' security group: created by the platform, or the one the seed already has. */
export type SeedSecurityGroupSettings =
    | { readonly kind: "create" }
    | {
          readonly kind: "adopt";
          readonly id: pulumi.Input<string>;
          /** The project that owns it; absent: the control-plane tenant's. */
          readonly projectId?: pulumi.Input<string>;
      };

/** A platform (one seed) validated: the control-plane tenant and where the seed is. */
export interface PlatformSettings {
    /** The seed's name, a DNS label: names the platform's resources. */
    readonly seedName: string;
    readonly externalNetwork: string;
    readonly dnsNameservers: readonly string[];
    readonly controlPlaneTenant: TenantSettings;
    readonly seed: {
        /** Empty until the seed cluster is installed on the network. */
        readonly nodeAddresses: readonly string[];
        readonly securityGroup: SeedSecurityGroupSettings;
    };
}

const platformShape = {
    seedName: dnsLabel,
    externalNetwork: clusterConfigShape.externalNetwork,
    dnsNameservers: clusterConfigShape.dnsNameservers,
    controlPlaneTenant: tenantSchema,
    seed: strictObject(["seed"], {
        nodeAddresses: seedNodeAddresses.default([]),
        securityGroupId: securityGroupId.optional(),
        securityGroupProjectId: projectId.optional(),
    }).default({ nodeAddresses: [] }),
};

const platformSecretKeys = ["controlPlaneCredentialSecret"] as const;
const platformKeys = [...Object.keys(platformShape), ...platformSecretKeys];

export interface PlatformParseOptions {
    /** The namespace problems name keys in; default `gks-platform`. */
    readonly namespace?: string;
    /**
     * Whether the control-plane network existed before this update (the stack's own last
     * outputs name it). A network this update creates holds no seed node yet.
     */
    readonly networkExisted?: boolean;
}

function crossProblems(c: z.output<z.ZodObject<typeof platformShape>>, naming: KeyNaming, existed: boolean) {
    const problems: ConfigProblem[] = [];
    const problem = (path: PropertyKey[], value: unknown, message: string) =>
        problems.push({ key: keyOf(naming.namespace, path), value, message });
    const { project, network, credentials } = c.controlPlaneTenant;
    if (project.name !== undefined && network.networkId !== undefined) {
        problem(
            ["controlPlaneTenant", "network"],
            undefined,
            "an existing network cannot belong to a project this update creates: adopt the project (project.id) too, or let the platform create the network",
        );
    }
    if (network.networkId === undefined && !existed && c.seed.nodeAddresses.length > 0) {
        problem(
            ["seed", "nodeAddresses"],
            c.seed.nodeAddresses,
            "the network is created by this update, so no seed node can be on it yet: update without seed.nodeAddresses, install the seed cluster on the network, then set them",
        );
    }
    c.seed.nodeAddresses.forEach((address, i) => {
        if (!cidrContains(network.cidr, address)) {
            problem(
                ["seed", "nodeAddresses", i],
                address,
                `is outside the seed's subnet ${network.cidr} (controlPlaneTenant.network.cidr)`,
            );
        }
    });
    if (c.seed.securityGroupProjectId !== undefined && c.seed.securityGroupId === undefined) {
        problem(
            ["seed", "securityGroupProjectId"],
            undefined,
            "only with seed.securityGroupId (a group this platform creates is in the control-plane project)",
        );
    }
    if (project.name !== undefined && credentials.applicationCredentialId !== undefined) {
        problem(
            ["controlPlaneTenant", "credentials", "applicationCredentialId"],
            credentials.applicationCredentialId,
            "cannot create a project: application credentials are bound to their own project. Use credentials.cloud or credentials.userName, or adopt the project with project.id",
        );
    }
    return problems;
}

function checkPlatform(
    raw: Readonly<Record<string, unknown>>,
    options: PlatformParseOptions,
    extra: readonly ConfigProblem[],
): PlatformSettings {
    const naming = { namespace: options.namespace ?? platformNamespace };
    const { controlPlaneCredentialSecret: secret, ...rest } = raw;
    const unknown = unknownTopLevelKeys(raw, platformKeys, naming);
    const plain = Object.fromEntries(Object.entries(rest).filter(([key]) => platformKeys.includes(key)));
    const parsed = validateWith(z.object(platformShape), plain, naming);
    const problems = [...extra, ...unknown, ...parsed.problems];
    const creds = (raw.controlPlaneTenant as { credentials?: Record<string, unknown> } | undefined)?.credentials;
    const needsSecret = creds?.userName !== undefined || creds?.applicationCredentialId !== undefined;
    if (needsSecret && (secret === undefined || secret === "")) {
        problems.push({
            key: keyOf(naming.namespace, ["controlPlaneCredentialSecret"]),
            value: undefined,
            message: `is ${secret === undefined ? "required" : "empty"}: the secret of controlPlaneTenant.credentials (pulumi config set --secret controlPlaneCredentialSecret)`,
        });
    }
    if (parsed.data !== undefined)
        problems.push(...crossProblems(parsed.data, naming, options.networkExisted ?? false));
    if (parsed.data === undefined || problems.length > 0) throw new ConfigError(problems);

    const c = parsed.data;
    const secretOutput =
        secret === undefined || secret === ""
            ? undefined
            : pulumi.secret(pulumi.output(secret as pulumi.Input<string>));
    return {
        seedName: c.seedName,
        externalNetwork: c.externalNetwork,
        dnsNameservers: c.dnsNameservers,
        controlPlaneTenant: tenantOf(
            c.controlPlaneTenant,
            `gks seed ${c.seedName}: hosted control planes`,
            secretOutput,
        ),
        seed: {
            nodeAddresses: c.seed.nodeAddresses,
            securityGroup:
                c.seed.securityGroupId === undefined
                    ? { kind: "create" }
                    : {
                          kind: "adopt",
                          id: c.seed.securityGroupId,
                          ...(c.seed.securityGroupProjectId !== undefined
                              ? { projectId: c.seed.securityGroupProjectId }
                              : {}),
                      },
        },
    };
}

/** Validates a platform's configuration given as a plain object (the platform stack's keys). */
export function parsePlatformSettings(
    config: Readonly<Record<string, unknown>>,
    options: PlatformParseOptions = {},
): PlatformSettings {
    return checkPlatform(config, options, []);
}

/** Reads and validates the platform stack's configuration (namespace `gks-platform` by default). */
export function loadPlatformSettings(
    config: pulumi.Config = new pulumi.Config(platformNamespace),
    options: Omit<PlatformParseOptions, "namespace"> = {},
): PlatformSettings {
    const { raw, problems } = readNamespace(config, {
        structured: new Set(["controlPlaneTenant", "seed", "dnsNameservers"]),
        secrets: platformSecretKeys,
    });
    return checkPlatform(raw, { ...options, namespace: config.name }, problems);
}
