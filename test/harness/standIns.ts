import { stringify } from "yaml";
import { rootProject } from "./projects";
import { declaredSecretKeys, StackConfig } from "./stackConfig";

/** The label every stand-in carries, so that no one mistakes one for a real secret. */
export const standInLabel = "offline-stand-in";

/**
 * A kubeconfig that parses like a real one but points nowhere: `.invalid` never resolves
 * (RFC 2606), and the token says what it is.
 */
function standInKubeconfig(key: string): string {
    return (
        `# ${standInLabel}:${key}: not a real cluster; offline runs use it in place of the secret\n` +
        stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: standInLabel, cluster: { server: "https://seed.offline-stand-in.invalid:6443" } }],
            users: [{ name: standInLabel, user: { token: `${standInLabel}:${key}` } }],
            contexts: [{ name: standInLabel, context: { cluster: standInLabel, user: standInLabel } }],
            "current-context": standInLabel,
        })
    );
}

/**
 * The offline stand-in for a secret config key (without namespace): a kubeconfig for a key that
 * holds one (its name says so), else `offline-stand-in:<key>`.
 */
export function standInFor(key: string): string {
    return /kubeconfig/i.test(key) ? standInKubeconfig(key) : `${standInLabel}:${key}`;
}

/** A secret that an offline run replaced, and why its value was not known. */
export interface StandIn {
    /** The full key, e.g. `gks-cluster:seedKubeconfig`. */
    readonly key: string;
    readonly reason: "encrypted" | "missing";
}

/**
 * The config with a labelled stand-in for every secret its project declares (`secret: true` in
 * Pulumi.yaml; the CLI requires each of them) whose value is not known offline: held only
 * encrypted (`secure:`) in the stack file, or not set.
 */
export function withStandIns(config: StackConfig): { config: StackConfig; standIns: StandIn[] } {
    const project = config.project ?? rootProject;
    const standIns: StandIn[] = declaredSecretKeys(project)
        .filter((fullKey) => config.values[fullKey] === undefined)
        .map((fullKey) => ({ key: fullKey, reason: config.encryptedKeys.includes(fullKey) ? "encrypted" : "missing" }));
    const values = { ...config.values };
    for (const { key } of standIns) values[key] = standInFor(key.slice(key.indexOf(":") + 1));
    const secretKeys = [...new Set([...config.secretKeys, ...standIns.map((s) => s.key)])];
    return { config: { ...config, values, secretKeys }, standIns };
}
