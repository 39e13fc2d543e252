import * as pulumi from "@pulumi/pulumi";
import { configNamespace, secretKeys } from "./defaults";
import { checkClusterConfig } from "./parse";
import { mergePlatform, PlatformOutputs } from "./platform";
import { ConfigError, ConfigProblem, keyOf } from "./problems";
import { structuredKeys } from "./schema";
import { Settings } from "./settings";

export { configNamespace };
export { ConfigError, ConfigProblem } from "./problems";
export { requiredSecretKeys } from "./parse";

/**
 * Whether a config key arrived as a secret. The SDK knows (the engine sends the secret keys with
 * the config); the function is internal to it, hence the guarded look-up. Without it no key
 * counts as a plain-text secret.
 */
function arrivedAsSecret(fullKey: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
    return runtime.isConfigSecret?.(fullKey) ?? true;
}

export interface NamespaceKeys {
    /** Keys whose values are JSON objects or lists. */
    readonly structured: ReadonlySet<string>;
    /** Keys that must arrive as secrets. */
    readonly secrets: readonly string[];
}

/**
 * Every key of a config namespace, as plain values: objects and lists parsed from JSON, the rest
 * text. A secret set in plain text is a problem.
 */
export function readNamespace(
    config: pulumi.Config,
    keys: NamespaceKeys,
): { raw: Record<string, unknown>; problems: ConfigProblem[] } {
    const raw: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace !== config.name || key === undefined) continue;
        if (keys.secrets.includes(key) && !arrivedAsSecret(fullKey)) {
            problems.push({
                key: fullKey,
                value: undefined,
                message: `is set in plain text in the stack file; a secret must be stored encrypted: pulumi config set --secret ${fullKey}${key.toLowerCase().includes("kubeconfig") ? " < seed.kubeconfig" : ""} (and remove the plain value)`,
            });
        }
        if (!keys.structured.has(key)) {
            raw[key] = text;
            continue;
        }
        try {
            raw[key] = JSON.parse(text);
        } catch {
            // Not JSON: the stack file holds a plain string where YAML was meant; the schema says
            // what the key must be, with this string as the value.
            raw[key] = text;
        }
    }
    return { raw, problems };
}

/** The stack config key naming the platform stack a cluster stack adopts its seed from. */
export const platformStackKey = "platformStack";

export interface LoadOptions {
    /**
     * The outputs of the platform stack that `platformStack` names, read beforehand (see
     * `readPlatformStack`): the control-plane tenant and the seed come from them.
     */
    readonly platform?: PlatformOutputs;
}

/**
 * Reads, validates and completes a cluster's stack configuration from the namespace `config`
 * reads (problems are named `<namespace>:<key>`). The same validation as `parseSettings`, plus
 * what only a stack file can get wrong (plain-text secrets) and the platform stack's part. Throws
 * a ConfigError that lists every problem at once; call it before registering any resource.
 */
export function loadSettings(
    config: pulumi.Config = new pulumi.Config(configNamespace),
    options: LoadOptions = {},
): Settings {
    const read = readNamespace(config, { structured: structuredKeys, secrets: secretKeys });
    let { raw } = read;
    const problems = [...read.problems];
    const { [platformStackKey]: given, ...rest } = raw;
    raw = rest;
    // Pulumi.yaml declares it with the default "" (the CLI requires every declared key without one).
    const platformStack = given === "" ? undefined : given;
    if (options.platform !== undefined) {
        const where = platformStack === undefined ? "the platform given" : `platformStack ${String(platformStack)}`;
        const merged = mergePlatform(raw, options.platform, where, (k) => keyOf(config.name, k.split(".")));
        raw = merged.raw;
        problems.push(...merged.problems);
    } else if (platformStack !== undefined) {
        problems.push({
            key: keyOf(config.name, [platformStackKey]),
            value: platformStack,
            message:
                "is set, but its outputs were not read: pass loadSettings(config, { platform: await readPlatformStack(name) })",
        });
    }
    const checked = checkClusterConfig(raw, { namespace: config.name }, problems);
    if (checked.settings === undefined) throw new ConfigError(checked.problems);
    return checked.settings;
}
