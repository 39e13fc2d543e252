import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Analysis, EngineResource, PolicyPackConfigFile, reconcileConfig } from "./engine";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/**
 * The engine's side of the analyzer protocol (pulumi/proto/analyzer.proto): the requests the
 * CLI sends to a policy pack, and its responses read back as an `Analysis`.
 */
export const levels = ["advisory", "mandatory", "disabled", "remediate"] as const;

function options(r: EngineResource): analyzerPb.AnalyzerResourceOptions {
    const o = new analyzerPb.AnalyzerResourceOptions();
    if (r.parent) o.setParent(r.parent);
    return o;
}

function providerOf(
    r: EngineResource,
    stack: readonly EngineResource[],
): analyzerPb.AnalyzerProviderResource | undefined {
    const p = stack.find((x) => x.urn === r.provider);
    if (!p) return undefined;
    return new analyzerPb.AnalyzerProviderResource()
        .setType(p.type)
        .setName(p.name)
        .setUrn(p.urn)
        .setProperties(Struct.fromJavaScript(p.props as never));
}

/** The fields AnalyzeRequest and AnalyzerResource share, filled alike. */
interface ResourceMessage<T> {
    setType(v: string): T;
    setName(v: string): T;
    setUrn(v: string): T;
    setProperties(v: Struct): T;
    setOptions(v: analyzerPb.AnalyzerResourceOptions): T;
    setProvider(v: analyzerPb.AnalyzerProviderResource): T;
}

function filled<T extends ResourceMessage<T>>(message: T, r: EngineResource, stack: readonly EngineResource[]): T {
    message.setType(r.type).setName(r.name).setUrn(r.urn);
    message.setProperties(Struct.fromJavaScript(r.props as never)).setOptions(options(r));
    const provider = providerOf(r, stack);
    if (provider) message.setProvider(provider);
    return message;
}

export function analyzeRequest(r: EngineResource, stack: readonly EngineResource[]): analyzerPb.AnalyzeRequest {
    return filled(new analyzerPb.AnalyzeRequest(), r, stack);
}

export function analyzeStackRequest(resources: readonly EngineResource[]): analyzerPb.AnalyzeStackRequest {
    const request = new analyzerPb.AnalyzeStackRequest();
    for (const r of resources) {
        const resource = filled(new analyzerPb.AnalyzerResource(), r, resources)
            .setParent(r.parent ?? "")
            .setDependenciesList([...(r.dependencies ?? [])]);
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            resource
                .getPropertydependenciesMap()
                .set(key, new analyzerPb.AnalyzerPropertyDependencies().setUrnsList([...urns]));
        }
        request.addResources(resource);
    }
    return request;
}

/** The Configure request the CLI sends after reconciling the pack's config. */
export function configureRequest(
    policies: readonly (ResourceValidationPolicy | StackValidationPolicy)[],
    given: PolicyPackConfigFile,
): analyzerPb.ConfigureAnalyzerRequest {
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, properties }] of reconcileConfig(policies, given)) {
        request
            .getPolicyconfigMap()
            .set(
                name,
                new analyzerPb.PolicyConfig()
                    .setEnforcementlevel(levels.indexOf(enforcementLevel) as analyzerPb.EnforcementLevel)
                    .setProperties(Struct.fromJavaScript(properties as never)),
            );
    }
    return request;
}

export function asAnalysis(response: analyzerPb.AnalyzeResponse): Analysis {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            message: d.getMessage(),
            urn: d.getUrn() || undefined,
            enforcementLevel: levels[d.getEnforcementlevel()],
        })),
        notApplicable: response
            .getNotApplicableList()
            .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() || undefined })),
    };
}

/** The server leaves a resource policy's URN to the engine (which knows which resource it analyzed). */
export const withoutUrn = (a: Analysis): Analysis => ({
    ...a,
    diagnostics: a.diagnostics.map((d) => ({ ...d, urn: undefined })),
});
