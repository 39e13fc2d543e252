import * as assert from "assert";
import { policies } from "../../policies/policies";
import { Engine, EngineResource, unknownValue, violated } from "./engine";

/**
 * Each policy on its own, one resource (or a small stack) at a time, as the engine calls it:
 * Analyze for resource policies, AnalyzeStack for stack policies.
 */
const engine = new Engine(policies);
const only = (name: string) => new Engine(policies.filter((p) => p.name === name));

let serial = 0;
function res(type: string, props: Record<string, unknown>, extra: Partial<EngineResource> = {}): EngineResource {
    const name = `r${++serial}`;
    return { type, name, urn: `urn:pulumi:test::gks-cluster::${type}::${name}`, props, ...extra };
}

const ruleType = "openstack:networking/secGroupRule:SecGroupRule";
const deploymentType = "kubernetes:apps/v1:Deployment";

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

    describe("kubelet-not-public (per rule)", () => {
        const analyze = (props: Record<string, unknown>) => violated(engine.analyze(res(ruleType, props)));
        const ingress = { direction: "ingress", ethertype: "IPv4" };
        const flagged: [string, Record<string, unknown>][] = [
            [
                "tcp 10250 from 0.0.0.0/0",
                { protocol: "tcp", portRangeMin: 10250, portRangeMax: 10250, remoteIpPrefix: "0.0.0.0/0" },
            ],
            [
                "tcp 10000-11000 from ::/0",
                { protocol: "tcp", portRangeMin: 10000, portRangeMax: 11000, remoteIpPrefix: "::/0" },
            ],
            ["tcp without a port range from 0.0.0.0/0", { protocol: "tcp", remoteIpPrefix: "0.0.0.0/0" }],
            ["no protocol from 0.0.0.0/0", { remoteIpPrefix: "0.0.0.0/0" }],
            ["no protocol and no remote at all", {}],
            ["protocol 6 with only a lower bound", { protocol: "6", portRangeMin: 10000, remoteIpPrefix: "0.0.0.0/0" }],
            // The CNI's node ports are as private as the kubelet's.
            [
                "udp 8472 (VXLAN) from 0.0.0.0/0",
                { protocol: "udp", portRangeMin: 8472, portRangeMax: 8472, remoteIpPrefix: "0.0.0.0/0" },
            ],
            ["udp everything from 0.0.0.0/0 (includes VXLAN)", { protocol: "udp", remoteIpPrefix: "0.0.0.0/0" }],
            ["protocol 17 from ::/0", { protocol: "17", remoteIpPrefix: "::/0" }],
            [
                "tcp 4240 (CNI health) from 0.0.0.0/0",
                { protocol: "tcp", portRangeMin: 4000, portRangeMax: 4300, remoteIpPrefix: "0.0.0.0/0" },
            ],
        ];
        for (const [what, props] of flagged) {
            it(`flags ${what}`, () =>
                assert.deepStrictEqual(analyze({ ...ingress, ...props }), ["kubelet-not-public"]));
        }
        const fine: [string, Record<string, unknown>][] = [
            [
                "tcp 10250 from the group itself",
                { protocol: "tcp", portRangeMin: 10250, portRangeMax: 10250, remoteGroupId: "g" },
            ],
            [
                "tcp 10250 from a private prefix",
                { protocol: "tcp", portRangeMin: 10250, portRangeMax: 10250, remoteIpPrefix: "10.0.0.0/8" },
            ],
            [
                "tcp 22 from 0.0.0.0/0",
                { protocol: "tcp", portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: "0.0.0.0/0" },
            ],
            [
                "udp 53 from 0.0.0.0/0",
                { protocol: "udp", portRangeMin: 53, portRangeMax: 53, remoteIpPrefix: "0.0.0.0/0" },
            ],
            [
                "udp 8472 from the group itself",
                { protocol: "udp", portRangeMin: 8472, portRangeMax: 8472, remoteGroupId: "g" },
            ],
            ["icmp from ::/0", { protocol: "icmp", remoteIpPrefix: "::/0" }],
        ];
        for (const [what, props] of fine) {
            it(`passes ${what}`, () => assert.deepStrictEqual(analyze({ ...ingress, ...props }), []));
        }
        it("passes egress to everywhere", () =>
            assert.deepStrictEqual(analyze({ direction: "egress", remoteIpPrefix: "0.0.0.0/0" }), []));
        it("is not applicable to other types, without being called", () => {
            const analysis = only("kubelet-not-public").analyze(res(deploymentType, {}));
            assert.deepStrictEqual(analysis.notApplicable, [
                { policyName: "kubelet-not-public", reason: `Policy only applies to resources of type '${ruleType}'` },
            ]);
        });
    });

    describe("workers-no-internet-ingress (stack)", () => {
        const stack = (rule: Record<string, unknown>, groupProps: Record<string, unknown>, parent?: string) => {
            const group = res("openstack:networking/secGroup:SecGroup", groupProps, { parent });
            const r = res(
                ruleType,
                { direction: "ingress", ethertype: "IPv4", securityGroupId: unknownValue, ...rule },
                {
                    parent,
                    propertyDependencies: { securityGroupId: [group.urn] },
                },
            );
            return [group, r];
        };
        const ssh = { protocol: "tcp", portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: "198.51.100.0/24" };
        const web = { protocol: "tcp", portRangeMin: 80, portRangeMax: 80, remoteIpPrefix: "0.0.0.0/0" };
        it("finds the worker group by name, by description or by its component", () => {
            const component = res("gks:index:WorkerSecurityGroup", {});
            for (const [props, parent] of [
                [{ name: "prod-workers" }, undefined],
                [{ name: "x", description: "gks workers: whatever" }, undefined],
                [{ name: "x" }, component.urn],
            ] as const) {
                const resources = [component, ...stack(web, props, parent)];
                assert.deepStrictEqual(violated(engine.analyzeStack(resources)), ["workers-no-internet-ingress"]);
                assert.deepStrictEqual(violated(engine.analyzeStack([component, ...stack(ssh, props, parent)])), []);
            }
        });
        it("finds a group without any marker by what uses it: an instance by name, a port by reference", () => {
            const [group, rule] = stack(web, { name: "pool-b" });
            const instance = res("openstack:compute/instance:Instance", { name: "node-1", securityGroups: ["pool-b"] });
            assert.deepStrictEqual(violated(engine.analyzeStack([group, rule, instance])), [
                "workers-no-internet-ingress",
            ]);
            const port = res(
                "openstack:networking/port:Port",
                { securityGroupIds: [unknownValue] },
                { propertyDependencies: { securityGroupIds: [group.urn] } },
            );
            assert.deepStrictEqual(violated(engine.analyzeStack([group, rule, port])), ["workers-no-internet-ingress"]);
            assert.deepStrictEqual(violated(engine.analyzeStack([group, rule])), []);
        });
        it("ignores other groups, and is not applicable without a worker group", () => {
            const analysis = only("workers-no-internet-ingress").analyzeStack(stack(web, { name: "seed-nodes" }));
            assert.deepStrictEqual(analysis.diagnostics, []);
            assert.deepStrictEqual(analysis.notApplicable, [
                { policyName: "workers-no-internet-ingress", reason: "the stack has no worker security group" },
            ]);
        });
    });
});
