import { Unknown } from "../../../policies/lib/known";
import { Resource } from "../../../policies/lib/resources";

/** Values as the rules see them (after the pack has read the engine's proxy), for the lib's unit tests. */
export const unknown = (what: string): Unknown => new Unknown(new Error(what));

export const plainResource = (type: string, props: Record<string, unknown>, name: string): Resource => ({
    type,
    name,
    urn: `urn:${type}:${name}`,
    props,
    dependencies: [],
    propertyDependencies: {},
});
