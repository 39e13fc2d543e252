/**
 * Command-line flags as Go's pflag reads them (konnectivity and kube-apiserver use spf13/pflag):
 * `--name=value`, or `--name value` when the next word is not a flag, or a bare `--name`
 * (a boolean set to true). A repeated flag keeps its last value. Words that are not flags
 * (the binary, positional arguments) are skipped, and so is everything after `--`, where pflag
 * stops. `null` stands for a word not known yet (a preview): a flag it may be the value of is
 * left out, as its value is not known.
 */
export type Flags = ReadonlyMap<string, string>;

export function parseFlags(words: readonly (string | null)[]): Flags {
    const flags = new Map<string, string>();
    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        if (word === "--") break;
        if (word === null || !word.startsWith("--")) continue;
        const body = word.slice(2);
        const eq = body.indexOf("=");
        const next = words[i + 1];
        if (eq >= 0) {
            flags.set(body.slice(0, eq), body.slice(eq + 1));
        } else if (next === null) {
            flags.delete(body);
        } else if (next !== undefined && !next.startsWith("-")) {
            flags.set(body, next);
            i++;
        } else {
            flags.set(body, "true");
        }
    }
    return flags;
}

/**
 * Go's integer syntax with base 0 (strconv.ParseInt(s, 0, 64), what pflag's IntVar calls): an
 * optional sign, then decimal, 0x hex, 0o or leading-0 octal, or 0b binary, with `_` only
 * between digits or after the base prefix.
 */
const goInteger = /^([+-]?)(0[xX](?:_?[\da-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?\d)*)$/;
const int64Max = 2n ** 63n - 1n;

/** An integer flag value as pflag's IntVar reads it; undefined where the binary would exit on start. */
export function parseIntFlag(value: string): number | undefined {
    const match = goInteger.exec(value);
    if (!match) return undefined;
    const digits = match[2].replace(/_/g, "");
    const legacyOctal = /^0\d/.test(digits);
    const magnitude = BigInt(legacyOctal ? `0o${digits}` : digits);
    const signed = match[1] === "-" ? -magnitude : magnitude;
    if (signed > int64Max || signed < -int64Max - 1n) return undefined;
    return Number(signed);
}

/** strconv.ParseBool's words. */
const goTrue: readonly unknown[] = ["1", "t", "T", "TRUE", "true", "True"];
const goFalse: readonly unknown[] = ["0", "f", "F", "FALSE", "false", "False"];

/**
 * A boolean flag value as pflag's BoolVar reads it (strconv.ParseBool); undefined for anything
 * else: a word the binary would exit on, or no (known) word at all.
 */
export function parseBoolFlag(value: unknown): boolean | undefined {
    if (goTrue.includes(value)) return true;
    if (goFalse.includes(value)) return false;
    return undefined;
}
