import * as assert from "assert";
import fc from "fast-check";
import { EngineResource } from "../engine";
import { assertWaits, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * workers-no-internet-ingress: a worker security group (recognised by the program's markers, by
 * its kubelet rule from inside, or by the nodes that use it) admits nothing from internet sources
 * but the allowed ports (default SSH 22).
 */
describe("workers-no-internet-ingress", () => {
    const engine = only("workers-no-internet-ingress");
    const noUndefined = (props: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    const group = (props: Record<string, unknown>, extra: Partial<EngineResource> = {}) =>
        resource(types.secGroup, { id: `sg-${props.name as string}`, ...props }, extra);
    /** A rule of `of`, linked the way the program links it: securityGroupId from the group's id. */
    const ruleOf = (
        of: EngineResource | undefined,
        props: Record<string, unknown>,
        extra: Partial<EngineResource> = {},
    ) =>
        resource(
            types.secGroupRule,
            noUndefined({
                direction: "ingress",
                ethertype: "IPv4",
                ...(of ? { securityGroupId: unknownValue } : {}),
                ...props,
            }),
            { name: "web", ...(of ? { propertyDependencies: { securityGroupId: [of.urn] } } : {}), ...extra },
        );
    const tcp = (min: unknown, max: unknown, remoteIpPrefix: unknown = "0.0.0.0/0") => ({
        protocol: "tcp",
        portRangeMin: min,
        portRangeMax: max,
        remoteIpPrefix,
    });
    const web = tcp(80, 80);
    const analyze = (...resources: EngineResource[]) => engine.analyzeStack(resources);
    const message = (admits: string, groupName = "prod-workers", allowed = "22") =>
        `Security group rule web admits ${admits} into the worker security group ${groupName}. Workers take no ` +
        `ingress from the internet (konnectivity agents dial out); only ports [${allowed}] may be opened to internet ` +
        "sources. Remove the rule, restrict its source to a private prefix or a remote group, or (if intended) add " +
        "the port to the policy's allowedPorts config.";
    const notApplicableReason = "the stack has no worker security group";

    describe("what it flags in a worker group", () => {
        const workers = group({ name: "prod-workers" }, { name: "prod-workers" });
        const check = (props: Record<string, unknown>) => messages(analyze(workers, ruleOf(workers, props)));
        const flagged: [string, Record<string, unknown>, string][] = [
            ["tcp 80 from 0.0.0.0/0", web, "tcp port 80 from 0.0.0.0/0"],
            ["tcp 80 from a public prefix", tcp(80, 80, "198.51.100.0/24"), "tcp port 80 from 198.51.100.0/24"],
            ["tcp 80 from one public address", tcp(80, 80, "8.8.8.8"), "tcp port 80 from 8.8.8.8"],
            ["tcp 80 from an unparsable prefix", tcp(80, 80, "everyone"), "tcp port 80 from everyone"],
            ["tcp 80 from just outside 172.16.0.0/12", tcp(80, 80, "172.32.0.0/16"), "tcp port 80 from 172.32.0.0/16"],
            ["tcp 80 from ::/0", tcp(80, 80, "::/0"), "tcp port 80 from ::/0"],
            ["tcp 22-23 (23 is not allowed)", tcp(22, 23), "tcp ports 22-23 from 0.0.0.0/0"],
            ["tcp 21-22 (21 is not allowed)", tcp(21, 22), "tcp ports 21-22 from 0.0.0.0/0"],
            ["tcp without a port range", tcp(undefined, undefined), "tcp all ports from 0.0.0.0/0"],
            ["tcp 22 and up", tcp(22, undefined), "tcp ports 22-65535 from 0.0.0.0/0"],
            ["udp 53", { ...tcp(53, 53), protocol: "udp" }, "udp port 53 from 0.0.0.0/0"],
            ["icmp (no ports to allow)", { protocol: "icmp", remoteIpPrefix: "0.0.0.0/0" }, "icmp from 0.0.0.0/0"],
            ["every protocol", { remoteIpPrefix: "0.0.0.0/0" }, "every protocol from 0.0.0.0/0"],
            ["every protocol on port 22", { ...tcp(22, 22), protocol: "any" }, "every protocol from 0.0.0.0/0"],
            [
                "no remote at all",
                { protocol: "tcp", portRangeMin: 443, portRangeMax: 443 },
                "tcp port 443 from any address",
            ],
            [
                "an empty prefix and an empty group",
                { ...tcp(443, 443, ""), remoteGroupId: "" },
                "tcp port 443 from any address",
            ],
            [
                "a null remote group",
                { ...tcp(443, 443), remoteIpPrefix: undefined, remoteGroupId: null },
                "tcp port 443 from any address",
            ],
            // A malformed value (not the provider's type) is read the wide way: as not set.
            ["a protocol that is a number", { ...tcp(22, 22), protocol: 6 }, "every protocol from 0.0.0.0/0"],
            ["an upper bound that is a string", tcp(22, "22"), "tcp ports 22-65535 from 0.0.0.0/0"],
            ["direction INGRESS in capitals", { ...web, direction: "INGRESS" }, "tcp port 80 from 0.0.0.0/0"],
        ];
        for (const [what, props, admits] of flagged) {
            it(`flags ${what}`, () => assert.deepStrictEqual(check(props), [message(admits)]));
        }

        const fine: [string, Record<string, unknown>][] = [
            ["SSH from an allowlisted prefix", tcp(22, 22, "198.51.100.0/24")],
            ["SSH from 0.0.0.0/0 (22 is allowed)", tcp(22, 22)],
            ["udp 22 (an allowed port is allowed on udp too)", { ...tcp(22, 22), protocol: "udp" }],
            ["tcp 80 from a remote group", { ...tcp(80, 80), remoteIpPrefix: undefined, remoteGroupId: "sg-lb" }],
            ["tcp 80 from 10.0.0.0/8", tcp(80, 80, "10.0.0.0/8")],
            ["tcp 80 from 172.16.5.0/24", tcp(80, 80, "172.16.5.0/24")],
            ["tcp 80 from 192.168.1.0/24", tcp(80, 80, "192.168.1.0/24")],
            ["tcp 80 from the shared space 100.64.0.0/10", tcp(80, 80, "100.64.0.0/10")],
            ["tcp 80 from fd00::/8", tcp(80, 80, "fd00::/8")],
            ["tcp 80 egress", { ...web, direction: "egress" }],
            ["a range given backwards (Neutron refuses it)", tcp(80, 22)],
            ["an empty prefix with a remote group", { ...tcp(80, 80, ""), remoteGroupId: "sg-lb" }],
        ];
        for (const [what, props] of fine) {
            it(`passes ${what}`, () =>
                assert.deepStrictEqual(analyze(workers, ruleOf(workers, props)).diagnostics, []));
        }

        it("reports each violating rule on its own URN, as mandatory", () => {
            const [a, b] = [ruleOf(workers, web, { name: "a" }), ruleOf(workers, tcp(81, 81), { name: "b" })];
            const analysis = analyze(workers, a, ruleOf(workers, tcp(22, 22)), b);
            assert.deepStrictEqual(urns(analysis), [a.urn, b.urn]);
            assert.deepStrictEqual(levels(analysis), ["mandatory", "mandatory"]);
        });

        it("allows exactly the configured ports, and names them", () => {
            const configured = only("workers-no-internet-ingress", {
                "workers-no-internet-ingress": { allowedPorts: [443, 80, 81] },
            });
            const run = (props: Record<string, unknown>) =>
                messages(configured.analyzeStack([workers, ruleOf(workers, props)]));
            assert.deepStrictEqual(run(tcp(80, 81)), []);
            const low = only("workers-no-internet-ingress", {
                "workers-no-internet-ingress": { allowedPorts: [1, 2] },
            });
            assert.deepStrictEqual(
                low.analyzeStack([workers, ruleOf(workers, tcp("2", 2))]).diagnostics,
                [],
                "a lower bound that is a string is not set: ports 1-2",
            );
            assert.deepStrictEqual(run(tcp(443, 443)), []);
            assert.deepStrictEqual(run(tcp(22, 22)), [
                message("tcp port 22 from 0.0.0.0/0", "prod-workers", "443, 80, 81"),
            ]);
            assert.deepStrictEqual(run(tcp(80, 82)), [
                message("tcp ports 80-82 from 0.0.0.0/0", "prod-workers", "443, 80, 81"),
            ]);
        });

        it("flags an internet range exactly when it admits a port that is not allowed", () => {
            const bound = fc.integer({ min: 1, max: 65535 });
            const allowedPorts = [22, 23, 24, 8080];
            const configured = only("workers-no-internet-ingress", {
                "workers-no-internet-ingress": { allowedPorts },
            });
            fc.assert(
                fc.property(fc.integer({ min: 1, max: 8100 }), fc.integer({ min: 0, max: 5 }), (min, width) => {
                    const max = Math.min(min + width, 65535);
                    const flagged = configured.analyzeStack([workers, ruleOf(workers, tcp(min, max))]).diagnostics;
                    const ok = Array.from({ length: max - min + 1 }, (_, i) => min + i).every((p) =>
                        allowedPorts.includes(p),
                    );
                    return flagged.length === (ok ? 0 : 1);
                }),
            );
            fc.assert(
                fc.property(
                    bound,
                    (port) =>
                        messages(analyze(workers, ruleOf(workers, tcp(port, port)))).length === (port === 22 ? 0 : 1),
                ),
            );
        });

        // Each of these waits on the unknown value (advisory); none is decided without it.
        const pending: [string, Record<string, unknown>][] = [
            ["direction", { ...web, direction: unknownValue }],
            ["remote prefix", tcp(80, 80, unknownValue)],
            ["protocol", { ...web, protocol: unknownValue }],
            ["lower bound", tcp(unknownValue, 80)],
            ["upper bound", tcp(80, unknownValue)],
        ];
        for (const [what, props] of pending) {
            it(`waits for an unknown ${what} (advisory, during preview)`, () => {
                const analysis = analyze(workers, ruleOf(workers, props));
                assertWaits(analysis);
            });
        }
        const decided: [string, Record<string, unknown>][] = [
            ["an unknown protocol from a private prefix", { ...tcp(80, 80, "10.1.0.0/16"), protocol: unknownValue }],
            ["an unknown prefix on egress", { ...tcp(80, 80, unknownValue), direction: "egress" }],
            [
                "an unknown upper bound from a remote group",
                { ...tcp(80, unknownValue), remoteIpPrefix: undefined, remoteGroupId: "g" },
            ],
            [
                "an unknown remote group (it is a group)",
                { ...tcp(80, 80), remoteIpPrefix: undefined, remoteGroupId: unknownValue },
            ],
        ];
        for (const [what, props] of decided) {
            it(`passes ${what} without waiting`, () =>
                assert.deepStrictEqual(analyze(workers, ruleOf(workers, props)).diagnostics, []));
        }
        it("decides a rule that is not ported without waiting on its bounds", () =>
            assert.deepStrictEqual(
                messages(analyze(workers, ruleOf(workers, { protocol: "icmp", portRangeMin: unknownValue }))),
                [message("icmp from any address")],
            ));
    });

    describe("which groups are worker groups, and which rules are theirs", () => {
        const component = resource(types.workerSecurityGroup, {});
        const otherComponent = resource(types.workerSecurityGroup, {});
        const check = (...resources: EngineResource[]) => {
            const analysis = analyze(...resources);
            return analysis.notApplicable.length > 0 ? "not applicable" : messages(analysis).length;
        };

        it("by the program's markers: its component, a name ending in -workers, a gks workers description", () => {
            const table: [Record<string, unknown>, Partial<EngineResource>, number | string][] = [
                [{ name: "prod-workers" }, {}, 1],
                [{ name: "x", description: "gks workers: nodes of prod" }, {}, 1],
                [{ name: "x" }, { parent: component.urn }, 1],
                [{ name: "workers-prod" }, {}, "not applicable"],
                [{ name: "x", description: "the gks workers" }, {}, "not applicable"],
                [{ name: "x" }, { parent: resource("my:index:Other", {}).urn }, "not applicable"],
                [{ name: 7, description: 7 }, {}, "not applicable"],
            ];
            for (const [props, extra, expected] of table) {
                const g = group(props, extra);
                assert.strictEqual(check(component, g, ruleOf(g, web)), expected, JSON.stringify(props));
            }
        });

        it("by a rule of its own that admits the kubelet from inside (a group or a private prefix)", () => {
            const kubelet = { protocol: "tcp", portRangeMin: 10250, portRangeMax: 10250 };
            const table: [string, Record<string, unknown>, number | string][] = [
                ["from its own group", { ...kubelet, remoteGroupId: "sg-pool" }, 1],
                ["from a private prefix", { ...kubelet, remoteIpPrefix: "10.0.0.0/16" }, 1],
                ["from every protocol, privately", { remoteIpPrefix: "10.0.0.0/16" }, 1],
                ["from the internet", { ...kubelet, remoteIpPrefix: "0.0.0.0/0" }, "not applicable"],
                ["egress", { ...kubelet, remoteGroupId: "sg-pool", direction: "egress" }, "not applicable"],
                ["on udp", { ...kubelet, protocol: "udp", remoteGroupId: "sg-pool" }, "not applicable"],
                [
                    "on another port",
                    { ...kubelet, portRangeMin: 10251, portRangeMax: 10259, remoteGroupId: "g" },
                    "not applicable",
                ],
                ["of an unknown source", { ...kubelet, remoteIpPrefix: unknownValue }, "not applicable"],
                [
                    "of an unknown direction",
                    { ...kubelet, remoteGroupId: "g", direction: unknownValue },
                    "not applicable",
                ],
                [
                    "of an unknown protocol",
                    { ...kubelet, remoteGroupId: "g", protocol: unknownValue },
                    "not applicable",
                ],
            ];
            for (const [what, props, expected] of table) {
                const g = group({ name: "pool" });
                const inside = ruleOf(g, props, { name: "kubelet" });
                // The kubelet rule itself is not flagged: it admits nothing from the internet.
                assert.strictEqual(check(g, inside, ruleOf(g, web)), expected, what);
            }
            const g = group({ name: "pool" });
            const elsewhere = group({ name: "seed" });
            assert.strictEqual(
                check(g, elsewhere, ruleOf(elsewhere, { ...kubelet, remoteGroupId: "g" }), ruleOf(g, web)),
                0,
                "a kubelet rule of another group (which makes that group a worker group)",
            );
        });

        it("by the nodes that use it: an instance by name or id, a port by id, either by reference", () => {
            const g = group({ name: "pool-b", id: "sg-b" });
            const ref = { propertyDependencies: { securityGroupIds: [g.urn] } };
            const table: [string, EngineResource, number | string][] = [
                ["an instance by name", resource(types.instance, { securityGroups: ["default", "pool-b"] }), 1],
                ["an instance by id", resource(types.instance, { securityGroups: ["sg-b"] }), 1],
                ["a port by id", resource(types.port, { securityGroupIds: ["sg-b"] }), 1],
                ["a port by reference", resource(types.port, { securityGroupIds: [unknownValue] }, ref), 1],
                [
                    "an instance by reference",
                    resource(
                        types.instance,
                        { securityGroups: [unknownValue] },
                        {
                            propertyDependencies: { securityGroups: [g.urn] },
                        },
                    ),
                    1,
                ],
                [
                    "an instance of other groups",
                    resource(types.instance, { securityGroups: ["default"] }),
                    "not applicable",
                ],
                ["a name that is not a list", resource(types.instance, { securityGroups: "pool-b" }), "not applicable"],
                [
                    "a port referring to another group",
                    resource(
                        types.port,
                        { securityGroupIds: [unknownValue] },
                        {
                            propertyDependencies: { securityGroupIds: ["urn:other"] },
                        },
                    ),
                    "not applicable",
                ],
                ["a load balancer", resource(types.loadBalancer, { securityGroups: ["pool-b"] }), "not applicable"],
            ];
            for (const [what, user, expected] of table) {
                assert.strictEqual(check(g, ruleOf(g, web), user), expected, what);
            }
            const numbered = group({ name: 7, id: 7 });
            assert.strictEqual(
                check(numbered, ruleOf(numbered, web), resource(types.instance, { securityGroups: [7] })),
                "not applicable",
                "a name that is not a string names no group",
            );
            const unnamed = group({ name: "", id: "" });
            assert.strictEqual(
                check(unnamed, ruleOf(unnamed, web), resource(types.instance, { securityGroups: [""] })),
                "not applicable",
                "an empty name names no group",
            );
        });

        it("a rule is the group's by securityGroupId, or by sharing its WorkerSecurityGroup component", () => {
            const workers = group({ name: "x" }, { parent: component.urn });
            const byId = resource(types.secGroupRule, { direction: "ingress", securityGroupId: "sg-x", ...web });
            assert.strictEqual(check(component, workers, byId), 1, "by the group's known id");
            const sibling = ruleOf(undefined, web, { parent: component.urn });
            assert.strictEqual(check(component, workers, sibling), 1, "by the component");
            const stranger = ruleOf(undefined, web, { parent: otherComponent.urn });
            assert.strictEqual(check(component, otherComponent, workers, stranger), 0, "another component's");
            const orphan = ruleOf(undefined, web);
            assert.strictEqual(check(component, workers, orphan), 0, "no component, no id");
            const mine = resource("my:index:Other", {});
            const named = group({ name: "y-workers" }, { parent: mine.urn });
            const cousin = ruleOf(undefined, web, { parent: mine.urn });
            assert.strictEqual(check(mine, named, cousin), 0, "a parent that is no WorkerSecurityGroup links nothing");
            const other = group({ name: "seed" });
            assert.strictEqual(check(component, workers, other, ruleOf(other, web)), 0, "a rule of another group");
        });

        it("names the group the rule belongs to", () => {
            const a = group({ name: "a-workers" }, { name: "a" });
            const b = group({ name: "b-workers" }, { name: "b" });
            assert.deepStrictEqual(messages(analyze(a, b, ruleOf(b, web))), [
                message("tcp port 80 from 0.0.0.0/0", "b"),
            ]);
        });

        it("waits on a rule whose group is not known yet, and not on one that is another's", () => {
            const workers = group({ name: "prod-workers" });
            const other = group({ name: "seed" });
            const unlinked = resource(types.secGroupRule, {
                direction: "ingress",
                securityGroupId: unknownValue,
                ...web,
            });
            const analysis = analyze(other, workers, unlinked);
            assertWaits(analysis);
            assert.deepStrictEqual(analyze(workers, other, ruleOf(other, web)).diagnostics, []);
        });

        it("is not applicable without a worker group", () => {
            const seed = group({ name: "seed-nodes" });
            const analysis = analyze(seed, ruleOf(seed, web));
            assert.deepStrictEqual(analysis.diagnostics, []);
            assert.deepStrictEqual(notApplicable(analysis), [notApplicableReason]);
            assert.deepStrictEqual(notApplicable(analyze()), [notApplicableReason]);
        });
    });
});
