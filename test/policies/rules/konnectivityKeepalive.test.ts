import * as assert from "assert";
import * as fc from "fast-check";
import { EngineResource } from "../engine";
import { levels, messages, notApplicable, only, resource, types, unknownValue, urns, workload } from "./fixtures";

/**
 * konnectivity-keepalive: every konnectivity-server and -agent sets --keepalive-time (a Go
 * duration) of at least 30 s, the server's gRPC keepalive enforcement minimum, and shorter than
 * the idle timeouts of the tunnel listener (Octavia's 50 s when unset), which would otherwise
 * drop an idle tunnel. Upstream's default is 1h.
 */
describe("konnectivity-keepalive", () => {
    const engine = only("konnectivity-keepalive");
    const serverImage = "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0";
    const agentImage = "registry.k8s.io/kas-network-proxy/proxy-agent:v0.34.0";
    const agent = (args: unknown, name = "konnectivity-agent") => ({ name, image: agentImage, args });
    const server = (args: unknown, name = "konnectivity-server") => ({ name, image: serverImage, args });
    const agents = (args: unknown) => workload(types.daemonSet, [agent(args)], { name: "agents" });
    const listener = (props: Record<string, unknown>, name = "tunnel") =>
        resource(types.listener, { protocolPort: 8132, ...props }, { name });
    /** The tunnel listener with both idle timeouts at `ms`. */
    const idle = (ms: number) => listener({ timeoutClientData: ms, timeoutMemberData: ms });
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));

    const who = 'konnectivity-agent container "konnectivity-agent" in agents';
    const notDuration = (stated: string) =>
        `${who} ${stated}, which is not a Go duration: the binary exits on start. Use e.g. 30s, 1m or 1h30m.`;
    const below = (stated: string, where = who) =>
        `${where} ${stated}, below 30s. konnectivity-server rejects pings more often than every 30s (gRPC keepalive ` +
        "enforcement) and closes the tunnel with too_many_pings. Set --keepalive-time=30s or more.";
    const notShorter = (
        stated: string,
        timeout: string,
        limit: string,
        where = who,
        at = "listener tunnel (port 8132)",
    ) =>
        `${where} ${stated}, not shorter than the idle timeout of ${at} (${timeout} = ${limit}). Octavia drops an ` +
        "idle tunnel before its keepalive fires; agents then reconnect in a loop and logs/exec fail meanwhile. Set " +
        `--keepalive-time below ${limit} (e.g. 30s), or raise the listener's timeouts.`;

    describe("the keepalive's own bounds", () => {
        const table: [string, string[], string[]][] = [
            ["30s", ["--keepalive-time=30s"], []],
            ["as two words", ["--keepalive-time", "45s"], []],
            ["1m", ["--keepalive-time=1m"], []],
            ["30000ms", ["--keepalive-time=30000ms"], []],
            ["0.5m", ["--keepalive-time=0.5m"], []],
            ["29.999s", ["--keepalive-time=29.999s"], [below("has --keepalive-time=29.999s")]],
            ["10s", ["--keepalive-time=10s"], [below("has --keepalive-time=10s")]],
            ["0s", ["--keepalive-time=0s"], [below("has --keepalive-time=0s")]],
            ["0", ["--keepalive-time=0"], [below("has --keepalive-time=0")]],
            ["-1m", ["--keepalive-time=-1m"], [below("has --keepalive-time=-1m")]],
            ["30 (no unit)", ["--keepalive-time=30"], [notDuration("has --keepalive-time=30")]],
            ["empty", ["--keepalive-time="], [notDuration("has --keepalive-time=")]],
            ["thirty seconds", ["--keepalive-time=thirty"], [notDuration("has --keepalive-time=thirty")]],
            [
                "the last of repeated ones",
                ["--keepalive-time=1m", "--keepalive-time=5s"],
                [below("has --keepalive-time=5s")],
            ],
        ];
        for (const [what, args, expected] of table) {
            it(`${expected.length === 0 ? "passes" : "flags"} ${what} (below a 1h listener timeout)`, () =>
                assert.deepStrictEqual(check([agents(args), idle(3_600_000)]), expected));
        }
    });

    describe("against the tunnel listener's idle timeouts", () => {
        const table: [string, Record<string, unknown>, string[], string[]][] = [
            ["below both", { timeoutClientData: 60_000, timeoutMemberData: 90_000 }, ["--keepalive-time=59s"], []],
            [
                "equal to the client timeout",
                { timeoutClientData: 60_000, timeoutMemberData: 90_000 },
                ["--keepalive-time=1m"],
                [notShorter("has --keepalive-time=1m", "timeoutClientData 60000 ms", "1m")],
            ],
            [
                "above the member timeout, the shorter one",
                { timeoutClientData: 90_000, timeoutMemberData: 45_000 },
                ["--keepalive-time=50s"],
                [notShorter("has --keepalive-time=50s", "timeoutMemberData 45000 ms", "45s")],
            ],
            [
                "equal timeouts: the client one is named",
                { timeoutClientData: 40_000, timeoutMemberData: 40_000 },
                ["--keepalive-time=40s"],
                [notShorter("has --keepalive-time=40s", "timeoutClientData 40000 ms", "40s")],
            ],
            [
                "Octavia's 50 s default where a timeout is not set",
                { timeoutMemberData: 3_600_000 },
                ["--keepalive-time=50s"],
                [notShorter("has --keepalive-time=50s", "timeoutClientData 50000 ms", "50s")],
            ],
            [
                "upstream's 1h default",
                { timeoutClientData: 3_600_000, timeoutMemberData: 3_600_000 },
                [],
                [
                    notShorter(
                        "does not set --keepalive-time (upstream default 1h)",
                        "timeoutClientData 3600000 ms",
                        "1h",
                    ),
                ],
            ],
            [
                "upstream's 1h default, below longer timeouts",
                { timeoutClientData: 3_600_001, timeoutMemberData: 7_200_000 },
                [],
                [],
            ],
            [
                "a timeout in milliseconds in the message",
                { timeoutClientData: 45_500, timeoutMemberData: 90_000 },
                ["--keepalive-time=46s"],
                [notShorter("has --keepalive-time=46s", "timeoutClientData 45500 ms", "45500ms")],
            ],
            [
                "below a timeout that is not a number (Octavia's default)",
                { timeoutClientData: "60000" },
                ["--keepalive-time=49s"],
                [],
            ],
        ];
        for (const [what, timeouts, args, expected] of table) {
            it(`${expected.length === 0 ? "passes" : "flags"} a keepalive ${what}`, () =>
                assert.deepStrictEqual(check([agents(args), listener(timeouts)]), expected));
        }

        it("has no listener to compare with when none is on the tunnel port", () =>
            assert.deepStrictEqual(check([agents(["--keepalive-time=1h"]), listener({ protocolPort: 6443 })]), []));

        it("takes the shortest timeout of every tunnel listener", () => {
            const resources = [
                agents(["--keepalive-time=40s"]),
                listener({ timeoutClientData: 3_600_000, timeoutMemberData: 3_600_000 }, "a"),
                listener({ timeoutClientData: 35_000, timeoutMemberData: 3_600_000 }, "b"),
                listener({ timeoutClientData: 3_600_000, timeoutMemberData: 38_000 }, "c"),
                listener({ protocolPort: 6443, timeoutClientData: 1_000 }, "api"),
            ];
            const expected = [
                notShorter(
                    "has --keepalive-time=40s",
                    "timeoutClientData 35000 ms",
                    "35s",
                    who,
                    "listener b (port 8132)",
                ),
            ];
            assert.deepStrictEqual(check(resources), expected);
            assert.deepStrictEqual(check([resources[0], resources[3], resources[2], resources[1]]), expected);
        });

        it("follows the tunnel port of the pack config", () => {
            const moved = only("konnectivity-keepalive", { "konnectivity-keepalive": { tunnelPort: 9000 } });
            const tunnel = listener({ protocolPort: 9000, timeoutClientData: 40_000, timeoutMemberData: 40_000 });
            assert.deepStrictEqual(messages(moved.analyzeStack([agents(["--keepalive-time=45s"]), tunnel])), [
                notShorter(
                    "has --keepalive-time=45s",
                    "timeoutClientData 40000 ms",
                    "40s",
                    who,
                    "listener tunnel (port 9000)",
                ),
            ]);
            assert.deepStrictEqual(messages(moved.analyzeStack([agents(["--keepalive-time=45s"]), idle(40_000)])), []);
        });

        it("accepts exactly the keepalives from 30 s up to below the shortest idle timeout", () =>
            fc.assert(
                fc.property(
                    fc.integer({ min: 0, max: 200 }),
                    fc.integer({ min: 1, max: 200 }),
                    fc.integer({ min: 1, max: 200 }),
                    (keepalive, client, member) => {
                        const found = check([
                            agents([`--keepalive-time=${keepalive}s`]),
                            listener({ timeoutClientData: client * 1000, timeoutMemberData: member * 1000 }),
                        ]);
                        const ok = keepalive >= 30 && keepalive < Math.min(client, member);
                        assert.strictEqual(found.length, ok ? 0 : 1);
                        if (keepalive < 30) assert.match(found[0], /below 30s/);
                    },
                ),
                { numRuns: 80 },
            ));
    });

    it("checks servers and agents, each container on its own, and reports on its workload", () => {
        const api = workload(types.deployment, [server(["--keepalive-time=10s"]), { name: "kube-apiserver" }], {
            name: "api",
        });
        const a = workload(
            types.deployment,
            [agent(["--keepalive-time=45s"]), { name: "other", image: "mirror/kas-network-proxy/proxy-agent:v1" }],
            { name: "agents" },
        );
        const analysis = engine.analyzeStack([api, a, idle(40_000)]);
        assert.deepStrictEqual(messages(analysis), [
            below("has --keepalive-time=10s", 'konnectivity-server container "konnectivity-server" in api'),
            notShorter(
                "has --keepalive-time=45s",
                "timeoutClientData 40000 ms",
                "40s",
                'konnectivity-agent container "konnectivity-agent" in agents',
            ),
            notShorter(
                "does not set --keepalive-time (upstream default 1h)",
                "timeoutClientData 40000 ms",
                "40s",
                'konnectivity-agent container "other" in agents',
            ),
        ]);
        assert.deepStrictEqual(urns(analysis), [api.urn, a.urn, a.urn]);
        assert.deepStrictEqual(levels(analysis), ["mandatory", "mandatory", "mandatory"]);
    });

    it("finds a server by its image under another name", () =>
        assert.deepStrictEqual(
            check([workload(types.pod, [server(["--keepalive-time=1s"], "proxy")], { name: "p" }), idle(60_000)]),
            [below("has --keepalive-time=1s", 'konnectivity-server container "proxy" in p')],
        ));

    it("is not applicable without a konnectivity server or agent", () => {
        const analysis = engine.analyzeStack([workload(types.deployment, [{ name: "app", image: "app:1" }]), idle(1)]);
        assert.deepStrictEqual(analysis.diagnostics, []);
        assert.deepStrictEqual(notApplicable(analysis), ["the stack has no konnectivity-server or konnectivity-agent"]);
        assert.deepStrictEqual(notApplicable(engine.analyzeStack([agents(["--keepalive-time=30s"])])), []);
    });

    describe("waits (advisory, during preview) for what decides the verdict", () => {
        const waits = (resources: EngineResource[], expected = ["advisory"]) => {
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(levels(analysis), expected);
            assert.match(messages(analysis).at(-1) ?? "", /during preview/);
        };
        it("a keepalive not known yet", () => waits([agents(["--keepalive-time", unknownValue]), idle(60_000)]));
        it("containers not known yet", () =>
            waits([
                workload(types.deployment, [], { pod: { containers: unknownValue } }),
                agents(["--keepalive-time=30s"]),
                idle(60_000),
            ]));
        it("containers not known yet, even with no known konnectivity container", () =>
            waits([workload(types.deployment, [], { pod: { containers: unknownValue } })]));
        it("a listener port not known yet", () =>
            waits([agents(["--keepalive-time=30s"]), listener({ protocolPort: unknownValue })]));
        it("a listener timeout not known yet", () =>
            waits([agents(["--keepalive-time=30s"]), listener({ timeoutClientData: unknownValue })]));
        it("a listener timeout not known yet, after the verdicts it does not change", () =>
            waits(
                [agents(["--keepalive-time=10s"]), listener({ timeoutMemberData: unknownValue })],
                ["mandatory", "advisory"],
            ));
    });
});
