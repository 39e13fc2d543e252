import * as assert from "assert";
import { configSchema, defaults, PackConfig, readConfig } from "../../../policies/lib/config";
import { Unknown } from "../../../policies/lib/known";
import { Report, resourcePolicy, stackPolicy } from "../../../policies/lib/policy";
import { Resource } from "../../../policies/lib/resources";
import { Engine, EngineResource, unknownValue } from "../engine";
import { levels, messages, notApplicable, resource } from "../rules/fixtures";

/**
 * The shell between CrossGuard and the rules (policies/lib/policy.ts) and the pack's config
 * (policies/lib/config.ts): what a rule is given, and how its reports reach the engine.
 */
describe("rules as policies (policies/lib/policy.ts, config.ts)", () => {
    const meta = {
        name: "probe",
        description: "A rule that reports what it is told to.",
        enforcementLevel: "mandatory" as const,
        remediationSteps: "Nothing to do.",
    };
    type Script = (report: Report, seen: readonly Resource[]) => void;
    /** A stack rule that records what it saw and runs `script` on its report. */
    function stackProbe(script: Script, config: (keyof PackConfig)[] = []) {
        const seen: { resources: readonly Resource[]; config: unknown }[] = [];
        const policy = stackPolicy({
            ...meta,
            config,
            check: (resources, given, report) => {
                seen.push({ resources, config: given });
                script(report, resources);
            },
        });
        return { policy, seen };
    }
    function resourceProbe(types: string[], script: Script = () => undefined, config: (keyof PackConfig)[] = []) {
        const seen: { resource: Resource; config: unknown }[] = [];
        const policy = resourcePolicy({
            ...meta,
            types,
            config,
            check: (r, given, report) => {
                seen.push({ resource: r, config: given });
                script(report, [r]);
            },
        });
        return { policy, seen };
    }
    /** The Unknown a rule sees for an unknown property. */
    const unknownOf = (r: Resource, key: string) => r.props[key] as Unknown;

    it("passes the rule's metadata to CrossGuard, with a config schema only for the keys it reads", () => {
        const { policy } = stackProbe(() => undefined);
        assert.deepStrictEqual(
            [policy.name, policy.description, policy.enforcementLevel, policy.remediationSteps, policy.configSchema],
            [meta.name, meta.description, "mandatory", meta.remediationSteps, undefined],
        );
        const configured = stackProbe(() => undefined, ["minReplicas", "tunnelPort"]).policy;
        assert.deepStrictEqual(configured.configSchema, configSchema("minReplicas", "tunnelPort"));
        assert.deepStrictEqual(Object.keys(configured.configSchema?.properties ?? {}), ["minReplicas", "tunnelPort"]);
    });

    describe("reports", () => {
        const stack = [resource("t:a", { x: 1 })];
        const run = (script: Script) => new Engine([stackProbe(script).policy]).analyzeStack(stack);

        it("reports violations, each on its URN or on the stack", () => {
            const analysis = run((report) => {
                report.violation("first", "urn:a");
                report.violation("second");
            });
            assert.deepStrictEqual(messages(analysis), ["first", "second"]);
            assert.deepStrictEqual(
                analysis.diagnostics.map((d) => d.urn),
                ["urn:a", undefined],
            );
        });

        it("is not applicable, with the first reason, only when it reported no violation", () => {
            const reasons = run((report) => {
                report.notApplicable("first reason");
                report.notApplicable("second reason");
            });
            assert.deepStrictEqual(notApplicable(reasons), ["first reason"]);
            assert.deepStrictEqual(reasons.diagnostics, []);
            const violated = run((report) => {
                report.notApplicable("some reason");
                report.violation("but this");
            });
            assert.deepStrictEqual(notApplicable(violated), []);
            assert.deepStrictEqual(messages(violated), ["but this"]);
            assert.deepStrictEqual(notApplicable(run(() => undefined)), []);
        });

        it("waits for the first unknown, after the violations it has", () => {
            const pending = new Engine([
                stackProbe((report, [r]) => {
                    report.unknown(unknownOf(r, "first"));
                    report.violation("known");
                    report.unknown(unknownOf(r, "second"));
                    report.notApplicable("not this");
                }).policy,
            ]).analyzeStack([resource("t:a", { first: unknownValue, second: unknownValue })]);
            assert.deepStrictEqual(levels(pending), ["mandatory", "advisory"]);
            assert.match(pending.diagnostics[1].message, /value at \.first can't be known during preview/);
            assert.deepStrictEqual(notApplicable(pending), []);
        });
    });

    describe("resource policies", () => {
        it("give the rule the resource as plain data, with its provider", () => {
            const provider = resource("pulumi:providers:kubernetes", { namespace: "cp" });
            const r = resource("t:a", { spec: { n: 1 } }, { provider: provider.urn });
            const { policy, seen } = resourceProbe(["t:a"]);
            new Engine([policy]).analyze(r, [r, provider]);
            assert.deepStrictEqual(seen[0].resource, {
                type: "t:a",
                name: r.name,
                urn: r.urn,
                props: { spec: { n: 1 } },
                provider: { type: provider.type, urn: provider.urn, props: { namespace: "cp" } },
                dependencies: [],
                propertyDependencies: {},
            });
            const bare = resource("t:a", {});
            new Engine([policy]).analyze(bare);
            assert.strictEqual(seen[1].resource.provider, undefined);
        });

        it("apply to their types only: the engine skips one type itself, the rule says which of several", () => {
            const one = resourceProbe(["t:a"]);
            assert.strictEqual((one.policy.validateResource as { __pulumiType?: string }).__pulumiType, "t:a");
            const several = resourceProbe(["t:a", "t:b"]);
            assert.strictEqual((several.policy.validateResource as { __pulumiType?: string }).__pulumiType, undefined);
            const engine = new Engine([several.policy]);
            assert.deepStrictEqual(notApplicable(engine.analyze(resource("t:c", {}))), ["applies to t:a, t:b"]);
            assert.deepStrictEqual(several.seen, []);
            assert.deepStrictEqual(notApplicable(engine.analyze(resource("t:b", {}))), []);
            assert.strictEqual(several.seen.length, 1);
        });

        it("report through the same shell", () => {
            const { policy } = resourceProbe(["t:a"], (report) => report.violation("bad"));
            const r: EngineResource = resource("t:a", {});
            const analysis = new Engine([policy]).analyze(r);
            assert.deepStrictEqual(messages(analysis), ["bad"]);
            assert.deepStrictEqual(
                analysis.diagnostics.map((d) => d.urn),
                [r.urn],
            );
        });
    });

    describe("config", () => {
        it("gives each rule its keys, the configured value over the program's default", () => {
            const stackRule = stackProbe(() => undefined, ["minReplicas", "allowedPorts"]);
            new Engine([stackRule.policy]).analyzeStack([]);
            new Engine([stackRule.policy], { probe: { minReplicas: 3 } }).analyzeStack([]);
            assert.deepStrictEqual(
                stackRule.seen.map((s) => s.config),
                [
                    { minReplicas: 2, allowedPorts: [22] },
                    { minReplicas: 3, allowedPorts: [22] },
                ],
            );
            const resourceRule = resourceProbe(["t:a"], () => undefined, ["tunnelPort"]);
            new Engine([resourceRule.policy], { probe: { tunnelPort: 9132 } }).analyze(resource("t:a", {}));
            assert.deepStrictEqual(resourceRule.seen[0].config, { tunnelPort: 9132 });
        });

        it("reads the defaults under whatever the caller gives, key by key", () => {
            assert.deepStrictEqual(readConfig({}, ["apiPort", "openvpnPort", "keepaliveSeconds"]), {
                apiPort: defaults.apiPort,
                openvpnPort: defaults.openvpnPort,
                keepaliveSeconds: defaults.keepaliveSeconds,
            });
            assert.deepStrictEqual(readConfig({ apiPort: 443, minReplicas: 9 }, ["apiPort"]), { apiPort: 443 });
            assert.deepStrictEqual(readConfig({ allowedPorts: [] }, ["allowedPorts"]), { allowedPorts: [] });
            assert.deepStrictEqual(readConfig({ minReplicas: 2 }, []), {});
        });

        it("declares each key with the program's default and its bounds", () => {
            const { properties } = configSchema(
                "tunnelPort",
                "apiPort",
                "openvpnPort",
                "keepaliveSeconds",
                "allowedPorts",
                "minReplicas",
            );
            for (const port of ["tunnelPort", "apiPort", "openvpnPort"] as const) {
                assert.deepStrictEqual(
                    { ...(properties[port] as object), description: undefined },
                    { type: "integer", minimum: 1, maximum: 65535, default: defaults[port], description: undefined },
                );
            }
            assert.deepStrictEqual((properties.minReplicas as { default: number }).default, 2);
            assert.deepStrictEqual((properties.allowedPorts as { default: number[] }).default, [22]);
            assert.deepStrictEqual(configSchema().properties, {});
        });
    });
});
