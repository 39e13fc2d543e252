import * as assert from "assert";
import fc from "fast-check";
import { EngineResource } from "../engine";
import { deployment, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * listener-timeouts-exceed-keepalive: the tunnel (konnectivity, OpenVPN) and API listeners set
 * both data timeouts, each longer than the longest konnectivity keepalive (else the policy's
 * keepaliveSeconds), so that Octavia never cuts an idle tunnel or a long logs/exec session.
 */
describe("listener-timeouts-exceed-keepalive", () => {
    const name = "listener-timeouts-exceed-keepalive";
    const engine = only(name);
    const hour = 3_600_000;
    const listener = (port: unknown, props: Record<string, unknown> = {}, listenerName = "tunnel") =>
        resource(types.listener, { protocol: "TCP", protocolPort: port, ...props }, { name: listenerName });
    const both = (ms: unknown) => ({ timeoutClientData: ms, timeoutMemberData: ms });
    const konnectivity = (role: "server" | "agent", args: unknown[], workloadName = `${role}s`) =>
        deployment(
            [{ name: `konnectivity-${role}`, image: `registry.k8s.io/kas-network-proxy/proxy-${role}:v0.34.0`, args }],
            {
                name: workloadName,
            },
        );
    const policyDefault = "the policy's keepaliveSeconds (30)";
    const notSet = (label: string, key: string, keepalive: string, source: string, suggested: number) =>
        `${label}: ${key} is not set, so Octavia closes connections idle for 50000 ms (its default): long kubectl ` +
        "logs -f/exec sessions die, and the tunnel depends on a keepalive below that default. Set " +
        `${key} explicitly above the tunnel keepalive ${keepalive} (${source}), e.g. ${suggested}.`;
    const tooShort = (
        label: string,
        key: string,
        value: number,
        keepaliveMs: number,
        keepalive: string,
        source: string,
        suggested: number,
    ) =>
        `${label}: ${key} is ${value} ms, not longer than the tunnel keepalive ${keepalive} (${source}). Octavia ` +
        `would cut idle tunnels and long kubectl logs/exec sessions. Set ${key} above ${keepaliveMs} ms (e.g. ` +
        `${suggested}), or lower --keepalive-time.`;
    const check = (...resources: EngineResource[]) => messages(engine.analyzeStack(resources));

    it("checks the tunnel, OpenVPN and API listeners, each timeout on its own, on the listener's URN", () => {
        for (const port of [8132, 1194, 6443]) {
            const l = listener(port);
            const analysis = engine.analyzeStack([l]);
            const label = `listener tunnel (port ${port})`;
            assert.deepStrictEqual(messages(analysis), [
                notSet(label, "timeoutClientData", "30s", policyDefault, hour),
                notSet(label, "timeoutMemberData", "30s", policyDefault, hour),
            ]);
            assert.deepStrictEqual(urns(analysis), [l.urn, l.urn]);
            assert.deepStrictEqual(levels(analysis), ["mandatory", "mandatory"]);
        }
    });

    it("flags a timeout up to the keepalive, passes one a millisecond longer", () => {
        const label = "listener tunnel (port 8132)";
        assert.deepStrictEqual(check(listener(8132, both(30_001))), []);
        assert.deepStrictEqual(check(listener(8132, { timeoutClientData: 30_000, timeoutMemberData: 30_001 })), [
            tooShort(label, "timeoutClientData", 30_000, 30_000, "30s", policyDefault, hour),
        ]);
        assert.deepStrictEqual(check(listener(8132, { timeoutClientData: hour, timeoutMemberData: 0 })), [
            tooShort(label, "timeoutMemberData", 0, 30_000, "30s", policyDefault, hour),
        ]);
        assert.deepStrictEqual(check(listener(8132, { timeoutClientData: "3600000", timeoutMemberData: hour })), [
            notSet(label, "timeoutClientData", "30s", policyDefault, hour),
        ]);
    });

    it("flags a timeout exactly when it is not longer than the keepalive", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 7200 }), fc.integer({ min: 0, max: 8_000_000 }), (seconds, ms) => {
                const configured = only(name, { [name]: { keepaliveSeconds: seconds } });
                const found = configured.analyzeStack([
                    listener(8132, { timeoutClientData: ms, timeoutMemberData: hour * 3 }),
                ]);
                return found.diagnostics.length === (ms <= seconds * 1000 ? 1 : 0);
            }),
        );
    });

    it("suggests an hour below an hour of keepalive, twice the keepalive from an hour on", () => {
        const table: [number, string, number][] = [
            [3599, "3599s", hour],
            [3600, "1h", 2 * hour],
            [5400, "90m", 3 * hour],
        ];
        for (const [seconds, text, suggested] of table) {
            const configured = only(name, { [name]: { keepaliveSeconds: seconds } });
            const source = `the policy's keepaliveSeconds (${seconds})`;
            assert.deepStrictEqual(messages(configured.analyzeStack([listener(6443, both(seconds * 1000))])), [
                tooShort(
                    "listener tunnel (port 6443)",
                    "timeoutClientData",
                    seconds * 1000,
                    seconds * 1000,
                    text,
                    source,
                    suggested,
                ),
                tooShort(
                    "listener tunnel (port 6443)",
                    "timeoutMemberData",
                    seconds * 1000,
                    seconds * 1000,
                    text,
                    source,
                    suggested,
                ),
            ]);
        }
    });

    it("takes the longest keepalive of any konnectivity container, and names it", () => {
        const server = konnectivity("server", ["--keepalive-time=30s"]);
        const agent = konnectivity("agent", ["--keepalive-time=5m"]);
        const source = '--keepalive-time=5m of konnectivity-agent container "konnectivity-agent" in agents';
        for (const stack of [
            [server, agent],
            [agent, server],
        ]) {
            assert.deepStrictEqual(
                check(...stack, listener(8132, { timeoutClientData: 300_000, timeoutMemberData: 300_001 })),
                [tooShort("listener tunnel (port 8132)", "timeoutClientData", 300_000, 300_000, "5m", source, hour)],
            );
        }
    });

    it("names the first of equally long keepalives", () => {
        const first = konnectivity("server", ["--keepalive-time=60s"]);
        const second = konnectivity("agent", ["--keepalive-time=1m"]);
        const source = '--keepalive-time=60s of konnectivity-server container "konnectivity-server" in servers';
        assert.deepStrictEqual(
            check(first, second, listener(8132, { timeoutClientData: 60_000, timeoutMemberData: hour })),
            [tooShort("listener tunnel (port 8132)", "timeoutClientData", 60_000, 60_000, "1m", source, hour)],
        );
    });

    it("takes upstream's 1h for a container that does not set --keepalive-time", () => {
        const agent = konnectivity("agent", ["--proxy-server-host=lb"], "tunnel-agents");
        const source =
            'konnectivity-agent container "konnectivity-agent" in tunnel-agents, which does not set --keepalive-time (upstream default 1h)';
        assert.deepStrictEqual(check(agent, listener(8132, { timeoutClientData: hour, timeoutMemberData: hour + 1 })), [
            tooShort("listener tunnel (port 8132)", "timeoutClientData", hour, hour, "1h", source, 2 * hour),
        ]);
    });

    it("skips a keepalive that is no Go duration, and falls back on the policy's", () => {
        const server = konnectivity("server", ["--keepalive-time=soon"]);
        assert.deepStrictEqual(check(server, listener(8132, { timeoutClientData: 30_000, timeoutMemberData: hour })), [
            tooShort("listener tunnel (port 8132)", "timeoutClientData", 30_000, 30_000, "30s", policyDefault, hour),
        ]);
    });

    it("ignores listeners on other ports, and follows the configured ports", () => {
        assert.deepStrictEqual(notApplicable(engine.analyzeStack([listener(443)])), [
            "the stack has no listener on port 8132, 1194 or 6443",
        ]);
        assert.deepStrictEqual(check(listener(443), listener(8132, both(hour))), []);
        const moved = only(name, { [name]: { tunnelPort: 9000, apiPort: 443, openvpnPort: 11940 } });
        for (const port of [9000, 443, 11940]) {
            assert.strictEqual(messages(moved.analyzeStack([listener(port)])).length, 2, String(port));
        }
        assert.deepStrictEqual(notApplicable(moved.analyzeStack([listener(8132), listener(6443), listener(1194)])), [
            "the stack has no listener on port 9000, 11940 or 443",
        ]);
    });

    it("waits for unknown timeouts, ports and keepalives (advisory), and still reports what it knows", () => {
        const pending: [string, EngineResource[], string[]][] = [
            [
                "an unknown timeout",
                [listener(8132, { timeoutClientData: unknownValue, timeoutMemberData: 1 })],
                ["mandatory", "advisory"],
            ],
            ["an unknown listener port", [listener(unknownValue)], ["advisory"]],
            [
                "an unknown port beside a known listener",
                [listener(unknownValue), listener(8132, both(hour))],
                ["advisory"],
            ],
            [
                "an unknown keepalive flag",
                [konnectivity("server", [unknownValue]), listener(8132)],
                ["mandatory", "mandatory", "advisory"],
            ],
            [
                "unknown containers",
                [deployment(unknownValue as unknown as Record<string, unknown>[]), listener(8132, both(hour))],
                ["advisory"],
            ],
        ];
        for (const [what, stack, expected] of pending) {
            const analysis = engine.analyzeStack(stack);
            assert.deepStrictEqual(levels(analysis), expected, what);
            assert.match(messages(analysis).at(-1) ?? "", /during preview/, what);
            assert.deepStrictEqual(analysis.notApplicable, [], what);
        }
    });
});
