import * as policySdk from "@pulumi/policy";

/**
 * Known and unknown values. During a preview the engine passes resource properties that depend
 * on outputs of resources not yet created as "unknown"; @pulumi/policy wraps the properties in a
 * proxy that throws its `UnknownValueError` when such a value is read. The pack reads the
 * proxy once (`plain`), turning each unknown into an `Unknown` that the rules reason about, so
 * that one unknown id does not stop a stack policy from checking everything else.
 */

/** The error @pulumi/policy's proxy throws; exported at run time, though its typings omit it. */
type UnknownValueErrorClass = new (...args: never[]) => Error;
const sdkUnknownValueError = (policySdk as unknown as { UnknownValueError?: UnknownValueErrorClass }).UnknownValueError;

/**
 * True for the proxy's error. The name check covers a second copy of @pulumi/policy (e.g. the
 * pack's own node_modules beside the project's), whose class is a different object.
 */
export function isUnknownValueError(e: unknown): e is Error {
    if (sdkUnknownValueError !== undefined && e instanceof sdkUnknownValueError) return true;
    return e instanceof Error && e.constructor?.name === "UnknownValueError";
}

/** A value the engine does not know yet. `error` is the proxy's error, which names the property path. */
export class Unknown {
    constructor(readonly error: Error) {}
}

export function isUnknown(value: unknown): value is Unknown {
    return value instanceof Unknown;
}

/** Copies (proxied) properties into plain data, each unknown value replaced by an `Unknown`. */
export function plain(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    const source = value as Record<string | number, unknown>;
    if (Array.isArray(value)) {
        return Array.from({ length: value.length }, (_, i) => readKnown(source, i));
    }
    return Object.fromEntries(Object.keys(value).map((key) => [key, readKnown(source, key)]));
}

function readKnown(source: Record<string | number, unknown>, key: string | number): unknown {
    try {
        return plain(source[key]);
    } catch (e) {
        if (isUnknownValueError(e)) return new Unknown(e);
        throw e;
    }
}

/** Three-valued logic: a condition that is true, false or not yet known. */
export type Tri = boolean | Unknown;

/** False if any is false; otherwise unknown if any is unknown; otherwise true. */
export function and(...conditions: Tri[]): Tri {
    if (conditions.some((c) => c === false)) return false;
    return conditions.find(isUnknown) ?? true;
}

/** True if any is true; otherwise unknown if any is unknown; otherwise false. */
export function or(...conditions: Tri[]): Tri {
    if (conditions.some((c) => c === true)) return true;
    return conditions.find(isUnknown) ?? false;
}

export function not(condition: Tri): Tri {
    return isUnknown(condition) ? condition : !condition;
}

/** The value at a path; `Unknown` when the value or anything on the way is unknown. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
    let current = value;
    for (const key of path) {
        if (isUnknown(current)) return current;
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<string | number, unknown>)[key];
    }
    return current;
}

/** A list at a path (absent = empty), or `Unknown`. Anything that is not a list counts as empty. */
export function list(value: unknown): unknown[] | Unknown {
    if (isUnknown(value)) return value;
    return Array.isArray(value) ? value : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}

/** The first unknown anywhere inside a value, if any. */
export function firstUnknown(value: unknown): Unknown | undefined {
    if (isUnknown(value)) return value;
    if (value === null || typeof value !== "object") return undefined;
    for (const v of Object.values(value)) {
        const found = firstUnknown(v);
        if (found) return found;
    }
    return undefined;
}
