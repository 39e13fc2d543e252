import { ProviderMock } from "./types";

const stackReference = "pulumi:pulumi:StackReference";

/**
 * StackReferences as the engine reads them: the referenced stack's outputs. `outputs` maps a
 * stack name (as the reference names it, e.g. "organization/gks-cluster/dev") to its outputs;
 * a stack not in the map has none, like a new stack.
 */
export function stackReferenceMock(outputs: Record<string, Record<string, unknown>> = {}): ProviderMock {
    return {
        prefix: stackReference,
        resources: {
            [stackReference]: (args) => {
                const name = String(args.inputs.name);
                return { id: name, state: { name, outputs: outputs[name] ?? {}, secretOutputNames: [] } };
            },
        },
        calls: {},
    };
}
