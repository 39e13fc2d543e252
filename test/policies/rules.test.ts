import * as assert from "assert";
import { policies } from "../../policies/policies";
import { Engine, EngineResource, unknownValue, violated } from "./engine";

/**
 * Each policy on its own, one resource (or a small stack) at a time, as the engine calls it:
 * Analyze for resource policies, AnalyzeStack for stack policies.
 */
const engine = new Engine(policies);

let serial = 0;
function res(type: string, props: Record<string, unknown>, extra: Partial<EngineResource> = {}): EngineResource {
    const name = `r${++serial}`;
    return { type, name, urn: `urn:pulumi:test::gks-cluster::${type}::${name}`, props, ...extra };
}

const deploymentType = "kubernetes:apps/v1:Deployment";

function workload(type: string, containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
    const podSpec = { containers };
    const props: Record<string, Record<string, unknown>> = {
        "kubernetes:core/v1:Pod": { spec: podSpec },
        "kubernetes:batch/v1:CronJob": { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } },
    };
    return res(type, props[type] ?? { spec: { template: { spec: podSpec }, ...extra } });
}

const serverArgs = [
    "--uds-name=/s/k.sock",
    "--cluster-ca-cert=/c/ca.crt",
    "--cluster-cert=/c/tls.crt",
    "--cluster-key=/c/tls.key",
    "--keepalive-time=30s",
];
const server = (args: string[]) => ({
    name: "konnectivity-server",
    image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0",
    args,
});

describe("policies one by one", () => {
    it("every policy has a unique name, a description, a default level and remediation steps", () => {
        assert.strictEqual(new Set(policies.map((p) => p.name)).size, policies.length);
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9-]+$/);
            assert.ok(p.description.length > 20 && p.remediationSteps, p.name);
            const expected = p.name === "control-path-ha" ? "advisory" : "mandatory";
            assert.strictEqual(p.enforcementLevel, expected, p.name);
        }
    });

    describe("konnectivity-server-count (per workload)", () => {
        const analyze = (replicas: number | undefined, args: string[], type = deploymentType) =>
            violated(engine.analyze(workload(type, [server(args)], replicas === undefined ? {} : { replicas })));
        it("flags a mismatch, and the default 1 against 3 replicas", () => {
            assert.deepStrictEqual(analyze(3, [...serverArgs, "--server-count=2"]), ["konnectivity-server-count"]);
            assert.deepStrictEqual(analyze(3, serverArgs), ["konnectivity-server-count"]);
            assert.deepStrictEqual(analyze(undefined, [...serverArgs, "--server-count=2"]), [
                "konnectivity-server-count",
            ]);
        });
        it("accepts any static count from a server that publishes a lease (the agents count leases)", () => {
            const leases = ["--enable-lease-controller", "--kubeconfig=/k/kubeconfig"];
            assert.deepStrictEqual(analyze(3, [...serverArgs, ...leases, "--server-count=1"]), []);
            assert.deepStrictEqual(analyze(3, [...serverArgs, "--enable-lease-controller=false", "--server-count=1"]), [
                "konnectivity-server-count",
            ]);
        });
        it("passes equal counts (also `--server-count 3` as two words) and a single default", () => {
            assert.deepStrictEqual(analyze(3, [...serverArgs, "--server-count", "3"]), []);
            assert.deepStrictEqual(analyze(undefined, serverArgs), []);
            assert.deepStrictEqual(
                analyze(2, [...serverArgs, "--server-count=2"], "kubernetes:apps/v1:StatefulSet"),
                [],
            );
        });
        it("treats unknown replicas as undecidable (advisory)", () => {
            const a = engine.analyze(workload(deploymentType, [server(serverArgs)], { replicas: unknownValue }));
            assert.deepStrictEqual(
                a.diagnostics.map((d) => d.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("konnectivity-mtls and images-pinned (every workload kind)", () => {
        const kinds = [
            deploymentType,
            "kubernetes:apps/v1:StatefulSet",
            "kubernetes:apps/v1:DaemonSet",
            "kubernetes:batch/v1:Job",
            "kubernetes:batch/v1:CronJob",
            "kubernetes:core/v1:Pod",
        ];
        for (const kind of kinds) {
            it(`checks a ${kind.split(":")[2]}`, () => {
                const agent = (args: string[], image = "registry.k8s.io/kas-network-proxy/proxy-agent:v0.34.0") => ({
                    name: "konnectivity-agent",
                    image,
                    args,
                });
                const good = ["--ca-cert=/c/ca.crt", "--agent-cert=/c/a.crt", "--agent-key=/c/a.key"];
                assert.deepStrictEqual(violated(engine.analyze(workload(kind, [agent(good)]))), []);
                assert.deepStrictEqual(violated(engine.analyze(workload(kind, [agent(good.slice(1))]))), [
                    "konnectivity-mtls",
                ]);
                assert.deepStrictEqual(violated(engine.analyze(workload(kind, [agent(good, "busybox")]))), [
                    "images-pinned",
                ]);
            });
        }
        it("identifies a server by its image when the container has another name", () => {
            const renamed = { ...server(serverArgs.slice(0, 2)), name: "proxy" };
            assert.deepStrictEqual(violated(engine.analyze(workload(deploymentType, [renamed]))), [
                "konnectivity-mtls",
            ]);
        });
        it("checks init containers' images too", () => {
            const pod = res("kubernetes:core/v1:Pod", {
                spec: {
                    initContainers: [{ name: "init", image: "alpine" }],
                    containers: [{ name: "c", image: "alpine:3.20" }],
                },
            });
            assert.match(
                engine.analyze(pod).diagnostics[0].message,
                /container "init" of r\d+ runs alpine: it has no tag/,
            );
        });
    });
});
