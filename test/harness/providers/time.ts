import { ProviderMock } from "./types";

/**
 * The time provider (@pulumiverse/time, hashicorp/terraform-provider-time): Rotating keeps a base
 * time (`rfc3339`, now at creation) and `rotationRfc3339` = base + the rotation period; Offset
 * gives `rfc3339` = base + the offset. Times are whole seconds, formatted as the provider does
 * (`2006-01-02T15:04:05Z`). "Now" is fixed per process, so two runs render the same times.
 */
const processStart = new Date(Math.floor(Date.now() / 1000) * 1000);

const hour = 3_600_000;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function shifted(base: Date, inputs: Record<string, unknown>, prefix: "rotation" | "offset"): Date {
    const at = new Date(base);
    const n = (unit: string) => Number(inputs[`${prefix}${unit}`] ?? 0);
    at.setUTCFullYear(at.getUTCFullYear() + n("Years"), at.getUTCMonth() + n("Months"), at.getUTCDate() + n("Days"));
    return new Date(at.getTime() + n("Hours") * hour + n("Minutes") * 60_000 + n("Seconds") * 1000);
}

function parts(d: Date) {
    return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        unix: Math.floor(d.getTime() / 1000),
    };
}

export function timeMock(now: Date = processStart): ProviderMock {
    return {
        prefix: "time:",
        resources: {
            "time:index/rotating:Rotating": ({ inputs }) => {
                const base = inputs.rfc3339 ? new Date(String(inputs.rfc3339)) : now;
                const rotation = inputs.rotationRfc3339
                    ? new Date(String(inputs.rotationRfc3339))
                    : shifted(base, inputs, "rotation");
                return {
                    id: rfc3339(base),
                    state: { ...inputs, ...parts(base), rfc3339: rfc3339(base), rotationRfc3339: rfc3339(rotation) },
                };
            },
            "time:index/offset:Offset": ({ inputs }) => {
                const base = inputs.baseRfc3339 ? new Date(String(inputs.baseRfc3339)) : now;
                const at = shifted(base, inputs, "offset");
                return {
                    id: rfc3339(base),
                    state: { ...inputs, ...parts(at), baseRfc3339: rfc3339(base), rfc3339: rfc3339(at) },
                };
            },
        },
        calls: {},
    };
}
