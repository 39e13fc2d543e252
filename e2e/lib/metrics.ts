/** Prometheus text format, as far as the suite reads it. */

export interface Sample {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly value: number;
}

export function parseMetrics(text: string): Sample[] {
    const samples: Sample[] = [];
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
        if (!m) continue;
        const labels: Record<string, string> = {};
        for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
        samples.push({ name: m[1], labels, value: Number(m[4]) });
    }
    return samples;
}

/** The sum of a metric's samples whose labels include `labels`; undefined when there is none. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
    const found = parseMetrics(text).filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    return found.length === 0 ? undefined : found.reduce((a, s) => a + s.value, 0);
}
