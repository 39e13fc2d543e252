import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { defaults, secretKeys } from "./defaults";
import { RawConfig, rawConfigSchema } from "./schema";
import { Credentials, Settings, TenantSettings } from "./settings";
import { versionPins } from "./versions";

/** The project's config namespace: keys are `gks-cluster:<key>`. */
export const configNamespace = "gks-cluster";

/** Keys whose values are JSON (objects and lists); the others are scalars. */
const structuredKeys = [
    "controlPlaneTenant",
    "workerTenant",
    "seed",
    "dnsNameservers",
    "apiAllowedCidrs",
    "sshAllowedCidrs",
    "tunnelAllowedCidrs",
] as const;

const scalarKeys = Object.keys(rawConfigSchema.shape).filter((k) => !(structuredKeys as readonly string[]).includes(k));

/** One thing wrong with the stack configuration. */
export interface ConfigProblem {
    /** The full key, as `pulumi config set --path` takes it, e.g. `gks-cluster:seed.nodeAddresses[0]`. */
    readonly key: string;
    /** The offending value (undefined when the key is missing). */
    readonly value: unknown;
    /** What is wrong and what is allowed. */
    readonly message: string;
}

/** Thrown before any resource is registered; lists every problem at once. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p.key}${describeValue(p.value)}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

function describeValue(value: unknown): string {
    if (value === undefined) return "";
    const text = JSON.stringify(value);
    return ` = ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`;
}

function keyOf(path: readonly PropertyKey[]): string {
    let key = configNamespace + ":";
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += (i === 0 ? "" : ".") + String(part);
    });
    return key;
}

function valueAt(raw: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
    let value: unknown = raw;
    for (const part of path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<PropertyKey, unknown>)[part];
    }
    return value;
}

/** Reads the raw values without interpreting them, so that every problem can be reported. */
function readRaw(config: pulumi.Config, problems: ConfigProblem[]): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const known = new Set<string>([...scalarKeys, ...structuredKeys, ...secretKeys]);
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace === config.name && !known.has(key)) {
            problems.push({
                key: fullKey,
                // Never the value: a mistyped key may hold a secret, and this message goes to logs.
                value: undefined,
                message: `is not a key of this project (a typo?); known keys: ${[...known].sort().join(", ")}`,
            });
        }
    }
    for (const key of scalarKeys) {
        const value = config.get(key);
        if (value !== undefined) raw[key] = value;
    }
    for (const key of structuredKeys) {
        const text = config.get(key);
        if (text === undefined) continue;
        try {
            raw[key] = JSON.parse(text);
        } catch {
            problems.push({
                key: keyOf([key]),
                value: text,
                message: "must be a YAML object or list in the stack file, not a plain string",
            });
        }
    }
    return raw;
}

function zodProblems(error: z.ZodError, raw: Record<string, unknown>): ConfigProblem[] {
    return error.issues.map((issue) => {
        const value = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
        const message =
            value === undefined && issue.code === "invalid_type" ? `is required: ${issue.message}` : issue.message;
        return { key: keyOf(issue.path), value, message };
    });
}

type SecretKey = (typeof secretKeys)[number];
type CredentialKinds = Partial<Record<"userName" | "applicationCredentialId", unknown>>;

const tenantSecrets = [
    ["controlPlaneTenant", "controlPlaneCredentialSecret"],
    ["workerTenant", "workerCredentialSecret"],
] as const;

/**
 * The secret keys a configuration needs: the seed's kubeconfig always, and a tenant's secret
 * when it signs in with a password (userName) or an application credential. Takes the tenants
 * as parsed from the stack file, validated or not (the offline render asks before validation).
 */
export function requiredSecretKeys(
    tenants: Partial<Record<"controlPlaneTenant" | "workerTenant", { credentials?: CredentialKinds }>>,
): SecretKey[] {
    const needs = (creds: CredentialKinds | undefined) =>
        creds?.applicationCredentialId !== undefined || creds?.userName !== undefined;
    return [
        "seedKubeconfig",
        ...tenantSecrets.filter(([tenant]) => needs(tenants[tenant]?.credentials)).map(([, key]) => key),
    ];
}

/**
 * The secrets a configuration needs, by which tenant credentials it uses. Works on the tenants as
 * read, valid or not, so that a missing secret is reported together with every other problem.
 */
function secretProblems(
    raw: Parameters<typeof requiredSecretKeys>[0],
    present: (key: string) => boolean,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!present("seedKubeconfig")) {
        problems.push({
            key: keyOf(["seedKubeconfig"]),
            value: undefined,
            message:
                "is required: the seed cluster's kubeconfig (pulumi config set --secret seedKubeconfig < seed.kubeconfig)",
        });
    }
    const required = requiredSecretKeys(raw);
    for (const [tenant, secretKey] of tenantSecrets) {
        const creds = raw[tenant]?.credentials;
        if (required.includes(secretKey) && !present(secretKey)) {
            problems.push({
                key: keyOf([secretKey]),
                value: undefined,
                message: `is required by ${tenant}.credentials: the ${creds?.userName !== undefined ? "password" : "application credential secret"} (pulumi config set --secret ${secretKey})`,
            });
        }
    }
    return problems;
}

function credentialsOf(
    raw: RawConfig["workerTenant"]["credentials"],
    secret: pulumi.Output<string> | undefined,
): Credentials {
    if (raw.cloud !== undefined) {
        return { kind: "cloud", cloud: raw.cloud, region: raw.region, password: secret };
    }
    if (raw.applicationCredentialId !== undefined) {
        return {
            kind: "applicationCredential",
            authUrl: raw.authUrl!,
            region: raw.region,
            applicationCredentialId: raw.applicationCredentialId,
            applicationCredentialSecret: secret!,
        };
    }
    return {
        kind: "password",
        authUrl: raw.authUrl!,
        region: raw.region,
        userName: raw.userName!,
        userDomainName: raw.userDomainName ?? "Default",
        projectName: raw.projectName!,
        projectDomainName: raw.projectDomainName ?? raw.userDomainName ?? "Default",
        password: secret!,
    };
}

function tenantOf(
    raw: RawConfig["workerTenant"],
    clusterName: string,
    role: string,
    secret: pulumi.Output<string> | undefined,
): TenantSettings {
    const { project, network } = raw;
    return {
        project:
            project.id !== undefined
                ? { kind: "adopt", id: project.id }
                : {
                      kind: "create",
                      name: project.name!,
                      domainId: project.domainId ?? defaults.projectDomainId,
                      description: project.description ?? `gks cluster ${clusterName}: ${role}`,
                      roles: project.roles ?? [...defaults.projectRoles],
                  },
        network:
            network.networkId !== undefined
                ? {
                      kind: "adopt",
                      cidr: network.cidr,
                      networkId: network.networkId,
                      subnetId: network.subnetId!,
                      routerId: network.routerId!,
                  }
                : { kind: "create", cidr: network.cidr },
        credentials: credentialsOf(raw.credentials, secret),
    };
}

/**
 * Reads, validates and completes the stack configuration. Throws a ConfigError that lists
 * every problem at once; call it before registering any resource.
 */
export function loadSettings(config: pulumi.Config = new pulumi.Config(configNamespace)): Settings {
    const problems: ConfigProblem[] = [];
    const raw = readRaw(config, problems);
    const parsed = rawConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) problems.push(...zodProblems(parsed.error, raw));
    const present = (key: string) => config.get(key) !== undefined;
    problems.push(...secretProblems(raw as Parameters<typeof requiredSecretKeys>[0], present));
    if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

    const c = parsed.data;
    const secret = (key: SecretKey) => (present(key) ? config.requireSecret(key) : undefined);
    return {
        clusterName: c.clusterName,
        versions: versionPins(c.kubernetesVersion),
        externalNetwork: c.externalNetwork,
        tenants: {
            controlPlane: tenantOf(
                c.controlPlaneTenant,
                c.clusterName,
                "control plane",
                secret("controlPlaneCredentialSecret"),
            ),
            worker: tenantOf(c.workerTenant, c.clusterName, "workers", secret("workerCredentialSecret")),
        },
        networking: {
            podCidr: c.podCidr,
            serviceCidr: c.serviceCidr,
            clusterDomain: c.clusterDomain,
            dnsNameservers: c.dnsNameservers,
        },
        seed: {
            kubeconfig: config.requireSecret("seedKubeconfig"),
            nodeAddresses: c.seed.nodeAddresses,
            securityGroupId: c.seed.securityGroupId,
            namespace: `cluster-${c.clusterName}`,
            nodePorts: { apiserver: c.apiserverNodePort, tunnel: c.tunnelNodePort, openvpn: c.openvpnNodePort },
        },
        controlPlane: {
            apiserverReplicas: c.apiserverReplicas,
            etcdReplicas: c.etcdReplicas,
            etcdStorageSize: c.etcdStorageSize,
            etcdStorageClass: c.etcdStorageClass,
        },
        tunnel: {
            mode: c.tunnelMode,
            port: c.tunnelPort,
            keepaliveSeconds: c.tunnelKeepaliveSeconds,
            agentReplicas: c.agentReplicas,
            agentMode: c.agentMode,
            extraAllowedCidrs: c.tunnelAllowedCidrs,
            openvpnCidr: c.openvpnCidr,
        },
        loadBalancer: {
            provider: c.lbProvider,
            idleTimeoutSeconds: c.lbIdleTimeoutSeconds,
            apiAllowedCidrs: c.apiAllowedCidrs,
        },
        access: { sshAllowedCidrs: c.sshAllowedCidrs },
        pki: {
            caValidityHours: c.caValidityHours,
            certValidityHours: c.certValidityHours,
            earlyRenewalHours: c.certEarlyRenewalHours,
        },
    };
}
