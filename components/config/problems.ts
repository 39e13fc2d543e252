import { distance } from "fastest-levenshtein";

/** One thing wrong with a configuration. */
export interface ConfigProblem {
    /** The full key, as `pulumi config set --path` takes it, e.g. `gks-cluster:seed.nodeAddresses[0]`. */
    readonly key: string;
    /** The offending value (undefined when the key is missing, or when the value may be a secret). */
    readonly value: unknown;
    /** What is wrong and what is allowed. */
    readonly message: string;
}

/** How a configuration's keys are named in problems: `<namespace>:<path>`. */
export interface KeyNaming {
    /** The config namespace the values were read from (or are meant for), e.g. `gks-cluster`. */
    readonly namespace: string;
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
    const text = JSON.stringify(value) ?? String(value);
    return ` = ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`;
}

/** `namespace:a.b[0].c`, the form `pulumi config set --path` takes. */
export function keyOf(namespace: string, path: readonly PropertyKey[]): string {
    let key = namespace + ":";
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += (i === 0 ? "" : ".") + String(part);
    });
    return key;
}

/**
 * The known key a misspelled one most likely meant: the nearest by edit distance (ignoring
 * case), if it is near enough to be a typo rather than another word.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const candidate of known) {
        const d = distance(key.toLowerCase(), candidate.toLowerCase());
        if (best === undefined || d < best.distance) best = { key: candidate, distance: d };
    }
    const tolerance = Math.max(2, Math.floor(key.length / 4));
    return best !== undefined && best.distance <= tolerance ? best.key : undefined;
}

/** The message for a key that `where` does not have: the nearest known key, or all of them. */
export function unknownKeyMessage(key: string, where: string, known: readonly string[]): string {
    const nearest = nearestKey(key, known);
    return nearest !== undefined
        ? `not a key of ${where}; did you mean ${nearest}?`
        : `not a key of ${where} (a typo?); known keys: ${[...known].sort().join(", ")}`;
}
