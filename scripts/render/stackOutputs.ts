import { redacted } from "./redact";

/** The stack outputs as a render prints them: one `name: value` line each, secrets redacted unless shown. */
export function stackOutputLines(
    outputs: Readonly<Record<string, unknown>>,
    secret: readonly string[],
    showSecrets: boolean,
): string[] {
    const entries = Object.entries(outputs);
    if (entries.length === 0) return ["Stack outputs: none"];
    return [
        "Stack outputs:",
        ...entries.flatMap(([name, value]) => {
            if (secret.includes(name) && !showSecrets) return [`  ${name}: ${redacted}`];
            const text = typeof value === "string" ? value : JSON.stringify(value);
            const lines = (text ?? "(unknown until deployed)").trimEnd().split("\n");
            return lines.length === 1 ? [`  ${name}: ${lines[0]}`] : [`  ${name}: |`, ...lines.map((l) => `    ${l}`)];
        }),
    ];
}

/** outputs.json: the outputs, secrets redacted unless shown. */
export function stackOutputsJson(
    outputs: Readonly<Record<string, unknown>>,
    secret: readonly string[],
    showSecrets: boolean,
): string {
    const shown = Object.fromEntries(
        Object.entries(outputs).map(([k, v]) => [k, secret.includes(k) && !showSecrets ? redacted : v]),
    );
    return `${JSON.stringify(shown, null, 2)}\n`;
}
