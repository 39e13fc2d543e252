import * as path from "path";
import { readYaml } from "./yamlFiles";
import { Project, rootProject } from "./projects";

export { projectName, projectRoot } from "./projects";

/** Stack configuration as the engine hands it to a program: `project:key` -> text. */
export interface StackConfig {
    /** The project whose stack this is; the root project (the cluster stack) when absent. */
    readonly project?: Project;
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

interface ConfigDeclaration {
    default?: unknown;
    secret?: boolean;
}

function declarations(project: Project): Record<string, ConfigDeclaration> {
    const doc = readYaml(path.join(project.root, "Pulumi.yaml")) as {
        config?: Record<string, ConfigDeclaration>;
    };
    return Object.fromEntries(
        Object.entries(doc.config ?? {}).map(([key, decl]) => [
            key.includes(":") ? key : `${project.name}:${key}`,
            decl,
        ]),
    );
}

/** The defaults Pulumi.yaml declares, which the engine applies to keys a stack does not set. */
export function projectDefaults(project: Project = rootProject): Record<string, string> {
    const defaults: Record<string, string> = {};
    for (const [key, decl] of Object.entries(declarations(project))) {
        if (decl && typeof decl === "object" && "default" in decl && decl.default !== undefined) {
            defaults[key] = asConfigText(decl.default);
        }
    }
    return defaults;
}

/** The full keys Pulumi.yaml declares `secret: true`. */
export function declaredSecretKeys(project: Project = rootProject): string[] {
    return Object.entries(declarations(project))
        .filter(([, decl]) => decl?.secret === true)
        .map(([key]) => key);
}

/** Reads Pulumi.<stack>.yaml (with Pulumi.yaml's defaults beneath it) the way the engine would. */
export function readStackConfig(stack: string, project: Project = rootProject): StackConfig {
    const file = path.join(project.root, `Pulumi.${stack}.yaml`);
    const doc = (readYaml(file) ?? {}) as { config?: Record<string, unknown> };
    const values: Record<string, string> = { ...projectDefaults(project) };
    const secretKeys: string[] = [];
    const encryptedKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        if (isSecure(value)) {
            encryptedKeys.push(fullKey);
            secretKeys.push(fullKey);
            continue;
        }
        values[fullKey] = asConfigText(value);
    }
    return { project, values, secretKeys, encryptedKeys };
}

/** A copy of a config with some keys set (objects as JSON) or, for `undefined`, removed. */
export function withConfig(base: StackConfig, changes: Record<string, unknown>): StackConfig {
    const values = { ...base.values };
    for (const [key, value] of Object.entries(changes)) {
        const fullKey = key.includes(":") ? key : `${(base.project ?? rootProject).name}:${key}`;
        if (value === undefined) delete values[fullKey];
        else values[fullKey] = asConfigText(value);
    }
    return { ...base, values };
}
