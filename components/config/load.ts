import * as pulumi from "@pulumi/pulumi";
import { configNamespace, secretKeys } from "./defaults";
import { checkClusterConfig } from "./parse";
import { ConfigError, ConfigProblem } from "./problems";
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

/**
 * Reads, validates and completes a cluster's stack configuration from the namespace `config`
 * reads (problems are named `<namespace>:<key>`). The same validation as `parseSettings`, plus
 * what only a stack file can get wrong (plain-text secrets, text where YAML was meant). Throws a
 * ConfigError that lists every problem at once; call it before registering any resource.
 */
export function loadSettings(config: pulumi.Config = new pulumi.Config(configNamespace)): Settings {
    const { raw, problems } = readNamespace(config, { structured: structuredKeys, secrets: secretKeys });
    const checked = checkClusterConfig(raw, { namespace: config.name }, problems);
    if (checked.settings === undefined) throw new ConfigError(checked.problems);
    return checked.settings;
}
