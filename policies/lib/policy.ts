import { EnforcementLevel, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PackConfig, configSchema, readConfig } from "./config";
import { Unknown } from "./known";
import { fromPolicyResource, plainProps, Resource } from "./resources";

/**
 * The thin shell between CrossGuard and the rules. A rule is a plain function of resources
 * (plain data, unknowns explicit) that reports violations, and the unknown values its verdict
 * depends on. After a rule has run, the first such unknown is rethrown as the proxy's own
 * `UnknownValueError`: the engine then adds its advisory "can't run policy ... during preview"
 * (naming the property) to whatever violations were already reported.
 */
export interface Report {
    violation(message: string, urn?: string): void;
    /** The verdict on something depends on a value that is not known yet. */
    unknown(value: Unknown): void;
    /** The stack has nothing the policy checks (reported to the engine when nothing else was). */
    notApplicable(reason: string): void;
}

interface RuleMeta<K extends keyof PackConfig> {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** What to change when the policy is violated (shown by Pulumi Cloud). */
    readonly remediationSteps: string;
    /** The pack config keys the rule reads. */
    readonly config: readonly K[];
}

export interface ResourceRule<K extends keyof PackConfig> extends RuleMeta<K> {
    readonly types: readonly string[];
    check(resource: Resource, config: Pick<PackConfig, K>, report: Report): void;
}

export interface StackRule<K extends keyof PackConfig> extends RuleMeta<K> {
    check(resources: readonly Resource[], config: Pick<PackConfig, K>, report: Report): void;
}

function runRule(
    check: (report: Report) => void,
    reportViolation: ReportViolation,
    notApplicable: (reason?: string) => never,
): void {
    let firstUnknown: Unknown | undefined;
    let violated = false;
    let reason: string | undefined;
    check({
        violation: (message, urn) => {
            violated = true;
            reportViolation(message, urn);
        },
        unknown: (value) => {
            firstUnknown ??= value;
        },
        notApplicable: (why) => {
            reason ??= why;
        },
    });
    if (firstUnknown !== undefined) throw firstUnknown.error;
    if (reason !== undefined && !violated) notApplicable(reason);
}

function metadata<K extends keyof PackConfig>(rule: RuleMeta<K>) {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        remediationSteps: rule.remediationSteps,
        ...(rule.config.length > 0 ? { configSchema: configSchema(...rule.config) } : {}),
    };
}

export function resourcePolicy<K extends keyof PackConfig>(rule: ResourceRule<K>): ResourceValidationPolicy {
    const validateResource: ResourceValidationPolicy["validateResource"] = (args, reportViolation) => {
        if (!rule.types.includes(args.type)) args.notApplicable(`applies to ${rule.types.join(", ")}`);
        const resource: Resource = {
            type: args.type,
            name: args.name,
            urn: args.urn,
            props: plainProps(args.props),
            provider: args.provider
                ? { type: args.provider.type, urn: args.provider.urn, props: plainProps(args.provider.props) }
                : undefined,
            dependencies: [],
            propertyDependencies: {},
        };
        const config = readConfig(args.getConfig<Partial<PackConfig>>(), [...rule.config]);
        runRule((report) => rule.check(resource, config, report), reportViolation, args.notApplicable);
    };
    // The analyzer server skips a policy without calling it when this type does not match.
    if (rule.types.length === 1) Object.assign(validateResource, { __pulumiType: rule.types[0] });
    return { ...metadata(rule), validateResource };
}

export function stackPolicy<K extends keyof PackConfig>(rule: StackRule<K>): StackValidationPolicy {
    return {
        ...metadata(rule),
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map(fromPolicyResource);
            const config = readConfig(args.getConfig<Partial<PackConfig>>(), [...rule.config]);
            runRule((report) => rule.check(resources, config, report), reportViolation, args.notApplicable);
        },
    };
}
