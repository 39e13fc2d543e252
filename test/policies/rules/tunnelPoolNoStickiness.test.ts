import * as assert from "assert";
import { EngineResource } from "../engine";
import { assertWaits, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * tunnel-pool-no-stickiness: the pools behind the tunnel listener, and the seed Services of the
 * tunnel port, spread agent dials over every konnectivity-server: no session persistence, no
 * SOURCE_IP balancing (SOURCE_IP_PORT only on OVN, which offers nothing else), no ClientIP affinity.
 */
describe("tunnel-pool-no-stickiness", () => {
    const name = "tunnel-pool-no-stickiness";
    const engine = only(name);
    const why =
        "Each agent dials the load balancer until it has one tunnel to every konnectivity-server; a sticky pool " +
        'sends every dial to the same server, and the other kube-apiservers answer logs/exec with "No agent available".';
    const persisting = (kind: string, port = 8132) =>
        `Pool agents behind the tunnel listener (port ${port}) has session persistence ${kind}. ${why} Remove ` +
        "persistence from the pool.";
    const balancing = (method: string, port = 8132) =>
        `Pool agents behind the tunnel listener (port ${port}) balances by ${method}. ${why} Use lbMethod ROUND_ROBIN ` +
        "or LEAST_CONNECTIONS (SOURCE_IP_PORT on an OVN load balancer, which offers nothing else).";
    const affine = (port = 8132) =>
        `Service seed-agents exposes the tunnel port ${port} with sessionAffinity: ClientIP. ${why} Remove ` +
        "sessionAffinity (or set None).";

    const lb = (provider: unknown, id = "lb-1") => resource(types.loadBalancer, { id, loadbalancerProvider: provider });
    const listener = (port: unknown, props: Record<string, unknown> = {}) =>
        resource(
            types.listener,
            { id: `l-${String(port)}`, loadbalancerId: "lb-1", protocol: "TCP", protocolPort: port, ...props },
            { name: "tunnel" },
        );
    const pool = (props: Record<string, unknown>, listenerId: unknown = "l-8132") =>
        resource(types.pool, { id: "p-1", listenerId, protocol: "TCP", ...props }, { name: "agents" });
    const service = (spec: Record<string, unknown>) =>
        resource(types.service, { metadata: { name: "seed-agents" }, spec }, { name: "seed-agents" });
    const analyze = (...resources: EngineResource[]) => engine.analyzeStack(resources);
    const onPool = (provider: string, props: Record<string, unknown>) =>
        messages(analyze(lb(provider), listener(8132), pool(props)));

    describe("the pool's balancing", () => {
        const table: [string, string, Record<string, unknown>, string[]][] = [
            ["ROUND_ROBIN", "amphora", { lbMethod: "ROUND_ROBIN" }, []],
            ["LEAST_CONNECTIONS", "amphora", { lbMethod: "LEAST_CONNECTIONS" }, []],
            ["no lbMethod", "amphora", {}, []],
            ["an lbMethod that is no string", "amphora", { lbMethod: 7 }, []],
            ["SOURCE_IP", "amphora", { lbMethod: "SOURCE_IP" }, [balancing("SOURCE_IP")]],
            ["source_ip in small letters", "amphora", { lbMethod: "source_ip" }, [balancing("source_ip")]],
            ["SOURCE_IP on OVN", "ovn", { lbMethod: "SOURCE_IP" }, [balancing("SOURCE_IP")]],
            ["SOURCE_IP_PORT on amphora", "amphora", { lbMethod: "SOURCE_IP_PORT" }, [balancing("SOURCE_IP_PORT")]],
            ["source_ip_port on amphora", "amphora", { lbMethod: "source_ip_port" }, [balancing("source_ip_port")]],
            ["SOURCE_IP_PORT on OVN (all it offers)", "ovn", { lbMethod: "SOURCE_IP_PORT" }, []],
            [
                "SOURCE_IP_PORT on an unnamed provider",
                "",
                { lbMethod: "SOURCE_IP_PORT" },
                [balancing("SOURCE_IP_PORT")],
            ],
        ];
        for (const [what, provider, props, expected] of table) {
            it(`${expected.length > 0 ? "flags" : "passes"} ${what}`, () =>
                assert.deepStrictEqual(onPool(provider, props), expected));
        }

        it("judges SOURCE_IP_PORT by the load balancer of the pool's own listener", () => {
            const amphora = lb("amphora", "lb-a");
            const ovn = lb("ovn", "lb-o");
            const l1 = resource(types.listener, { id: "l-1", loadbalancerId: "lb-a", protocolPort: 8132 });
            const l2 = resource(types.listener, { id: "l-2", loadbalancerId: "lb-o", protocolPort: 8132 });
            const p1 = resource(
                types.pool,
                { id: "p-1", listenerId: "l-1", lbMethod: "SOURCE_IP_PORT" },
                { name: "agents" },
            );
            const p2 = resource(
                types.pool,
                { id: "p-2", listenerId: "l-2", lbMethod: "SOURCE_IP_PORT" },
                { name: "ovn" },
            );
            const analysis = analyze(amphora, ovn, l1, l2, p1, p2);
            assert.deepStrictEqual(messages(analysis), [balancing("SOURCE_IP_PORT")]);
            assert.deepStrictEqual(urns(analysis), [p1.urn]);
            assert.deepStrictEqual(levels(analysis), ["mandatory"]);
        });

        it("flags SOURCE_IP_PORT on a pool linked to an OVN listener and to another provider's", () => {
            const l1 = resource(types.listener, { id: "l-1", loadbalancerId: "lb-a", protocolPort: 8132 });
            const l2 = resource(types.listener, {
                id: "l-2",
                loadbalancerId: "lb-o",
                protocolPort: 8132,
                defaultPoolId: "p-1",
            });
            const p = resource(
                types.pool,
                { id: "p-1", listenerId: "l-1", lbMethod: "SOURCE_IP_PORT" },
                { name: "agents" },
            );
            assert.deepStrictEqual(messages(analyze(lb("amphora", "lb-a"), lb("ovn", "lb-o"), l1, l2, p)), [
                balancing("SOURCE_IP_PORT"),
            ]);
        });

        it("finds the pool by the listener's default pool too", () => {
            const p = resource(types.pool, { id: "p-9", lbMethod: "SOURCE_IP" }, { name: "agents" });
            assert.deepStrictEqual(messages(analyze(lb("amphora"), listener(8132, { defaultPoolId: "p-9" }), p)), [
                balancing("SOURCE_IP"),
            ]);
        });
    });

    describe("the pool's session persistence", () => {
        const table: [string, unknown, string[]][] = [
            ["SOURCE_IP persistence", { type: "SOURCE_IP" }, [persisting("SOURCE_IP")]],
            ["HTTP_COOKIE persistence", { type: "HTTP_COOKIE" }, [persisting("HTTP_COOKIE")]],
            ["APP_COOKIE persistence", { type: "APP_COOKIE", cookieName: "c" }, [persisting("APP_COOKIE")]],
            ["no persistence", undefined, []],
            ["a null persistence", null, []],
            ["a persistence without a type", {}, []],
            ["a persistence of empty type", { type: "" }, []],
            ["a persistence whose type is no string", { type: 1 }, []],
        ];
        for (const [what, persistence, expected] of table) {
            it(`${expected.length > 0 ? "flags" : "passes"} ${what}`, () =>
                assert.deepStrictEqual(
                    onPool("amphora", persistence === undefined ? { lbMethod: "ROUND_ROBIN" } : { persistence }),
                    expected,
                ));
        }

        it("reports persistence and balancing each, on the pool's URN", () => {
            const p = pool({ lbMethod: "SOURCE_IP", persistence: { type: "SOURCE_IP" } });
            const analysis = analyze(lb("amphora"), listener(8132), p);
            assert.deepStrictEqual(messages(analysis), [persisting("SOURCE_IP"), balancing("SOURCE_IP")]);
            assert.deepStrictEqual(urns(analysis), [p.urn, p.urn]);
        });
    });

    describe("the seed Service of the tunnel port", () => {
        const table: [string, Record<string, unknown>, string[]][] = [
            ["ClientIP affinity on the port", { ports: [{ port: 8132 }], sessionAffinity: "ClientIP" }, [affine()]],
            [
                "ClientIP affinity on the target port",
                { ports: [{ port: 443 }, { port: 80, targetPort: 8132 }], sessionAffinity: "ClientIP" },
                [affine()],
            ],
            ["affinity None", { ports: [{ port: 8132 }], sessionAffinity: "None" }, []],
            ["no affinity", { ports: [{ port: 8132 }] }, []],
            [
                "ClientIP affinity on other ports",
                { ports: [{ port: 443, targetPort: 8443 }], sessionAffinity: "ClientIP" },
                [],
            ],
            [
                "ClientIP affinity on a named target port",
                { ports: [{ port: 443, targetPort: "agent" }], sessionAffinity: "ClientIP" },
                [],
            ],
        ];
        for (const [what, spec, expected] of table) {
            it(`${expected.length > 0 ? "flags" : "passes"} ${what}`, () => {
                const s = service(spec);
                const analysis = analyze(s);
                assert.deepStrictEqual(messages(analysis), expected);
                assert.deepStrictEqual(urns(analysis), expected.length > 0 ? [s.urn] : []);
            });
        }

        it("is applicable to a Service of the tunnel port alone, not to one of another port", () => {
            assert.deepStrictEqual(notApplicable(analyze(service({ ports: [{ port: 8132 }] }))), []);
            assert.deepStrictEqual(
                notApplicable(analyze(lb("amphora"), listener(8132), service({ ports: [{ port: 8132 }] }))),
                [],
            );
            assert.deepStrictEqual(notApplicable(analyze(service({ ports: [{ port: 443 }] }))), [
                "the stack has no listener or Service on the tunnel port 8132",
            ]);
        });
    });

    it("follows the configured tunnel port", () => {
        const moved = only(name, { [name]: { tunnelPort: 9132 } });
        const stack = [lb("amphora"), listener(9132), pool({ lbMethod: "SOURCE_IP" }, "l-9132")];
        assert.deepStrictEqual(messages(moved.analyzeStack(stack)), [balancing("SOURCE_IP", 9132)]);
        assert.deepStrictEqual(
            messages(moved.analyzeStack([service({ ports: [{ port: 9132 }], sessionAffinity: "ClientIP" })])),
            [affine(9132)],
        );
        assert.deepStrictEqual(messages(analyze(lb("amphora"), listener(8132, { id: "l-9132" }), stack[2])), [
            balancing("SOURCE_IP"),
        ]);
    });

    it("ignores pools behind other listeners, and says what it lacks", () => {
        const api = pool({ lbMethod: "SOURCE_IP" }, "l-6443");
        assert.deepStrictEqual(notApplicable(analyze(lb("amphora"), listener(6443), api)), [
            "the stack has no listener or Service on the tunnel port 8132",
        ]);
        assert.deepStrictEqual(notApplicable(analyze(lb("amphora"), listener(8132), listener(6443), api)), [
            "no pool behind listener tunnel (port 8132)",
        ]);
        const second = resource(types.listener, { id: "l-b", protocolPort: 8132 }, { name: "b" });
        assert.deepStrictEqual(notApplicable(analyze(listener(8132), second)), [
            "no pool behind listener tunnel (port 8132), listener b (port 8132)",
        ]);
        assert.deepStrictEqual(
            notApplicable(analyze(listener(8132), service({ ports: [{ port: 8132 }] }))),
            [],
            "a listener without pools beside the tunnel Service",
        );
        assert.deepStrictEqual(analyze(listener(8132), pool({ lbMethod: "ROUND_ROBIN" })), {
            diagnostics: [],
            notApplicable: [],
        });
    });

    it("waits for unknown methods, persistence, links, ports and affinity (advisory)", () => {
        const pending: [string, EngineResource[]][] = [
            ["an unknown lbMethod", [listener(8132), pool({ lbMethod: unknownValue })]],
            ["an unknown persistence", [listener(8132), pool({ persistence: unknownValue })]],
            ["an unknown persistence type", [listener(8132), pool({ persistence: { type: unknownValue } })]],
            ["an unknown listener port", [listener(unknownValue), pool({ lbMethod: "SOURCE_IP" }, "l-x")]],
            ["an unknown pool link", [listener(8132), pool({ lbMethod: "SOURCE_IP" }, unknownValue)]],
            ["an unknown affinity", [service({ ports: [{ port: 8132 }], sessionAffinity: unknownValue })]],
            ["unknown Service ports", [service({ ports: unknownValue, sessionAffinity: "ClientIP" })]],
            ["an unknown Service port", [service({ ports: [{ port: unknownValue }], sessionAffinity: "ClientIP" })]],
            [
                "an unknown Service target port",
                [service({ ports: [{ port: 1, targetPort: unknownValue }], sessionAffinity: "ClientIP" })],
            ],
        ];
        for (const [what, stack] of pending) {
            const analysis = analyze(...stack);
            assertWaits(analysis, what);
        }
        const decided: [string, EngineResource[]][] = [
            [
                "an unknown affinity of another port",
                [service({ ports: [{ port: 443 }], sessionAffinity: unknownValue })],
            ],
            ["unknown ports without ClientIP", [service({ ports: unknownValue, sessionAffinity: "None" })]],
        ];
        for (const [what, stack] of decided) {
            assert.deepStrictEqual(analyze(...stack).diagnostics, [], what);
        }
    });
});
