import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const projectName = "gks-cluster";

/** Stack configuration as the engine hands it to a program: `project:key` -> text. */
export interface StackConfig {
    /** Values by full key; objects and lists as JSON text. */
    readonly values: Record<string, string>;
    /** Full keys whose values are secrets. */
    readonly secretKeys: string[];
    /** Full keys that the stack file holds only encrypted (`secure:`), so no plain value is known. */
    readonly encryptedKeys: string[];
}

function asConfigText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): value is { secure: string } {
    return typeof value === "object" && value !== null && "secure" in value && Object.keys(value).length === 1;
}

/** The defaults Pulumi.yaml declares, which the engine applies to keys a stack does not set. */
export function projectDefaults(): Record<string, string> {
    const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, { default?: unknown }>;
    };
    const defaults: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl && decl.default !== undefined) {
            defaults[key.includes(":") ? key : `${projectName}:${key}`] = asConfigText(decl.default);
        }
    }
    return defaults;
}

/** Reads Pulumi.<stack>.yaml (with Pulumi.yaml's defaults beneath it) the way the engine would. */
export function readStackConfig(stack: string): StackConfig {
    const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const values: Record<string, string> = { ...projectDefaults() };
    const secretKeys: string[] = [];
    const encryptedKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
        if (isSecure(value)) {
            encryptedKeys.push(fullKey);
            secretKeys.push(fullKey);
            continue;
        }
        values[fullKey] = asConfigText(value);
    }
    return { values, secretKeys, encryptedKeys };
}

/** A copy of a config with some keys set (objects as JSON) or, for `undefined`, removed. */
export function withConfig(base: StackConfig, changes: Record<string, unknown>): StackConfig {
    const values = { ...base.values };
    for (const [key, value] of Object.entries(changes)) {
        const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
        if (value === undefined) delete values[fullKey];
        else values[fullKey] = asConfigText(value);
    }
    return { ...base, values };
}
