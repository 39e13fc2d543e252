import * as assert from "assert";
import * as fc from "fast-check";
import { assertWaits, levels, messages, notApplicable, only, types, unknownValue, urns, workload } from "./fixtures";

/**
 * konnectivity-server-count: a konnectivity-server that does not publish a lease states as
 * --server-count the replicas of its workload (one server sidecar per kube-apiserver replica);
 * upstream's default is 1. With --enable-lease-controller the agents count leases instead.
 */
describe("konnectivity-server-count", () => {
    const engine = only("konnectivity-server-count");
    const server = (args: unknown, name = "konnectivity-server") => ({
        name,
        image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0",
        args,
    });
    const analyze = (replicas: unknown, args: unknown, kind: string = types.deployment) =>
        engine.analyze(workload(kind, [server(args)], { name: "api", replicas }));
    const check = (replicas: unknown, args: unknown, kind?: string) => messages(analyze(replicas, args, kind));
    const fewer =
        "Agents stop dialing once they hold that many tunnels, so some servers get no agent and their " +
        'kube-apiserver fails logs/exec with "No agent available".';
    const more = "Agents keep dialing for servers that do not exist and never settle.";
    const notInteger = "That is not an integer: the server exits on start.";
    const said = (stated: string, replicas: number, effect: string) =>
        `container "konnectivity-server" of api has ${stated}, but the workload runs ${replicas} replica(s), ` +
        `one konnectivity-server each. ${effect} Set --server-count=${replicas}.`;

    const table: [string, unknown, string[], string[]][] = [
        ["equal counts", 3, ["--server-count=3"], []],
        ["the count as two words", 3, ["--server-count", "3"], []],
        ["the default 1 for one replica", 1, [], []],
        ["the default 1 for a workload without replicas (Kubernetes defaults to 1)", undefined, [], []],
        ["a count in Go's other integer forms", 8, ["--server-count=0x8"], []],
        ["a count with a sign", 2, ["--server-count=+2"], []],
        ["one fewer", 3, ["--server-count=2"], [said("--server-count=2", 3, fewer)]],
        ["one more", 3, ["--server-count=4"], [said("--server-count=4", 3, more)]],
        ["the default 1 against 3 replicas", 3, [], [said("not set (default 1)", 3, fewer)]],
        [
            "a count for a workload without replicas",
            undefined,
            ["--server-count=2"],
            [said("--server-count=2", 1, more)],
        ],
        ["a workload scaled to zero (no server runs)", 0, ["--server-count=2"], []],
        ["replicas that are not a number count as 1", "3", ["--server-count=3"], [said("--server-count=3", 1, more)]],
        ["a count that is not an integer", 2, ["--server-count=two"], [said("--server-count=two", 2, notInteger)]],
        ["a decimal count", 2, ["--server-count=2.0"], [said("--server-count=2.0", 2, notInteger)]],
        ["an empty count", 2, ["--server-count="], [said("--server-count=", 2, notInteger)]],
        ["010 is octal (8) to Go", 10, ["--server-count=010"], [said("--server-count=010", 10, fewer)]],
        [
            "the last of repeated counts decides",
            2,
            ["--server-count=2", "--server-count=3"],
            [said("--server-count=3", 2, more)],
        ],
        [
            "a lease controller turned off",
            3,
            ["--enable-lease-controller=false", "--server-count=1"],
            [said("--server-count=1", 3, fewer)],
        ],
        [
            "a lease controller that is not a boolean",
            3,
            ["--enable-lease-controller=yes"],
            [said("not set (default 1)", 3, fewer)],
        ],
        ["a lease-publishing server with any count", 3, ["--enable-lease-controller", "--server-count=1"], []],
        ["a lease controller spelled =true", 3, ["--enable-lease-controller=true"], []],
        ["a lease controller spelled =1 (strconv.ParseBool)", 3, ["--enable-lease-controller=1"], []],
        ["a lease controller spelled =T", 3, ["--enable-lease-controller=T"], []],
    ];
    for (const [what, replicas, args, expected] of table) {
        it(`${expected.length === 0 ? "passes" : "flags"} ${what}`, () =>
            assert.deepStrictEqual(check(replicas, ["--uds-name=/run/k.sock", ...args]), expected));
    }

    it("accepts exactly the count equal to the replicas", () =>
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), (replicas, count) => {
                const found = check(replicas, [`--server-count=${count}`]);
                const effect = count < replicas ? fewer : more;
                assert.deepStrictEqual(
                    found,
                    count === replicas ? [] : [said(`--server-count=${count}`, replicas, effect)],
                );
            }),
            { numRuns: 60 },
        ));

    it("reports on the workload, mandatory", () => {
        const analysis = analyze(3, []);
        assert.deepStrictEqual(urns(analysis), [`urn:pulumi:test::gks-cluster::${types.deployment}::api`]);
        assert.deepStrictEqual(levels(analysis), ["mandatory"]);
    });

    for (const kind of [types.statefulSet, types.replicaSet]) {
        it(`reads the replicas of a ${kind.split(":")[2]}`, () => {
            assert.deepStrictEqual(check(2, ["--server-count=2"], kind), []);
            assert.deepStrictEqual(check(2, [], kind), [said("not set (default 1)", 2, fewer)]);
        });
    }

    it("counts one replica for a Pod", () => {
        assert.deepStrictEqual(check(undefined, [], types.pod), []);
        assert.deepStrictEqual(check(undefined, ["--server-count=2"], types.pod), [said("--server-count=2", 1, more)]);
    });

    it("is not applicable to workloads without a replica count, or to other resources", () => {
        for (const kind of [types.daemonSet, types.job, types.cronJob, types.configMap]) {
            const analysis = analyze(undefined, ["--server-count=5"], kind);
            assert.deepStrictEqual(analysis.diagnostics, [], kind);
            assert.deepStrictEqual(
                notApplicable(analysis),
                [`applies to ${types.deployment}, ${types.statefulSet}, ${types.replicaSet}, ${types.pod}`],
                kind,
            );
        }
    });

    it("finds the server by its image under another name, in init containers too, and each one", () => {
        const renamed = server(["--server-count=1"], "proxy");
        const init = { ...server([], "init-proxy"), image: "example.org/kas-network-proxy/proxy-server:v1" };
        const pod = workload(types.deployment, [renamed, { name: "app", image: "app:1", args: ["--server-count=9"] }], {
            name: "api",
            replicas: 2,
            pod: { initContainers: [init] },
        });
        assert.deepStrictEqual(
            messages(engine.analyze(pod)).map((m) => m.slice(0, m.indexOf(","))),
            ['container "proxy" of api has --server-count=1', 'container "init-proxy" of api has not set (default 1)'],
        );
    });

    it("passes a workload without a konnectivity-server", () =>
        assert.deepStrictEqual(
            messages(engine.analyze(workload(types.deployment, [{ name: "app", image: "app:1" }], { replicas: 3 }))),
            [],
        ));

    describe("waits (advisory, during preview) for what decides the verdict", () => {
        const waits = (replicas: unknown, args: unknown, pod?: Record<string, unknown>) => {
            const analysis = engine.analyze(workload(types.deployment, [server(args)], { replicas, pod }));
            assertWaits(analysis);
        };
        it("unknown replicas", () => waits(unknownValue, ["--server-count=1"]));
        it("unknown replicas, before looking at containers not known yet", () =>
            waits(unknownValue, [], { initContainers: unknownValue }));
        it("an unknown --server-count", () => waits(3, ["--server-count", unknownValue]));
        it("an unknown --server-count without leases", () =>
            waits(3, ["--enable-lease-controller=false", "--server-count", unknownValue]));
        it("an unknown word where --enable-lease-controller may be", () => waits(3, [unknownValue]));
        it("an unknown argument list", () => waits(3, unknownValue));
        it("containers not known yet, after the verdicts on the known ones", () => {
            const analysis = engine.analyze(
                workload(types.deployment, [server([])], { replicas: 3, pod: { initContainers: unknownValue } }),
            );
            assert.deepStrictEqual(levels(analysis), ["mandatory", "advisory"]);
        });
        it("an unknown word where --enable-lease-controller may be, when the count is wrong", () =>
            waits(3, ["--server-count=2", unknownValue]));
        it("but not when the count is right anyway", () =>
            assert.deepStrictEqual(check(3, ["--server-count=3", unknownValue]), []));
        it("nor for an unknown count when leases are on", () =>
            assert.deepStrictEqual(check(3, ["--enable-lease-controller=true", unknownValue]), []));
    });
});
