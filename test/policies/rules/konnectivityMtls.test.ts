import * as assert from "assert";
import { assertWaits, levels, messages, notApplicable, only, types, unknownValue, urns, workload } from "./fixtures";

/**
 * konnectivity-mtls: konnectivity-server serves the agent port with a certificate and verifies
 * agents against a CA (--cluster-cert, --cluster-key, --cluster-ca-cert); each agent verifies the
 * server and proves who it is (--ca-cert, --agent-cert, --agent-key). Token authentication next
 * to --cluster-ca-cert stops the server from starting.
 */
describe("konnectivity-mtls", () => {
    const engine = only("konnectivity-mtls");
    const serverImage = "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0";
    const agentImage = "registry.k8s.io/kas-network-proxy/proxy-agent:v0.34.0";
    const serverFlags = ["--cluster-ca-cert=/c/ca.crt", "--cluster-cert=/c/tls.crt", "--cluster-key=/c/tls.key"];
    const agentFlags = ["--ca-cert=/c/ca.crt", "--agent-cert=/c/a.crt", "--agent-key=/c/a.key"];
    const server = (args: unknown, extra: Record<string, unknown> = {}) => ({
        name: "konnectivity-server",
        image: serverImage,
        args,
        ...extra,
    });
    const agent = (args: unknown, extra: Record<string, unknown> = {}) => ({
        name: "konnectivity-agent",
        image: agentImage,
        args,
        ...extra,
    });
    const check = (...containers: Record<string, unknown>[]) =>
        messages(engine.analyze(workload(types.deployment, containers, { name: "w" })));

    const serverWhy =
        "Without them the agent port on the public load balancer either serves no TLS or accepts any client.";
    const agentWhy =
        "Without them the agent does not verify the server it tunnels the cluster's traffic to, or cannot prove who it is.";
    const serverPass =
        "Pass --cluster-ca-cert=<path>, --cluster-cert=<path>, --cluster-key=<path> with the tunnel CA and certificates mounted from a Secret.";
    const agentPass =
        "Pass --ca-cert=<path>, --agent-cert=<path>, --agent-key=<path> with the tunnel CA and certificates mounted from a Secret.";
    const serverLacks = (which: string, label = 'container "konnectivity-server"') =>
        `konnectivity-server ${label} of w lacks ${which}. ${serverWhy} ${serverPass}`;
    const agentLacks = (which: string, label = 'container "konnectivity-agent"') =>
        `konnectivity-agent ${label} of w lacks ${which}. ${agentWhy} ${agentPass}`;
    const refuses = (flags: string) =>
        `konnectivity-server container "konnectivity-server" of w sets ${flags} together with --cluster-ca-cert: it ` +
        'refuses to start ("--cluster-ca-cert can not be used when agent authentication is enabled"). This project ' +
        "authenticates agents by mTLS: remove the token authentication flags.";

    describe("the server's flags", () => {
        const table: [string, string[], string[]][] = [
            ["all three", serverFlags, []],
            ["all three as two words each", serverFlags.flatMap((f) => f.split("=")), []],
            ["no --cluster-ca-cert (any client)", serverFlags.slice(1), [serverLacks("--cluster-ca-cert")]],
            ["no --cluster-cert", [serverFlags[0], serverFlags[2]], [serverLacks("--cluster-cert")]],
            ["no --cluster-key", serverFlags.slice(0, 2), [serverLacks("--cluster-key")]],
            ["none", ["--uds-name=/run/k.sock"], [serverLacks("--cluster-ca-cert, --cluster-cert, --cluster-key")]],
            [
                "an empty --cluster-key",
                [...serverFlags.slice(0, 2), "--cluster-key="],
                [serverLacks('--cluster-key=""')],
            ],
            [
                "one absent and one empty, absent first",
                ["--cluster-ca-cert=", serverFlags[1]],
                [serverLacks('--cluster-key, --cluster-ca-cert=""')],
            ],
            [
                "the agent's flags instead",
                agentFlags,
                [serverLacks("--cluster-ca-cert, --cluster-cert, --cluster-key")],
            ],
        ];
        for (const [what, args, expected] of table) {
            it(`${expected.length === 0 ? "passes" : "flags"} ${what}`, () =>
                assert.deepStrictEqual(check(server(args)), expected));
        }
    });

    describe("the agent's flags", () => {
        const table: [string, string[], string[]][] = [
            ["all three", agentFlags, []],
            ["no --ca-cert (any server)", agentFlags.slice(1), [agentLacks("--ca-cert")]],
            ["no --agent-cert", [agentFlags[0], agentFlags[2]], [agentLacks("--agent-cert")]],
            ["no --agent-key", agentFlags.slice(0, 2), [agentLacks("--agent-key")]],
            ["no client certificate", agentFlags.slice(0, 1), [agentLacks("--agent-cert, --agent-key")]],
            ["an empty --ca-cert", ["--ca-cert=", ...agentFlags.slice(1)], [agentLacks('--ca-cert=""')]],
            ["the server's flags instead", serverFlags, [agentLacks("--ca-cert, --agent-cert, --agent-key")]],
        ];
        for (const [what, args, expected] of table) {
            it(`${expected.length === 0 ? "passes" : "flags"} ${what}`, () =>
                assert.deepStrictEqual(check(agent(args)), expected));
        }
    });

    describe("token authentication next to --cluster-ca-cert", () => {
        const table: [string[], string[]][] = [
            [["--agent-namespace=kube-system"], [refuses("--agent-namespace")]],
            [["--agent-service-account=konnectivity-agent"], [refuses("--agent-service-account")]],
            [["--authentication-audience=system:konnectivity-server"], [refuses("--authentication-audience")]],
            [
                ["--agent-namespace=kube-system", "--agent-service-account=a", "--authentication-audience=b"],
                [refuses("--agent-namespace, --agent-service-account, --authentication-audience")],
            ],
            // Upstream goes by the values: empty ones do not turn token authentication on.
            [["--agent-namespace=", "--agent-service-account=", "--authentication-audience="], []],
        ];
        for (const [token, expected] of table) {
            it(`${expected.length === 0 ? "passes" : "flags"} ${token.join(" ")}`, () =>
                assert.deepStrictEqual(check(server([...serverFlags, ...token])), expected));
        }
        it("is not a conflict without a --cluster-ca-cert value (that one is reported as lacking)", () => {
            assert.deepStrictEqual(check(server([...serverFlags.slice(1), "--agent-namespace=kube-system"])), [
                serverLacks("--cluster-ca-cert"),
            ]);
            assert.deepStrictEqual(
                check(server(["--cluster-ca-cert=", ...serverFlags.slice(1), "--agent-namespace=kube-system"])),
                [serverLacks('--cluster-ca-cert=""')],
            );
        });
        it("is not checked on an agent", () =>
            assert.deepStrictEqual(check(agent([...agentFlags, "--cluster-ca-cert=/c", "--agent-namespace=x"])), []));
    });

    it("reports on the workload, mandatory", () => {
        const w = workload(types.deployment, [server([])], { name: "w" });
        const analysis = engine.analyze(w);
        assert.deepStrictEqual(urns(analysis), [w.urn]);
        assert.deepStrictEqual(levels(analysis), ["mandatory"]);
    });

    const kinds = [
        types.deployment,
        types.statefulSet,
        types.daemonSet,
        types.replicaSet,
        types.job,
        types.cronJob,
        types.pod,
    ];
    for (const kind of kinds) {
        it(`checks a ${kind.split(":")[2]}`, () => {
            const analyze = (...containers: Record<string, unknown>[]) =>
                messages(engine.analyze(workload(kind, containers, { name: "w" })));
            assert.deepStrictEqual(analyze(agent(agentFlags), server(serverFlags)), []);
            assert.deepStrictEqual(analyze(agent(agentFlags.slice(1))), [agentLacks("--ca-cert")]);
            assert.deepStrictEqual(analyze(server(serverFlags.slice(1))), [serverLacks("--cluster-ca-cert")]);
        });
    }

    it("is not applicable to what is no workload", () =>
        assert.deepStrictEqual(notApplicable(engine.analyze(workload(types.configMap, [server([])]))), [
            `applies to ${kinds.join(", ")}`,
        ]));

    it("finds servers and agents by image under other names, in init and ephemeral containers, each on its own", () => {
        const renamed = workload(
            types.deployment,
            [
                { name: "proxy", image: serverImage, args: serverFlags.slice(1) },
                { name: "app", image: "app:1", args: [] },
            ],
            {
                name: "w",
                pod: {
                    initContainers: [{ image: "mirror.example/kas-network-proxy/proxy-agent:v1", args: [] }],
                    ephemeralContainers: [agent(agentFlags.slice(0, 2))],
                },
            },
        );
        assert.deepStrictEqual(messages(engine.analyze(renamed)), [
            serverLacks("--cluster-ca-cert", 'container "proxy"'),
            agentLacks("--ca-cert, --agent-cert, --agent-key", "initContainers[0]"),
            agentLacks("--agent-key"),
        ]);
    });

    it("finds the flags in the command as well as the args", () =>
        assert.deepStrictEqual(check(agent(agentFlags.slice(1), { command: ["/proxy-agent", agentFlags[0]] })), []));

    describe("words not known yet (a preview)", () => {
        const analyze = (...containers: Record<string, unknown>[]) =>
            engine.analyze(workload(types.deployment, containers, { name: "w" }));
        it("waits (advisory) when each absent flag may be among the unknown words", () => {
            for (const args of [
                [...agentFlags.slice(0, 2), unknownValue],
                [agentFlags[0], unknownValue, unknownValue],
            ]) {
                const analysis = analyze(agent(args));
                assertWaits(analysis);
            }
            assert.deepStrictEqual(levels(analyze(agent(unknownValue))), ["advisory"]);
        });
        it("flags what is surely missing: more absent flags than unknown words", () =>
            assert.deepStrictEqual(messages(analyze(agent([agentFlags[0], unknownValue]))), [
                agentLacks("1 or more of --agent-cert, --agent-key (some arguments are not known yet)"),
            ]));
        it("flags an empty flag even with unknown words, and counts it with the absent ones", () => {
            assert.deepStrictEqual(messages(analyze(agent(["--ca-cert=", ...agentFlags.slice(1), unknownValue]))), [
                agentLacks('--ca-cert=""'),
            ]);
            assert.deepStrictEqual(messages(analyze(agent(["--ca-cert=", unknownValue]))), [
                agentLacks('2 or more of --agent-cert, --agent-key, --ca-cert="" (some arguments are not known yet)'),
            ]);
        });
        it("does not wait when nothing is absent", () =>
            assert.deepStrictEqual(analyze(agent([...agentFlags, unknownValue])).diagnostics, []));
        it("a flag whose value is the unknown word is not known either", () =>
            assert.deepStrictEqual(levels(analyze(agent([...agentFlags.slice(1), "--ca-cert", unknownValue]))), [
                "advisory",
            ]));
        it("waits for containers not known yet, after the verdicts on the known ones", () => {
            const analysis = engine.analyze(
                workload(types.deployment, [server([])], { name: "w", pod: { initContainers: unknownValue } }),
            );
            assert.deepStrictEqual(levels(analysis), ["mandatory", "advisory"]);
        });
    });
});
