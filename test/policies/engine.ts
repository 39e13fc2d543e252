import * as policySdk from "@pulumi/policy";
import {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as deserializeModule from "@pulumi/policy/deserialize";
import * as proxyModule from "@pulumi/policy/proxy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { RecordedResource } from "../harness";

/**
 * What `pulumi preview --policy-pack` does with a policy pack, without the CLI: the argument
 * objects are built exactly as @pulumi/policy's analyzer server builds them from the engine's
 * gRPC requests (server.js makeAnalyzeRpcFun / makeAnalyzeStackRpcFun): properties travel as a
 * protobuf Struct, are deserialized by the package's own `deserializeProperties` (secrets
 * unwrapped) and wrapped in its `unknownCheckingProxy`; enforcement levels and `getConfig` follow
 * the CLI's config reconciliation (schema defaults, then "all", then per policy); violations
 * become diagnostics "<description>\n<message>"; an `UnknownValueError` becomes the advisory
 * "can't run policy ... during preview"; `notApplicable` is collected.
 */

type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** The wire sentinel the engine sends for a value not known during a preview (plugin.UnknownStringValue). */
export const unknownValue = (proxyModule as unknown as { unknownStringValue: string }).unknownStringValue;

const sdk = policySdk as unknown as {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: never[]) => Error;
};
const { deserializeProperties } = deserializeModule as unknown as {
    deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
};

/** One resource as the engine knows it; `props` in wire form (unknown sentinels, secret wrappers). */
export interface EngineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly parent?: string;
    readonly provider?: string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Diagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly urn?: string;
    readonly enforcementLevel: EnforcementLevel;
}

export interface Analysis {
    readonly diagnostics: Diagnostic[];
    readonly notApplicable: { policyName: string; reason?: string }[];
}

/** `--policy-pack-config` file contents: per policy (or "all") a level, or an object with level and properties. */
export type PolicyPackConfigFile = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

interface Configured {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

export const packEnforcementLevel: EnforcementLevel = "advisory";
const packLabel = "'gks-cluster-guardrails@v0.1.0'";

/** The CLI's ReconcilePolicyPackConfig: schema defaults, then "all", then each policy's entry. */
export function reconcileConfig(
    policies: readonly Policy[],
    given: PolicyPackConfigFile = {},
): Map<string, Configured> {
    const asEntry = (v: PolicyPackConfigFile[string] | undefined) =>
        typeof v === "string" ? { enforcementLevel: v } : (v ?? {});
    const all = asEntry(given.all).enforcementLevel;
    const result = new Map<string, Configured>();
    for (const p of policies) {
        const defaults = Object.fromEntries(
            Object.entries((p.configSchema as PolicyConfigSchema | undefined)?.properties ?? {})
                .filter(([, schema]) => typeof schema === "object" && schema.default !== undefined)
                .map(([key, schema]) => [key, (schema as { default: unknown }).default]),
        );
        const { enforcementLevel, ...properties } = asEntry(given[p.name]);
        result.set(p.name, {
            enforcementLevel: enforcementLevel ?? all ?? p.enforcementLevel ?? packEnforcementLevel,
            properties: { ...defaults, ...properties },
        });
    }
    return result;
}

class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

/**
 * The engine sends each resource's properties as one Struct per request; the server deserializes
 * it and wraps it in the unknown-checking proxy for every policy. Policies only read their
 * arguments, so one call (Analyze, AnalyzeStack, or a preview's requests) deserializes each
 * resource once and hands every policy its own proxy of that value; tests edit properties in
 * place between calls, never during one.
 */
type Deserialized = Map<Record<string, unknown>, Record<string, unknown>>;

function proxied(props: Record<string, unknown>, memo: Deserialized): Record<string, unknown> {
    let value = memo.get(props);
    if (value === undefined) {
        value = deserializeProperties(Struct.fromJavaScript(props as never), false);
        memo.set(props, value);
    }
    return sdk.unknownCheckingProxy(value);
}

function options(r: EngineResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

function providerOf(r: EngineResource, stack: readonly EngineResource[], memo: Deserialized) {
    const provider = r.provider ? stack.find((p) => p.urn === r.provider) : undefined;
    return provider
        ? { type: provider.type, props: proxied(provider.props, memo), urn: provider.urn, name: provider.name }
        : undefined;
}

const isType = (type: string) => (resourceClass: { __pulumiType?: string }) => resourceClass.__pulumiType === type;

/** What the server builds alike for Analyze and AnalyzeStack: type, proxied props, urn, name, opts, provider. */
function described(r: EngineResource, stack: readonly EngineResource[], memo: Deserialized) {
    const provider = providerOf(r, stack, memo);
    return {
        type: r.type,
        props: proxied(r.props, memo),
        urn: r.urn,
        name: r.name,
        opts: options(r),
        isType: isType(r.type) as PolicyResource["isType"],
        asType: (() => undefined) as PolicyResource["asType"],
        ...(provider ? { provider } : {}),
    };
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

export class Engine {
    private readonly config: Map<string, Configured>;

    constructor(
        readonly policies: readonly Policy[],
        config: PolicyPackConfigFile = {},
    ) {
        this.config = reconcileConfig(policies, config);
    }

    private level(p: Policy): EnforcementLevel {
        const level = this.config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? packEnforcementLevel;
        return level === "remediate" ? "mandatory" : level;
    }

    private run(
        p: Policy,
        out: Analysis,
        validate: (getConfig: () => object, report: (message: string, urn?: string) => void) => unknown,
        urn?: string,
    ): void {
        const level = this.level(p);
        const report = (message: string, at?: string) =>
            out.diagnostics.push({
                policyName: p.name,
                message: message ? `${p.description}\n${message}` : p.description,
                urn: at ?? urn,
                enforcementLevel: level,
            });
        try {
            validate(() => ({ ...this.config.get(p.name)?.properties }), report);
        } catch (e) {
            if (e instanceof sdk.UnknownValueError) {
                out.diagnostics.push({
                    policyName: p.name,
                    message: `can't run policy '${p.name}' from policy pack ${packLabel} during preview: ${e.message}`,
                    urn,
                    enforcementLevel: "advisory",
                });
            } else if (e instanceof NotApplicable) {
                out.notApplicable.push({ policyName: p.name, reason: e.reason });
            } else {
                throw e;
            }
        }
    }

    /** The Analyze call for one resource (with the stack around it, for its provider). */
    analyze(
        resource: EngineResource,
        stack: readonly EngineResource[] = [resource],
        memo: Deserialized = new Map(),
    ): Analysis {
        const out: Analysis = { diagnostics: [], notApplicable: [] };
        for (const p of this.policies) {
            if (this.level(p) === "disabled" || !("validateResource" in p) || !p.validateResource) continue;
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            const only = (validations[0] as { __pulumiType?: string }).__pulumiType;
            if (validations.length === 1 && only && only !== resource.type) {
                out.notApplicable.push({
                    policyName: p.name,
                    reason: `Policy only applies to resources of type '${only}'`,
                });
                continue;
            }
            for (const validation of validations) {
                this.run(
                    p,
                    out,
                    (getConfig, report) => {
                        const args: ResourceValidationArgs = {
                            ...described(resource, stack, memo),
                            asType: (() => undefined) as ResourceValidationArgs["asType"],
                            stackTags: new Map(),
                            getConfig: getConfig as ResourceValidationArgs["getConfig"],
                            notApplicable: throwNotApplicable,
                        };
                        return validation(args, report);
                    },
                    resource.urn,
                );
            }
        }
        return out;
    }

    /** The AnalyzeStack call: every resource, with parents, dependencies and providers linked. */
    analyzeStack(resources: readonly EngineResource[], memo: Deserialized = new Map()): Analysis {
        const out: Analysis = { diagnostics: [], notApplicable: [] };
        for (const p of this.policies) {
            if (this.level(p) === "disabled" || !("validateStack" in p)) continue;
            this.run(p, out, (getConfig, report) => {
                const byUrn = new Map<string, PolicyResource>();
                const built = resources.map((r) => {
                    const resource: PolicyResource = {
                        ...described(r, resources, memo),
                        dependencies: [],
                        propertyDependencies: {},
                    };
                    byUrn.set(r.urn, resource);
                    return resource;
                });
                resources.forEach((r, i) => {
                    const resource = built[i];
                    const parent = r.parent ? byUrn.get(r.parent) : undefined;
                    if (parent) resource.parent = parent;
                    const known = (urns: readonly string[]) =>
                        urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
                    resource.dependencies = known(r.dependencies ?? []);
                    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                        resource.propertyDependencies[key] = known(urns);
                    }
                });
                return p.validateStack(
                    {
                        resources: built,
                        getConfig: getConfig as ResourceValidationArgs["getConfig"],
                        stackTags: new Map(),
                        notApplicable: throwNotApplicable,
                    },
                    report,
                );
            });
        }
        return out;
    }

    /** A preview: Analyze for every resource, then AnalyzeStack. */
    preview(resources: readonly EngineResource[]): Analysis {
        const memo: Deserialized = new Map();
        const each = resources.map((r) => this.analyze(r, resources, memo));
        const stack = this.analyzeStack(resources, memo);
        return {
            diagnostics: [...each.flatMap((a) => a.diagnostics), ...stack.diagnostics],
            notApplicable: [...each.flatMap((a) => a.notApplicable), ...stack.notApplicable],
        };
    }
}

export const mandatory = (a: Analysis) => a.diagnostics.filter((d) => d.enforcementLevel === "mandatory");
export const violated = (a: Analysis) => [...new Set(a.diagnostics.map((d) => d.policyName))].sort();

/** The dev stack as the engine would see it: props = inputs (secrets still wrapped), parents, providers, dependencies. */
export function fromRecorded(resources: readonly RecordedResource[]): EngineResource[] {
    const urns = new Set(resources.map((r) => r.urn));
    return resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.wireInputs,
        parent: r.parent || undefined,
        provider: r.provider && urns.has(r.provider) ? r.provider : undefined,
        dependencies: r.dependencies ?? [],
        propertyDependencies: r.propertyDependencies ?? {},
    }));
}

/**
 * The same resources as the first preview of a new stack shows them: nothing exists yet, so
 * every id, and every output a provider computes, is unknown. Each input string that carries
 * the id or a computed output of a resource it depends on becomes the unknown sentinel.
 */
export function asFirstPreview(
    resources: readonly EngineResource[],
    recorded: readonly RecordedResource[],
): EngineResource[] {
    const computed = new Map<string, string[]>();
    for (const r of recorded) {
        const values = [
            r.id,
            ...Object.entries(r.outputs)
                .filter(([k, v]) => typeof v === "string" && r.inputs[k] !== v)
                .map(([, v]) => v as string),
        ];
        computed.set(
            r.urn,
            values.filter((v) => v.length >= 6),
        );
    }
    const blank = (value: unknown, from: string[]): unknown => {
        if (typeof value === "string") return from.some((c) => value.includes(c)) ? unknownValue : value;
        if (Array.isArray(value)) return value.map((v) => blank(v, from));
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blank(v, from)]));
        }
        return value;
    };
    return resources.map((r) => ({
        ...r,
        props: Object.fromEntries(
            Object.entries(r.props).map(([key, value]) => {
                const from = (r.propertyDependencies?.[key] ?? []).flatMap((u) => computed.get(u) ?? []);
                return [key, from.length > 0 ? blank(value, from) : value];
            }),
        ),
    }));
}
