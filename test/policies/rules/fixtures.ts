import * as assert from "assert";
import { policies } from "../../../policies/policies";
import { types } from "../../../policies/lib/resources";
import { Analysis, Engine, EngineResource, PolicyPackConfigFile } from "../engine";

/**
 * Hand-built stacks for the per-rule tests: each test writes the few resources a rule looks at,
 * named the way someone else would name them, and runs the one policy as the engine does.
 */
export { types };
export { unknownValue } from "../engine";

/** The named policy alone, with an optional `--policy-pack-config`. */
export function only(name: string, config: PolicyPackConfigFile = {}): Engine {
    const selected = policies.filter((p) => p.name === name);
    if (selected.length !== 1) throw new Error(`no policy named ${name}`);
    return new Engine(selected, config);
}

let serial = 0;

/** One resource with a fresh name and URN; `extra` sets parent, provider and dependencies. */
export function resource(
    type: string,
    props: Record<string, unknown>,
    extra: Partial<EngineResource> = {},
): EngineResource {
    const name = extra.name ?? `r${++serial}`;
    return { type, name, urn: `urn:pulumi:test::gks-cluster::${type}::${name}`, props, ...extra };
}

export interface WorkloadOptions {
    readonly namespace?: string;
    readonly name?: string;
    readonly replicas?: unknown;
    /** More of the pod spec: volumes, initContainers, hostNetwork, ... */
    readonly pod?: Record<string, unknown>;
    /** More of the pod template's metadata: labels, annotations. */
    readonly template?: Record<string, unknown>;
}

/** A workload of any kind with these containers, its pod spec where that kind keeps it. */
export function workload(
    kind: string,
    containers: readonly Record<string, unknown>[],
    options: WorkloadOptions = {},
): EngineResource {
    const name = options.name ?? `w${++serial}`;
    const metadata = { name, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) };
    const podSpec = { containers, ...options.pod };
    const template = { ...(options.template ? { metadata: options.template } : {}), spec: podSpec };
    const replicas = options.replicas === undefined ? {} : { replicas: options.replicas };
    const spec: Record<string, unknown> =
        kind === types.pod
            ? podSpec
            : kind === types.cronJob
              ? { jobTemplate: { spec: { template } } }
              : { ...replicas, template };
    return resource(kind, { metadata, spec }, { name });
}

/** A Deployment (the kind most rules see first). */
export const deployment = (containers: readonly Record<string, unknown>[], options: WorkloadOptions = {}) =>
    workload(types.deployment, containers, options);

/** The messages a policy reported, without the description the engine puts before each. */
export function messages(analysis: Analysis): string[] {
    return analysis.diagnostics.map((d) => d.message.slice(d.message.indexOf("\n") + 1));
}

/** The URNs the violations were reported on (undefined: the stack as a whole). */
export const urns = (analysis: Analysis): (string | undefined)[] => analysis.diagnostics.map((d) => d.urn);

/** The reasons the policy gave for being not applicable. */
export const notApplicable = (analysis: Analysis): (string | undefined)[] =>
    analysis.notApplicable.map((n) => n.reason);

/** The enforcement level of each diagnostic: "advisory" for a verdict that waits on an unknown value. */
export const levels = (analysis: Analysis): string[] => analysis.diagnostics.map((d) => d.enforcementLevel);

/** The verdict waits for a value the preview does not know: one advisory "can't run ... during preview". */
export function assertWaits(analysis: Analysis, what?: string): void {
    assert.deepStrictEqual(levels(analysis), ["advisory"], what);
    assert.match(messages(analysis)[0], /during preview/, what);
}
