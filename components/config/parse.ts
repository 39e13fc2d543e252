import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "./clusterConfig";
import { configNamespace, secretKeys } from "./defaults";
import { ConfigError, ConfigProblem, KeyNaming, keyOf } from "./problems";
import { clusterConfigSchema, clusterConfigShape, isUnresolved } from "./schema";
import { Settings } from "./settings";
import { settingsOf, SettingsSecrets } from "./settingsOf";
import { markValidated } from "./validated";
import { unknownTopLevelKeys, validateWith } from "./validate";

export type SecretKey = (typeof secretKeys)[number];
type CredentialKinds = Partial<Record<"userName" | "applicationCredentialId", unknown>>;

const tenantSecrets = [
    ["controlPlaneTenant", "controlPlaneCredentialSecret"],
    ["workerTenant", "workerCredentialSecret"],
] as const;

/** Every key a cluster's configuration may have, secrets included. */
export const clusterConfigKeys: readonly string[] = [...Object.keys(clusterConfigShape), ...secretKeys];

/**
 * The secret keys a configuration needs: the seed's kubeconfig always, and a tenant's secret
 * when it signs in with a password (userName) or an application credential. Takes the tenants
 * as given, validated or not, so that a missing secret is reported with every other problem.
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

/** What each secret is, for the messages: how to set it. */
function secretPurpose(key: SecretKey, raw: Record<string, unknown>): string {
    if (key === "seedKubeconfig") {
        return "the seed cluster's kubeconfig (pulumi config set --secret seedKubeconfig < seed.kubeconfig)";
    }
    const tenant = tenantSecrets.find(([, k]) => k === key)![0];
    const creds = (raw[tenant] as { credentials?: CredentialKinds } | undefined)?.credentials;
    const what = creds?.userName !== undefined ? "password" : "application credential secret";
    return `the ${what} of ${tenant}.credentials (pulumi config set --secret ${key})`;
}

/**
 * The secrets as secret Outputs, and what is wrong with them. A secret's value never appears in
 * a problem. An empty secret stands for none, which only clouds.yaml credentials can do with (the
 * CLI requires every declared secret, so such a stack sets it empty).
 */
function secretsOf(
    raw: Record<string, unknown>,
    naming: KeyNaming,
): { secrets: Partial<Record<SecretKey, pulumi.Output<string>>>; problems: ConfigProblem[] } {
    const required = requiredSecretKeys(raw as Parameters<typeof requiredSecretKeys>[0]);
    const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
    const problems: ConfigProblem[] = [];
    for (const key of secretKeys) {
        const value = raw[key];
        const problem = (message: string) =>
            problems.push({ key: keyOf(naming.namespace, [key]), value: undefined, message });
        if (value === undefined || value === "") {
            if (required.includes(key)) {
                problem(`is ${value === undefined ? "required" : "empty"}: ${secretPurpose(key, raw)}`);
            }
        } else if (typeof value === "string" || isUnresolved(value)) {
            secrets[key] = pulumi.secret(pulumi.output(value as pulumi.Input<string>));
        } else {
            problem(`must be a string: ${secretPurpose(key, raw)}`);
        }
    }
    return { secrets, problems };
}

/**
 * Validates a cluster's configuration (plain values, secrets included) and completes it into
 * Settings; `extra` are problems the caller found while reading it (they fail it too). Every
 * problem is reported at once, keyed `<namespace>:<path>`.
 */
export function checkClusterConfig(
    raw: Readonly<Record<string, unknown>>,
    naming: KeyNaming,
    extra: readonly ConfigProblem[] = [],
): { settings: Settings; problems: [] } | { settings: undefined; problems: ConfigProblem[] } {
    const plain = { ...raw } as Record<string, unknown>;
    const unknown = unknownTopLevelKeys(plain, clusterConfigKeys, naming);
    for (const key of [...secretKeys, ...Object.keys(plain).filter((k) => !clusterConfigKeys.includes(k))]) {
        delete plain[key];
    }
    const parsed = validateWith(clusterConfigSchema, plain, naming);
    const { secrets, problems: secretProblems } = secretsOf(raw as Record<string, unknown>, naming);
    const problems = [...extra, ...unknown, ...parsed.problems, ...secretProblems];
    if (parsed.data === undefined || problems.length > 0) return { settings: undefined, problems };
    return { settings: markValidated(settingsOf(parsed.data, secrets as SettingsSecrets)), problems: [] };
}

export interface ParseOptions {
    /** The namespace problems name keys in (`<namespace>:<key>`); default `gks-cluster`. */
    readonly namespace?: string;
}

/**
 * Validates a cluster's configuration given as a plain object, and completes it into Settings
 * (defaults applied, seed namespace and names derived). Throws a ConfigError with exactly the
 * problems `loadSettings` reports for the same values in a stack's config; registers nothing.
 */
export function parseSettings(config: ClusterConfig, options: ParseOptions = {}): Settings {
    const checked = checkClusterConfig(config as unknown as Record<string, unknown>, {
        namespace: options.namespace ?? configNamespace,
    });
    if (checked.settings === undefined) throw new ConfigError(checked.problems);
    return checked.settings;
}
