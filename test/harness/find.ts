import { RecordedResource } from "./recorder";

/** Resources of a type token, e.g. "openstack:networking/router:Router". */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The one resource of a type and name; fails with the names it has when there is none. */
export function one(resources: readonly RecordedResource[], type: string, name?: string): RecordedResource {
    const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
        const have = ofType(resources, type).map((r) => r.name);
        throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (have: ${have.join(", ") || "none"})`,
        );
    }
    return found[0];
}

export function byUrn(resources: readonly RecordedResource[], urn: string): RecordedResource | undefined {
    return resources.find((r) => r.urn === urn);
}

/** Every resource whose parent chain reaches `ancestor`. */
export function descendantsOf(resources: readonly RecordedResource[], ancestor: RecordedResource): RecordedResource[] {
    const isBelow = (r: RecordedResource): boolean => {
        const parent = byUrn(resources, r.parent);
        return parent !== undefined && (parent.urn === ancestor.urn || isBelow(parent));
    };
    return resources.filter(isBelow);
}

/** A value at a dotted path ("spec.template.spec.containers[0].args"). */
export function at(value: unknown, path: string): unknown {
    return path
        .split(/\.|\[(\d+)\]/)
        .filter((p) => p !== undefined && p !== "")
        .reduce<unknown>(
            (v, part) => (v === null || typeof v !== "object" ? undefined : (v as Record<string, unknown>)[part]),
            value,
        );
}
