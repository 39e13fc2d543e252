/**
 * The part of the Reflect metadata API that tsyringe (a dependency of @peculiar/x509) calls:
 * defineMetadata, getOwnMetadata, getMetadata. @peculiar/x509 asks its users for a polyfill
 * (its README, "Reflect Polyfill Required"); none is installed, so the harness brings this one.
 * Import it before @peculiar/x509.
 */
type Target = object;
type Key = string | symbol | undefined;

const store = new WeakMap<Target, Map<Key, Map<unknown, unknown>>>();

function own(target: Target, property: Key, create: boolean): Map<unknown, unknown> | undefined {
    let byProperty = store.get(target);
    if (!byProperty && create) store.set(target, (byProperty = new Map()));
    let entries = byProperty?.get(property);
    if (!entries && create && byProperty) byProperty.set(property, (entries = new Map()));
    return entries;
}

interface ReflectMetadata {
    defineMetadata(key: unknown, value: unknown, target: Target, property?: Key): void;
    getOwnMetadata(key: unknown, target: Target, property?: Key): unknown;
    getMetadata(key: unknown, target: Target, property?: Key): unknown;
}

const reflect = Reflect as unknown as Partial<ReflectMetadata>;
if (typeof reflect.getMetadata !== "function") {
    reflect.defineMetadata = (key, value, target, property) => {
        own(target, property, true)?.set(key, value);
    };
    reflect.getOwnMetadata = (key, target, property) => own(target, property, false)?.get(key);
    reflect.getMetadata = (key, target, property) => {
        for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t)) {
            const entries = own(t, property, false);
            if (entries?.has(key)) return entries.get(key);
        }
        return undefined;
    };
}

export {};
