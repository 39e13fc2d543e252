import * as assert from "assert";
import { EngineResource } from "../engine";
import { assertWaits, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * tunnel-listener-not-public: the tunnel's listeners (konnectivity's agent port, OpenVPN's) admit
 * named sources only: an allowedCidrs list without a /0 entry; on OVN (which cannot enforce
 * allowed_cidrs and keeps the client's address), no seed rule admits their NodePorts from everyone.
 */
describe("tunnel-listener-not-public", () => {
    const name = "tunnel-listener-not-public";
    const engine = only(name);
    const why =
        "Only the workers dial the tunnel; an open port lets anyone probe the tunnel's TLS (OpenVPN's has no " +
        "other gate) and load it with handshakes.";
    const lb = (provider: unknown = "amphora", id = "lb-1") =>
        resource(types.loadBalancer, { id, loadbalancerProvider: provider });
    const listener = (port: unknown, allowedCidrs?: unknown, lbId = "lb-1") =>
        resource(
            types.listener,
            {
                id: `l-${String(port)}`,
                loadbalancerId: lbId,
                protocol: "TCP",
                protocolPort: port,
                ...(allowedCidrs === undefined ? {} : { allowedCidrs }),
            },
            { name: "tunnel" },
        );
    const analyze = (...resources: EngineResource[]) => engine.analyzeStack(resources);
    const check = (...resources: EngineResource[]) => messages(analyze(...resources));

    describe("a listener's allowlist", () => {
        const table: [string, number, unknown, string | undefined][] = [
            ["an OpenVPN listener without an allowlist", 1194, undefined, "every address (no allowedCidrs)"],
            ["an agent listener without an allowlist", 8132, undefined, "every address (no allowedCidrs)"],
            ["an agent listener with an empty allowlist", 8132, [], "every address (no allowedCidrs)"],
            ["an allowlist that is not a list", 8132, "203.0.113.7/32", "every address (no allowedCidrs)"],
            ["an allowlist with 0.0.0.0/0", 1194, ["203.0.113.7/32", "0.0.0.0/0"], "0.0.0.0/0"],
            ["an allowlist with both /0", 8132, ["::/0", "10.0.0.0/8", "0.0.0.0/0"], "::/0, 0.0.0.0/0"],
            ["the worker router only", 1194, ["203.0.113.7/32"], undefined],
            ["a private range", 8132, ["10.0.0.0/8"], undefined],
            ["an entry not known yet (the router's address)", 8132, [unknownValue], undefined],
            ["an entry that is no string", 8132, [7], undefined],
        ];
        for (const [what, port, allowed, admits] of table) {
            it(`${admits ? "flags" : "passes"} ${what}`, () => {
                const l = listener(port, allowed);
                const analysis = analyze(lb(), l);
                const expected = admits ? [`listener tunnel (port ${port}) admits ${admits}. ${why}`] : [];
                assert.deepStrictEqual(messages(analysis), expected);
                assert.deepStrictEqual(urns(analysis), admits ? [l.urn] : []);
                assert.deepStrictEqual(levels(analysis), admits ? ["mandatory"] : []);
            });
        }

        it("ignores the API listener (not a tunnel), and follows the configured ports", () => {
            assert.deepStrictEqual(notApplicable(analyze(lb(), listener(6443, ["0.0.0.0/0"]))), [
                "the stack has no listener on the tunnel ports 8132 or 1194",
            ]);
            assert.deepStrictEqual(check(lb(), listener(6443), listener(8132, ["203.0.113.7/32"])), []);
            const moved = only(name, { [name]: { openvpnPort: 11940, tunnelPort: 9132 } });
            for (const port of [11940, 9132]) {
                assert.strictEqual(messages(moved.analyzeStack([lb(), listener(port)])).length, 1, String(port));
            }
            assert.deepStrictEqual(notApplicable(moved.analyzeStack([lb(), listener(1194), listener(8132)])), [
                "the stack has no listener on the tunnel ports 9132 or 11940",
            ]);
        });

        it("waits for an unknown allowlist or port (advisory)", () => {
            for (const stack of [
                [lb(), listener(8132, unknownValue)],
                [lb(), listener(unknownValue)],
            ]) {
                const analysis = analyze(...stack);
                assertWaits(analysis);
                assert.deepStrictEqual(analysis.notApplicable, []);
            }
        });

        it("checks the allowlist of a listener on another provider's or an unknown load balancer", () => {
            assert.strictEqual(check(lb("octavia"), listener(8132)).length, 1);
            assert.strictEqual(check(lb("ovn", "lb-2"), listener(8132)).length, 1);
            assert.strictEqual(check(listener(8132)).length, 1);
        });
    });

    describe("on OVN, the seed rules that admit the pool's NodePort", () => {
        const nodePort = 30194;
        const pool = resource(types.pool, { id: "p-1", listenerId: "l-1194" });
        const member = (port: unknown = nodePort, poolId = "p-1") =>
            resource(types.member, { poolId, address: "10.0.0.11", protocolPort: port });
        const rule = (props: Record<string, unknown>) =>
            resource(
                types.secGroupRule,
                Object.fromEntries(
                    Object.entries({
                        direction: "ingress",
                        ethertype: "IPv4",
                        protocol: "tcp",
                        portRangeMin: nodePort,
                        portRangeMax: nodePort,
                        remoteIpPrefix: "0.0.0.0/0",
                        ...props,
                    }).filter(([, v]) => v !== undefined),
                ),
                { name: "nodeports" },
            );
        const stack = [lb("ovn"), listener(1194), pool, member()];
        const open = (from: string) =>
            `Security group rule nodeports admits the NodePort behind listener tunnel (port 1194) from ${from}, and ` +
            `the OVN load balancer forwards every client to it. ${why}`;

        const flagged: [string, Record<string, unknown>, string][] = [
            ["the NodePort from 0.0.0.0/0", {}, "0.0.0.0/0"],
            ["the NodePort from ::/0", { remoteIpPrefix: "::/0", ethertype: "IPv6" }, "::/0"],
            ["a range ending at the NodePort", { portRangeMin: 30000 }, "0.0.0.0/0"],
            ["a range starting at the NodePort", { portRangeMax: 32767 }, "0.0.0.0/0"],
            ["every port", { portRangeMin: undefined, portRangeMax: undefined }, "0.0.0.0/0"],
            ["every protocol", { protocol: undefined, portRangeMin: undefined, portRangeMax: undefined }, "0.0.0.0/0"],
            ["no remote at all", { remoteIpPrefix: undefined }, "any address"],
            ["an empty prefix and no group (everyone)", { remoteIpPrefix: "" }, "any address"],
            ["an empty group (everyone)", { remoteIpPrefix: undefined, remoteGroupId: "" }, "any address"],
        ];
        for (const [what, props, from] of flagged) {
            it(`flags ${what}`, () => {
                const r = rule(props);
                const analysis = analyze(...stack, r);
                assert.deepStrictEqual(messages(analysis), [open(from)]);
                assert.deepStrictEqual(urns(analysis), [r.urn]);
            });
        }

        const fine: [string, Record<string, unknown>][] = [
            ["the worker router's address", { remoteIpPrefix: "203.0.113.7/32" }],
            ["the seed's network", { remoteIpPrefix: "10.0.0.0/24" }],
            ["a remote group", { remoteIpPrefix: undefined, remoteGroupId: "sg-workers" }],
            ["the NodePort on udp", { protocol: "udp" }],
            ["a range below the NodePort", { portRangeMin: 30000, portRangeMax: nodePort - 1 }],
            ["a range above the NodePort", { portRangeMin: nodePort + 1, portRangeMax: 32767 }],
            ["egress", { direction: "egress" }],
        ];
        for (const [what, props] of fine) {
            it(`passes ${what}`, () => assert.deepStrictEqual(analyze(...stack, rule(props)).diagnostics, []));
        }

        it("does not read the listener's allowlist there (OVN cannot enforce it)", () =>
            assert.deepStrictEqual(check(lb("ovn"), listener(1194, ["0.0.0.0/0"]), pool, member()), []));

        it("finds the pool by the listener's default pool too, and only the members of its pools", () => {
            const l = resource(types.listener, {
                id: "l-8132",
                loadbalancerId: "lb-1",
                protocolPort: 8132,
                defaultPoolId: "p-9",
            });
            const p = resource(types.pool, { id: "p-9" });
            assert.strictEqual(check(lb("ovn"), l, p, member(nodePort, "p-9"), rule({})).length, 1);
            assert.deepStrictEqual(
                check(lb("ovn"), l, p, member(nodePort, "p-1"), rule({})),
                [],
                "another pool's member",
            );
            const other = resource(types.pool, { id: "p-1", listenerId: "l-6443" });
            assert.deepStrictEqual(
                check(...stack.slice(0, 2), other, member(), rule({})),
                [],
                "another listener's pool",
            );
            assert.deepStrictEqual(check(...stack.slice(0, 3), rule({})), [], "no members");
            assert.deepStrictEqual(
                check(...stack.slice(0, 3), member("30194"), rule({})),
                [],
                "a port that is no number",
            );
        });

        const pending: [string, EngineResource[]][] = [
            ["an unknown member port", [...stack.slice(0, 3), member(unknownValue), rule({})]],
            ["an unknown direction", [...stack, rule({ direction: unknownValue })]],
            ["an unknown protocol", [...stack, rule({ protocol: unknownValue })]],
            ["an unknown lower bound", [...stack, rule({ portRangeMin: unknownValue })]],
            ["an unknown upper bound", [...stack, rule({ portRangeMax: unknownValue })]],
            ["an unknown prefix", [...stack, rule({ remoteIpPrefix: unknownValue })]],
        ];
        for (const [what, resources] of pending) {
            it(`waits for ${what} (advisory)`, () => {
                const analysis = analyze(...resources);
                assertWaits(analysis);
            });
        }

        const decided: [string, Record<string, unknown>][] = [
            ["an unknown remote group (it is a group)", { remoteIpPrefix: undefined, remoteGroupId: unknownValue }],
            ["an unknown prefix on egress", { direction: "egress", remoteIpPrefix: unknownValue }],
            ["an unknown direction of a private rule", { direction: unknownValue, remoteIpPrefix: "10.0.0.0/8" }],
            ["an unknown prefix below the NodePort", { portRangeMax: 30000, remoteIpPrefix: unknownValue }],
        ];
        for (const [what, props] of decided) {
            it(`passes ${what} without waiting`, () =>
                assert.deepStrictEqual(analyze(...stack, rule(props)).diagnostics, []));
        }
    });
});
