/**
 * Go's time.ParseDuration, in milliseconds: a sequence of decimal numbers, each with an optional
 * fraction and a unit (ns, us, µs, ms, s, m, h), e.g. "30s", "1m", "1h30m", "1.5h", "-2m";
 * "0" alone is allowed. Undefined when Go would reject the text (so would the binary's flag parsing).
 */
const unitMs: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    "\u00b5s": 1e-3, // micro sign
    "\u03bcs": 1e-3, // Greek mu
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
};

export function parseGoDuration(text: string): number | undefined {
    let rest = text;
    let sign = 1;
    if (rest.startsWith("-") || rest.startsWith("+")) {
        sign = rest.startsWith("-") ? -1 : 1;
        rest = rest.slice(1);
    }
    if (rest === "0") return 0;
    if (rest === "") return undefined;
    let total = 0;
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;
    while (rest !== "") {
        const match = part.exec(rest);
        if (!match) return undefined;
        total += Number(match[1]) * unitMs[match[2]];
        rest = rest.slice(match[0].length);
    }
    return sign * total;
}

/** A duration for messages: "30s", "1h0m0s"-style is hard to read, so whole units where possible. */
export function formatMs(ms: number): string {
    if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
    if (ms % 60_000 === 0) return `${ms / 60_000}m`;
    if (ms % 1000 === 0) return `${ms / 1000}s`;
    return `${ms}ms`;
}
