import { stringify } from "yaml";
import { requiredSecretKeys } from "../../components/config/load";
import { projectName, StackConfig } from "./stackConfig";

/** The label every stand-in carries, so that no one mistakes one for a real secret. */
export const standInLabel = "offline-stand-in";

/**
 * A kubeconfig that parses like a real one but points nowhere: `.invalid` never resolves
 * (RFC 2606), and the token says what it is.
 */
const standInKubeconfig =
    `# ${standInLabel}:seedKubeconfig: not a real cluster; offline runs use it in place of the secret\n` +
    stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: standInLabel, cluster: { server: "https://seed.offline-stand-in.invalid:6443" } }],
        users: [{ name: standInLabel, user: { token: `${standInLabel}:seedKubeconfig` } }],
        contexts: [{ name: standInLabel, context: { cluster: standInLabel, user: standInLabel } }],
        "current-context": standInLabel,
    });

/** The offline stand-in for a secret config key (without namespace), e.g. `offline-stand-in:workerCredentialSecret`. */
export function standInFor(key: string): string {
    return key === "seedKubeconfig" ? standInKubeconfig : `${standInLabel}:${key}`;
}

/** A secret that an offline run replaced, and why its value was not known. */
export interface StandIn {
    /** The full key, e.g. `gks-cluster:seedKubeconfig`. */
    readonly key: string;
    readonly reason: "encrypted" | "missing";
}

function parsedObject(text: string | undefined): Record<string, unknown> | undefined {
    try {
        const value: unknown = text === undefined ? undefined : JSON.parse(text);
        return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The config with a labelled stand-in for exactly the secrets it needs (see
 * `requiredSecretKeys`) whose values are not known offline: held only encrypted (`secure:`) in
 * the stack file, or not set. A tenant value that does not parse needs nothing here; the
 * program's validation reports it.
 */
export function withStandIns(config: StackConfig): { config: StackConfig; standIns: StandIn[] } {
    const tenant = (key: string) => parsedObject(config.values[`${projectName}:${key}`]);
    const needed = requiredSecretKeys({
        controlPlaneTenant: tenant("controlPlaneTenant"),
        workerTenant: tenant("workerTenant"),
    });
    const standIns: StandIn[] = needed
        .map((key) => `${projectName}:${key}`)
        .filter((fullKey) => config.values[fullKey] === undefined)
        .map((fullKey) => ({ key: fullKey, reason: config.encryptedKeys.includes(fullKey) ? "encrypted" : "missing" }));
    const values = { ...config.values };
    for (const { key } of standIns) values[key] = standInFor(key.slice(projectName.length + 1));
    const secretKeys = [...new Set([...config.secretKeys, ...standIns.map((s) => s.key)])];
    return { config: { ...config, values, secretKeys }, standIns };
}
