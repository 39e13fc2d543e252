import * as assert from "assert";
import fc from "fast-check";
import { agentFlags, AgentFlagsArgs, validateAgentFlags } from "../components/tunnel/konnectivity/agentFlags";

// Each rule of the agent validator, one violation at a time: the flags the builder makes, with one
// flag changed, give exactly one problem naming that flag.

const args: AgentFlagsArgs = {
    proxyServerHost: "gks-dev.example.net",
    proxyServerPort: 8132,
    keepaliveSeconds: 40,
    mode: "deployment",
    serverCounting: "static",
};
const valid = (changes: Partial<AgentFlagsArgs> = {}) => agentFlags({ ...args, ...changes });

function changed(name: string, value: string | undefined, base = valid()): string[] {
    const rest = base.filter((f) => !f.startsWith(`--${name}=`));
    return value === undefined ? rest : [...rest, `--${name}=${value}`];
}

function onlyProblem(flags: readonly string[], message: RegExp): void {
    const found = validateAgentFlags(flags);
    assert.strictEqual(found.length, 1, `expected one problem matching ${message}, got:\n${found.join("\n")}`);
    assert.match(found[0], message);
}

describe("konnectivity-agent validation, rule by rule", () => {
    it("accepts what the builder makes in every mode and counting", () => {
        for (const mode of ["deployment", "daemonset"] as const)
            for (const serverCounting of ["static", "leases"] as const)
                assert.deepStrictEqual(
                    validateAgentFlags(valid({ mode, serverCounting })),
                    [],
                    `${mode} ${serverCounting}`,
                );
    });

    const violations: [string, string, string | undefined, RegExp][] = [
        ["the server's CA", "ca-cert", undefined, /^--ca-cert is required \(mTLS to the server\)$/],
        ["a client certificate", "agent-cert", "", /^--agent-cert is required/],
        ["its key", "agent-key", undefined, /^--agent-key is required/],
        ["a server to dial", "proxy-server-host", undefined, /^--proxy-server-host is required/],
        [
            "a port to dial",
            "proxy-server-port",
            undefined,
            /^--proxy-server-port must be in 1024..49151 \(got undefined\)$/,
        ],
        [
            "a value is all after the first =",
            "proxy-server-port",
            "8132=",
            /^--proxy-server-port must be in 1024..49151 \(got 8132=\)$/,
        ],
        ["a whole port", "proxy-server-port", "8132.5", /^--proxy-server-port must be in 1024..49151 \(got 8132.5\)$/],
        ["a keepalive", "keepalive-time", undefined, /^--keepalive-time must be at least 30s, .* \(got undefined\)$/],
        ["a Go duration", "keepalive-time", "40", /^--keepalive-time must be at least 30s.*\(got 40\)$/],
        ["the server's floor", "keepalive-time", "29s", /^--keepalive-time must be at least 30s.*\(got 29s\)$/],
        ["dialling forever", "sync-forever", "false", /^--sync-forever=true is required/],
        ["dialling forever, not by default", "sync-forever", undefined, /^--sync-forever=true is required/],
        [
            "a known count source",
            "server-count-source",
            "leases",
            /^--server-count-source must be default or max \(got leases\)$/,
        ],
    ];
    for (const [rule, name, value, message] of violations) {
        it(`${rule}: --${name}${value === undefined ? " removed" : `=${value}`}`, () =>
            onlyProblem(changed(name, value), message));
    }

    it("lease counting takes the larger of the leases and the servers' count", () => {
        const leases = valid({ serverCounting: "leases" });
        assert.ok(leases.includes("--count-server-leases=true") && leases.includes("--server-count-source=max"));
        onlyProblem(
            changed("server-count-source", undefined, leases),
            /^--server-count-source=max belongs with --count-server-leases/,
        );
        onlyProblem(changed("server-count-source", "default", leases), /^--server-count-source=max belongs with/);
        assert.deepStrictEqual(validateAgentFlags(changed("server-count-source", "default")), []);
        assert.deepStrictEqual(validateAgentFlags(changed("server-count-source", "max")), []);
        assert.deepStrictEqual(validateAgentFlags(changed("count-server-leases", "false", leases)), []);
    });

    it("every arg is --flag=value, a flag of the pinned agent, given once", () => {
        onlyProblem([...valid(), ""], /^"": write every flag as --flag=value$/);
        onlyProblem([...valid(), "--sync-forever"], /^"--sync-forever": write every flag/);
        onlyProblem([...valid(), "-v=2"], /^"-v=2": write every flag/);
        onlyProblem([...valid(), "--Sync-forever=true"], /^"--Sync-forever=true": write/);
        onlyProblem([...valid(), "--server-count=3"], /^--server-count: not a flag of konnectivity-agent$/);
        onlyProblem([...valid(), "--v=4"], /^--v: given twice$/);
        onlyProblem([...valid().filter((f) => f !== "--v=2"), "x--v=2"], /^"x--v=2": write every flag/);
    });

    it("the builder's flags: mTLS from the mounted Secret, both ports, admin on localhost only, -v=2", () => {
        const flags = valid();
        for (const f of [
            "--proxy-server-host=gks-dev.example.net",
            "--proxy-server-port=8132",
            "--ca-cert=/etc/konnectivity-agent/ca.crt",
            "--agent-cert=/etc/konnectivity-agent/tls.crt",
            "--agent-key=/etc/konnectivity-agent/tls.key",
            "--sync-forever=true",
            "--keepalive-time=40s",
            "--health-server-port=8093",
            "--admin-server-port=8094",
            "--admin-bind-address=127.0.0.1",
            "--v=2",
        ])
            assert.ok(flags.includes(f), f);
        assert.strictEqual(flags.length, 11);
        assert.deepStrictEqual(valid({ mode: "daemonset" }).slice(11), ["--agent-identifiers=ipv4=$(HOST_IP)"]);
        assert.deepStrictEqual(valid({ serverCounting: "leases" }).slice(11), [
            "--count-server-leases=true",
            "--server-count-source=max",
            "--lease-namespace=kube-system",
            "--lease-label=k8s-app=konnectivity-server",
        ]);
    });

    it("ports: the builder takes every whole port from 1024 to 49151 and refuses the rest", () => {
        for (const [port, ok] of [
            [1023, false],
            [1024, true],
            [49151, true],
            [49152, false],
        ] as const)
            assert.strictEqual(
                validateAgentFlags(changed("proxy-server-port", String(port))).length === 0,
                ok,
                String(port),
            );
        fc.assert(
            fc.property(fc.integer({ min: -70000, max: 70000 }), (port) => {
                const ok = port >= 1024 && port <= 49151;
                let threw = false;
                try {
                    valid({ proxyServerPort: port });
                } catch (e) {
                    threw = /--proxy-server-port must be in 1024..49151/.test(String(e));
                }
                return threw === !ok;
            }),
        );
    });

    it("keepalive: any whole seconds of at least 30", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 100000 }), (seconds) => {
                const found = validateAgentFlags(changed("keepalive-time", `${seconds}s`));
                return (found.length === 0) === seconds >= 30;
            }),
        );
        assert.deepStrictEqual(validateAgentFlags(changed("keepalive-time", "30000ms")), []);
        assert.throws(
            () => valid({ keepaliveSeconds: 10, proxyServerPort: 80 }),
            /^Error: konnectivity-agent flags would break the tunnel:\n {2}- --proxy-server-port.*\n {2}- --keepalive-time/,
        );
        assert.throws(
            () => valid({ keepaliveSeconds: 10 }),
            /^Error: konnectivity-agent flags would break the tunnel:\n {2}- --keepalive-time/,
        );
    });
});
