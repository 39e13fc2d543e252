import { stringify } from "yaml";

/**
 * kube-apiserver's encryption at rest (`--encryption-provider-config`): Secrets are written with
 * secretbox (XSalsa20-Poly1305, 32-byte keys) under the first key, read with any listed key, and
 * plain (identity) data written before encryption was on stays readable until it is rewritten.
 * secretbox, not aescbc (open to padding-oracle attacks) nor aesgcm (its random nonce needs a key
 * rotation every 200k writes); KMS would need a KMS plugin in every apiserver pod. Kubermatic KKP
 * does the same (pkg/resources/apiserver/encryption.go: secretbox keys for `secrets`, identity
 * last). The checks are kube-apiserver's when it loads the file
 * (k8s.io/apiserver/pkg/apis/apiserver/validation/validation_encryption.go at v0.35.8/v0.36.5/v0.37.2).
 */
export const encryptionApiVersion = "apiserver.config.k8s.io/v1";
export const encryptionKind = "EncryptionConfiguration";

/** The resources this program encrypts. */
export const encryptedResources = ["secrets"] as const;

export interface EncryptionKey {
    readonly name: string;
    /** base64 of 32 random bytes. */
    readonly secret: string;
}

type Provider = { secretbox: { keys: EncryptionKey[] } } | { identity: Record<string, never> };

export interface EncryptionConfiguration {
    apiVersion: typeof encryptionApiVersion;
    kind: typeof encryptionKind;
    resources: { resources: string[]; providers: Provider[] }[];
}

/** The secretbox key length kube-apiserver requires. */
export const secretboxKeyBytes = 32;

/** Secretbox with `keys` (the first encrypts), then identity to read what was written unencrypted. */
export function encryptionConfiguration(keys: readonly EncryptionKey[]): EncryptionConfiguration {
    return {
        apiVersion: encryptionApiVersion,
        kind: encryptionKind,
        resources: [
            {
                resources: [...encryptedResources],
                providers: [{ secretbox: { keys: [...keys] } }, { identity: {} }],
            },
        ],
    };
}

/** The file kube-apiserver reads; throws (without a key) when it would not load or not encrypt. */
export function encryptionConfigurationYaml(config: EncryptionConfiguration): string {
    const problems = [...validateEncryptionConfiguration(config), ...unencryptedResources(config)];
    if (problems.length > 0) {
        throw new Error(`invalid encryption configuration:\n  - ${problems.join("\n  - ")}`);
    }
    return stringify(config);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const providerTypes = ["kms", "aesgcm", "aescbc", "secretbox", "identity"] as const;
const keySizes: Record<string, number[]> = { aesgcm: [16, 24, 32], aescbc: [16, 24, 32], secretbox: [32] };

function validateKeys(keys: unknown, path: string, sizes: number[]): string[] {
    if (!Array.isArray(keys) || keys.length === 0) return [`${path}: at least one keys is required`];
    const problems: string[] = [];
    const names = new Set<string>();
    keys.forEach((key: unknown, i) => {
        const at = `${path}[${i}]`;
        const name = isObj(key) ? key.name : undefined;
        const secret = isObj(key) ? key.secret : undefined;
        if (typeof name !== "string" || name === "") problems.push(`${at}.name: name is a mandatory field for a key`);
        else if (names.has(name)) problems.push(`${at}.name: ${name} is listed twice`);
        else names.add(name);
        if (typeof secret !== "string" || secret === "") {
            problems.push(`${at}.secret: secret is a mandatory field for a key`);
            return;
        }
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(secret) || secret.length % 4 !== 0) {
            problems.push(`${at}.secret: secrets must be base64 encoded`);
            return;
        }
        const length = Buffer.from(secret, "base64").length;
        if (!sizes.includes(length)) {
            problems.push(
                `${at}.secret: secret is not of the expected length, got ${length}, expected one of [${sizes.join(" ")}]`,
            );
        }
    });
    return problems;
}

/**
 * Every reason kube-apiserver would refuse to start with this file; empty when it loads. Key
 * material never appears in a problem.
 */
export function validateEncryptionConfiguration(config: unknown): string[] {
    if (!isObj(config)) return ["the configuration must be an object"];
    const problems: string[] = [];
    if (config.apiVersion !== encryptionApiVersion) {
        problems.push(`apiVersion: must be ${encryptionApiVersion} (got ${JSON.stringify(config.apiVersion)})`);
    }
    if (config.kind !== encryptionKind) {
        problems.push(`kind: must be ${encryptionKind} (got ${JSON.stringify(config.kind)})`);
    }
    if (!Array.isArray(config.resources) || config.resources.length === 0) {
        problems.push("resources: at least one resources is required");
        return problems;
    }
    config.resources.forEach((entry: unknown, i) => {
        const path = `resources[${i}]`;
        const resources = isObj(entry) ? entry.resources : undefined;
        const providers = isObj(entry) ? entry.providers : undefined;
        if (!Array.isArray(resources) || resources.length === 0) {
            problems.push(`${path}.resources: at least one resource is required`);
        }
        if (!Array.isArray(providers) || providers.length === 0) {
            problems.push(`${path}.providers: at least one provider is required`);
            return;
        }
        providers.forEach((provider: unknown, j) => {
            const at = `${path}.providers[${j}]`;
            const types = isObj(provider) ? providerTypes.filter((t) => provider[t] !== undefined) : [];
            if (types.length === 0) {
                problems.push(
                    `${at}: provider does not contain any of the expected providers: ${providerTypes.join(", ")}`,
                );
            } else if (types.length > 1) {
                problems.push(`${at}: more than one provider specified in a single element`);
            } else if (types[0] in keySizes) {
                const body = (provider as Obj)[types[0]];
                problems.push(
                    ...validateKeys(isObj(body) ? body.keys : undefined, `${at}.${types[0]}.keys`, keySizes[types[0]]),
                );
            }
        });
    });
    return problems;
}

/** The provider type that encrypts new writes of `resource` (its entry's first provider), if any entry names it. */
export function writingProvider(config: unknown, resource: string): string | undefined {
    if (!isObj(config) || !Array.isArray(config.resources)) return undefined;
    const entry = config.resources.find(
        (e: unknown) =>
            isObj(e) &&
            Array.isArray(e.resources) &&
            e.resources.some((r: unknown) => r === resource || r === "*." || r === "*.*"),
    ) as Obj | undefined;
    const first = Array.isArray(entry?.providers) ? (entry.providers[0] as unknown) : undefined;
    return isObj(first) ? providerTypes.find((t) => first[t] !== undefined) : undefined;
}

/** Problems when a resource this program must encrypt would be written in plain text. */
export function unencryptedResources(config: unknown): string[] {
    return encryptedResources.flatMap((resource) => {
        const provider = writingProvider(config, resource);
        return provider === undefined || provider === "identity"
            ? [
                  `${resource}: written ${provider === undefined ? "unencrypted (no entry names it)" : "by identity, unencrypted"}; list it with secretbox, aescbc or kms first`,
              ]
            : [];
    });
}
