import { Settings } from "./settings";

/**
 * The settings objects that validation made. A WeakSet, not a flag on the object: a spread copy
 * (`{ ...settings, clusterName: "b" }`) is a new object and so is not in it, which is the point.
 */
const validated = new WeakSet<Settings>();

/** Freezes plain objects and lists all the way down (Outputs and Promises are left as they are). */
function deepFreeze<T>(value: T): T {
    if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== Array.prototype) return value;
    for (const child of Object.values(value)) deepFreeze(child);
    return Object.freeze(value);
}

/** Marks settings as validated, frozen so that they cannot be changed afterwards. */
export function markValidated(settings: Settings): Settings {
    const frozen = deepFreeze(settings);
    validated.add(frozen);
    return frozen;
}

export function isValidated(settings: Settings): boolean {
    return validated.has(settings);
}

/** Throws, naming the fix, unless the settings came from `parseSettings`, `loadSettings` or `withRunningState`. */
export function requireValidated(settings: Settings, where: string): void {
    if (!isValidated(settings)) {
        throw new Error(
            `${where}: settings must come from parseSettings({...}) (a plain object) or loadSettings() (stack config), ` +
                "which validate them and derive the seed namespace and names; a hand-built or copied Settings object is refused. " +
                "To change a field, change the input and validate again.",
        );
    }
}
