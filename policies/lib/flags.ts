/**
 * Command-line flags as Go's pflag reads them (konnectivity and kube-apiserver use spf13/pflag):
 * `--name=value`, or `--name value` when the next word is not a flag, or a bare `--name`
 * (a boolean set to true). A repeated flag keeps its last value. Words that are not flags
 * (the binary, positional arguments) are skipped.
 */
export type Flags = ReadonlyMap<string, string>;

export function parseFlags(words: readonly string[]): Flags {
    const flags = new Map<string, string>();
    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        if (!word.startsWith("--") || word === "--") continue;
        const body = word.slice(2);
        const eq = body.indexOf("=");
        if (eq >= 0) {
            flags.set(body.slice(0, eq), body.slice(eq + 1));
        } else if (i + 1 < words.length && !words[i + 1].startsWith("-")) {
            flags.set(body, words[++i]);
        } else {
            flags.set(body, "true");
        }
    }
    return flags;
}

/** An integer flag value (pflag's IntVar accepts an optional sign and decimal digits). */
export function parseIntFlag(value: string): number | undefined {
    return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}
