import * as assert from "assert";
import fc from "fast-check";
import { admitsTcpPort, describeRule } from "../../../policies/rules/kubeletNotPublic";
import { assertWaits, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * kubelet-not-public: no security group rule admits the kubelet (10250/tcp) or the CNI's node
 * ports (VXLAN 8472/udp, health 4240/tcp) from every address (a /0 prefix, or no remote at all).
 */
describe("kubelet-not-public", () => {
    const engine = only("kubelet-not-public");
    // Absent properties stay absent (the wire has no undefined).
    const rule = (props: Record<string, unknown>) =>
        resource(
            types.secGroupRule,
            Object.fromEntries(
                Object.entries({ direction: "ingress", ethertype: "IPv4", ...props }).filter(
                    ([, v]) => v !== undefined,
                ),
            ),
            { name: "open" },
        );
    const check = (props: Record<string, unknown>) => messages(engine.analyze(rule(props)));
    const message = (admits: string, port: string) => {
        const [number, protocol] = port.split("/");
        const what = { "10250": "the kubelet port", "8472": "the CNI's VXLAN port", "4240": "the CNI's health port" }[
            number
        ];
        return (
            `Security group rule open admits ${admits}, which includes ${what} ${number}/${protocol}: anyone on the ` +
            "internet could reach it. Restrict the rule to a remote group or a private prefix, or narrow its port " +
            `range so that it excludes ${number}.`
        );
    };
    const tcp = (min: unknown, max: unknown, more: Record<string, unknown> = {}) => ({
        protocol: "tcp",
        portRangeMin: min,
        portRangeMax: max,
        remoteIpPrefix: "0.0.0.0/0",
        ...more,
    });
    const udp = (min: unknown, max: unknown, more: Record<string, unknown> = {}) => ({
        ...tcp(min, max, more),
        protocol: "udp",
    });

    // [what, rule props, what the message says the rule admits, the first node port it includes]
    const flagged: [string, Record<string, unknown>, string, string][] = [
        ["tcp 10250 from 0.0.0.0/0", tcp(10250, 10250), "tcp port 10250 from 0.0.0.0/0", "10250/tcp"],
        ["a range ending at 10250", tcp(10249, 10250), "tcp ports 10249-10250 from 0.0.0.0/0", "10250/tcp"],
        ["a range starting at 10250", tcp(10250, 10251), "tcp ports 10250-10251 from 0.0.0.0/0", "10250/tcp"],
        [
            "tcp 10000-11000 from ::/0",
            tcp(10000, 11000, { remoteIpPrefix: "::/0", ethertype: "IPv6" }),
            "tcp ports 10000-11000 from ::/0",
            "10250/tcp",
        ],
        ["tcp without a port range", tcp(undefined, undefined), "tcp all ports from 0.0.0.0/0", "10250/tcp"],
        ["tcp with 0 as both bounds (not set)", tcp(0, 0), "tcp all ports from 0.0.0.0/0", "10250/tcp"],
        [
            "protocol 6 with only a lower bound",
            { ...tcp(10000, undefined), protocol: "6" },
            "6 ports 10000-65535 from 0.0.0.0/0",
            "10250/tcp",
        ],
        ["a lower bound of 0 (not set)", tcp(0, 10250), "tcp ports 1-10250 from 0.0.0.0/0", "10250/tcp"],
        ["an upper bound of 0 (not set)", tcp(10250, 0), "tcp ports 10250-65535 from 0.0.0.0/0", "10250/tcp"],
        ["TCP in capitals", { ...tcp(10250, 10250), protocol: "TCP" }, "TCP port 10250 from 0.0.0.0/0", "10250/tcp"],
        [
            "a prefix with spaces",
            tcp(10250, 10250, { remoteIpPrefix: " 0.0.0.0/0 " }),
            "tcp port 10250 from  0.0.0.0/0 ",
            "10250/tcp",
        ],
        ["no protocol from 0.0.0.0/0", { remoteIpPrefix: "0.0.0.0/0" }, "every protocol from 0.0.0.0/0", "10250/tcp"],
        ["protocol any", { protocol: "any", remoteIpPrefix: "::/0" }, "every protocol from ::/0", "10250/tcp"],
        ["no protocol and no remote at all", {}, "every protocol from any address", "10250/tcp"],
        [
            "an empty prefix and no group",
            tcp(10250, 10250, { remoteIpPrefix: "" }),
            "tcp port 10250 from any address",
            "10250/tcp",
        ],
        [
            "a null group",
            tcp(10250, 10250, { remoteIpPrefix: undefined, remoteGroupId: null }),
            "tcp port 10250 from any address",
            "10250/tcp",
        ],
        [
            "an empty group",
            tcp(10250, 10250, { remoteIpPrefix: undefined, remoteGroupId: "" }),
            "tcp port 10250 from any address",
            "10250/tcp",
        ],
        [
            "direction INGRESS in capitals",
            tcp(10250, 10250, { direction: "INGRESS" }),
            "tcp port 10250 from 0.0.0.0/0",
            "10250/tcp",
        ],
        // The CNI's node ports are as private as the kubelet's.
        ["udp 8472 (VXLAN)", udp(8472, 8472), "udp port 8472 from 0.0.0.0/0", "8472/udp"],
        ["a udp range ending at 8472", udp(8000, 8472), "udp ports 8000-8472 from 0.0.0.0/0", "8472/udp"],
        ["a udp range starting at 8472", udp(8472, 9000), "udp ports 8472-9000 from 0.0.0.0/0", "8472/udp"],
        ["udp, every port", udp(undefined, undefined), "udp all ports from 0.0.0.0/0", "8472/udp"],
        ["protocol 17 from ::/0", { protocol: "17", remoteIpPrefix: "::/0" }, "17 all ports from ::/0", "8472/udp"],
        ["tcp 4240 (CNI health)", tcp(4240, 4240), "tcp port 4240 from 0.0.0.0/0", "4240/tcp"],
        ["a range around 4240", tcp(4000, 4300), "tcp ports 4000-4300 from 0.0.0.0/0", "4240/tcp"],
        ["a range ending at 4240", tcp(4239, 4240), "tcp ports 4239-4240 from 0.0.0.0/0", "4240/tcp"],
        ["a range starting at 4240", tcp(4240, 4241), "tcp ports 4240-4241 from 0.0.0.0/0", "4240/tcp"],
    ];
    for (const [what, props, admits, port] of flagged) {
        it(`flags ${what}`, () => assert.deepStrictEqual(check(props), [message(admits, port)]));
    }

    // A malformed value (not the provider's type) is read the wide way: as not set.
    const malformed: [string, Record<string, unknown>, string, string][] = [
        ["a lower bound that is a string", tcp("20000", undefined), "tcp all ports from 0.0.0.0/0", "10250/tcp"],
        ["an upper bound that is a string", tcp(undefined, "100"), "tcp all ports from 0.0.0.0/0", "10250/tcp"],
        ["a protocol that is a number", { ...tcp(22, 22), protocol: 6 }, "every protocol from 0.0.0.0/0", "10250/tcp"],
    ];
    for (const [what, props, admits, port] of malformed) {
        it(`flags ${what}`, () => assert.deepStrictEqual(check(props), [message(admits, port)]));
    }

    const fine: [string, Record<string, unknown>][] = [
        ["tcp 10250 from a remote group", tcp(10250, 10250, { remoteIpPrefix: undefined, remoteGroupId: "g" })],
        ["tcp 10250 from a private prefix", tcp(10250, 10250, { remoteIpPrefix: "10.0.0.0/8" })],
        ["tcp 10250 from one address", tcp(10250, 10250, { remoteIpPrefix: "0.0.0.0/32" })],
        ["tcp 10250 from an unparsable prefix", tcp(10250, 10250, { remoteIpPrefix: "everyone" })],
        ["tcp just below 10250", tcp(10241, 10249)],
        ["tcp just above 10250", tcp(10251, 10300)],
        ["tcp 22", tcp(22, 22)],
        ["tcp just below 4240", tcp(4000, 4239)],
        ["tcp just above 4240", tcp(4241, 4300)],
        ["tcp 8472 (VXLAN is udp)", tcp(8472, 8472)],
        ["udp 53", udp(53, 53)],
        ["udp 10250 (the kubelet is tcp)", udp(10250, 10250)],
        ["udp 4240 (the health port is tcp)", udp(4240, 4240)],
        ["udp just below 8472", udp(8000, 8471)],
        ["udp just above 8472", udp(8473, 9000)],
        ["udp 8472 from a remote group", udp(8472, 8472, { remoteIpPrefix: undefined, remoteGroupId: "g" })],
        ["icmp from ::/0", { protocol: "icmp", remoteIpPrefix: "::/0" }],
        ["IP-in-IP (4) from 0.0.0.0/0", { protocol: "4", remoteIpPrefix: "0.0.0.0/0" }],
        ["egress to everywhere", { direction: "egress", remoteIpPrefix: "0.0.0.0/0" }],
        ["a rule without a direction", { direction: undefined, remoteIpPrefix: "0.0.0.0/0" }],
    ];
    for (const [what, props] of fine) {
        it(`passes ${what}`, () => assert.deepStrictEqual(check(props), []));
    }

    it("reports one violation per rule, however many node ports it opens, on the rule's URN", () => {
        const open = rule({});
        const analysis = engine.analyze(open);
        assert.deepStrictEqual(urns(analysis), [open.urn]);
        assert.deepStrictEqual(levels(analysis), ["mandatory"]);
    });

    it("flags a tcp range exactly when it covers 10250 or 4240, a udp range exactly when it covers 8472", () => {
        const bound = fc.integer({ min: 1, max: 65535 });
        fc.assert(
            fc.property(bound, bound, fc.constantFrom("tcp", "udp"), (a, b, protocol) => {
                const [min, max] = a <= b ? [a, b] : [b, a];
                const ports = protocol === "tcp" ? [10250, 4240] : [8472];
                const covered = ports.some((p) => min <= p && p <= max);
                return check({ ...tcp(min, max), protocol }).length === (covered ? 1 : 0);
            }),
        );
    });

    // Each of these waits on the unknown value (advisory); none is decided without it.
    const pending: [string, Record<string, unknown>][] = [
        ["direction", tcp(10250, 10250, { direction: unknownValue })],
        ["protocol", { ...tcp(10250, 10250), protocol: unknownValue }],
        ["lower bound", tcp(unknownValue, 10250)],
        ["upper bound", tcp(10250, unknownValue)],
        ["remote prefix", tcp(10250, 10250, { remoteIpPrefix: unknownValue })],
    ];
    for (const [what, props] of pending) {
        it(`waits for an unknown ${what} (advisory, during preview)`, () => {
            const analysis = engine.analyze(rule(props));
            assertWaits(analysis);
        });
    }

    const decided: [string, Record<string, unknown>][] = [
        ["an unknown protocol on a range without node ports", { ...tcp(22, 22), protocol: unknownValue }],
        ["an unknown upper bound above every node port", tcp(10251, unknownValue)],
        ["an unknown lower bound below every node port", tcp(unknownValue, 4000)],
        [
            "an unknown remote group (it is a group)",
            tcp(10250, 10250, { remoteIpPrefix: undefined, remoteGroupId: unknownValue }),
        ],
        ["an unknown prefix on a range without node ports", tcp(22, 22, { remoteIpPrefix: unknownValue })],
        ["an unknown direction on icmp", { direction: unknownValue, protocol: "icmp" }],
    ];
    for (const [what, props] of decided) {
        it(`passes ${what} without waiting`, () => assert.deepStrictEqual(engine.analyze(rule(props)).diagnostics, []));
    }

    it("is not applicable to other types, without being called", () =>
        assert.deepStrictEqual(notApplicable(engine.analyze(resource(types.deployment, {}))), [
            `Policy only applies to resources of type '${types.secGroupRule}'`,
        ]));

    const plainRule = (props: Record<string, unknown>) => {
        const { type, name, urn } = resource(types.secGroupRule, props);
        return { type, name, urn, props, dependencies: [], propertyDependencies: {} };
    };
    it("admitsTcpPort asks about TCP", () => {
        assert.strictEqual(admitsTcpPort({ protocol: "tcp", portRangeMin: 10250, portRangeMax: 10250 }, 10250), true);
        assert.strictEqual(admitsTcpPort({ protocol: "udp", portRangeMin: 10250, portRangeMax: 10250 }, 10250), false);
    });

    describe("describeRule (what the message says a rule admits)", () => {
        const table: [Record<string, unknown>, string][] = [
            [{ protocol: "icmp", remoteIpPrefix: "0.0.0.0/0" }, "icmp from 0.0.0.0/0"],
            [{ protocol: "gre" }, "gre from any address"],
            [{ protocol: "", remoteIpPrefix: "" }, "every protocol from any address"],
            [{ protocol: "udp", portRangeMin: 53, portRangeMax: 53 }, "udp port 53 from any address"],
            [{ protocol: "tcp", portRangeMin: "22", portRangeMax: "22" }, "tcp all ports from any address"],
            [{ protocol: 6, remoteIpPrefix: 7 }, "every protocol from any address"],
        ];
        for (const [props, text] of table) {
            it(`${JSON.stringify(props)}: ${text}`, () => assert.strictEqual(describeRule(plainRule(props)), text));
        }
    });
});
