import { z } from "zod";
import { ConfigProblem, KeyNaming, keyOf, unknownKeyMessage } from "./problems";

export { KeyNaming };
import { knownKeysAt } from "./schema";

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let value: unknown = raw;
    for (const part of path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<PropertyKey, unknown>)[part];
    }
    return value;
}

/** A zod error as problems, by key; an unknown key inside an object becomes one problem naming it. */
export function zodProblems(error: z.ZodError, raw: unknown, naming: KeyNaming): ConfigProblem[] {
    return error.issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code === "unrecognized_keys") {
            const where = [...issue.path].reverse().find((p) => typeof p === "string");
            const known = knownKeysAt(issue.path) ?? [];
            return issue.keys.map((key) => ({
                key: keyOf(naming.namespace, [...issue.path, key]),
                // Never the value: a mistyped key may hold a secret, and this message goes to logs.
                value: undefined,
                message: unknownKeyMessage(key, String(where ?? naming.namespace), known),
            }));
        }
        const value = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
        const message =
            value === undefined && issue.code === "invalid_type" ? `is required: ${issue.message}` : issue.message;
        return [{ key: keyOf(naming.namespace, issue.path), value, message }];
    });
}

/** Top-level keys that are not known, each named with the nearest known key. */
export function unknownTopLevelKeys(
    raw: Readonly<Record<string, unknown>>,
    known: readonly string[],
    naming: KeyNaming,
): ConfigProblem[] {
    return Object.keys(raw)
        .filter((key) => !known.includes(key))
        .map((key) => ({
            key: keyOf(naming.namespace, [key]),
            value: undefined,
            message: unknownKeyMessage(key, naming.namespace, known),
        }));
}

/** Parses with a schema; the problems of a failure, by key, or the data. */
export function validateWith<T>(
    schema: z.ZodType<T>,
    raw: unknown,
    naming: KeyNaming,
): { data: T; problems: [] } | { data: undefined; problems: ConfigProblem[] } {
    const parsed = schema.safeParse(raw, { reportInput: true });
    return parsed.success
        ? { data: parsed.data, problems: [] }
        : { data: undefined, problems: zodProblems(parsed.error, raw, naming) };
}
