import * as assert from "assert";
import {
    admits,
    admitsAnyone,
    isolatingPolicies,
    NetworkPolicyView,
    networkPolicies,
    Source,
    Target,
} from "../../../policies/lib/networkPolicies";
import { isUnknown, plain } from "../../../policies/lib/known";
import { Resource, types } from "../../../policies/lib/resources";
import { unknownValue } from "../engine";
import * as policySdk from "@pulumi/policy";

const sdk = policySdk as unknown as { unknownCheckingProxy<T>(value: T): T };

/**
 * NetworkPolicy ingress as networking.k8s.io/v1 defines it (policies/lib/networkPolicies.ts):
 * which policies isolate a pod, and which sources reach which of its ports.
 */
describe("NetworkPolicy ingress (policies/lib/networkPolicies.ts)", () => {
    let serial = 0;
    const object = (props: Record<string, unknown>): Resource => ({
        type: types.networkPolicy,
        name: `np${++serial}`,
        urn: `urn:np${serial}`,
        props: plain(sdk.unknownCheckingProxy(props)) as Record<string, unknown>,
        dependencies: [],
        propertyDependencies: {},
    });
    const view = (spec: Record<string, unknown>, namespace = "cp"): NetworkPolicyView => ({
        resource: object({ metadata: { namespace }, spec }),
        namespace,
        spec,
    });
    const target: Target = { namespace: "cp", labels: { app: "etcd" }, namedPorts: { client: 2379 } };
    const pod = (namespace: string, labels: Record<string, string> = {}): Source => ({
        kind: "pod",
        namespace,
        labels,
    });
    const address = (a: string): Source => ({ kind: "address", address: a });
    const isolate = (...ingress: unknown[]) => view({ podSelector: { matchLabels: { app: "etcd" } }, ingress });

    describe("networkPolicies", () => {
        it("keeps the policies whose namespace and whole spec are known", () => {
            const known = object({ metadata: { namespace: "cp" }, spec: { podSelector: {} } });
            const defaulted = object({ spec: {} });
            const { found, unknowns } = networkPolicies([
                known,
                defaulted,
                object({ metadata: { namespace: "cp" } }),
                { ...known, type: types.configMap },
            ]);
            assert.deepStrictEqual(
                found.map((p) => [p.resource.urn, p.namespace, p.spec]),
                [
                    [known.urn, "cp", { podSelector: {} }],
                    [defaulted.urn, "default", {}],
                ],
            );
            assert.deepStrictEqual(unknowns, []);
            assert.deepStrictEqual(networkPolicies([]), { found: [], unknowns: [] });
        });

        it("counts a policy with anything unknown, its namespace or any value in its spec, as unknown", () => {
            const pending = [
                object({ metadata: { namespace: unknownValue }, spec: {} }),
                object({ metadata: { namespace: "cp" }, spec: unknownValue }),
                object({
                    metadata: { namespace: "cp" },
                    spec: { ingress: [{ from: [{ ipBlock: { cidr: unknownValue } }] }] },
                }),
            ];
            const { found, unknowns } = networkPolicies(pending);
            assert.deepStrictEqual(found, []);
            assert.strictEqual(unknowns.length, 3);
            assert.ok(unknowns.every(isUnknown));
            assert.match(unknowns[2].error.message, /cidr/);
        });
    });

    describe("isolation", () => {
        const isolating: [string, NetworkPolicyView, boolean][] = [
            ["a policy selecting its labels", isolate(), true],
            ["an empty podSelector", view({ podSelector: {} }), true],
            ["no podSelector", view({}), true],
            ["a podSelector that is no object", view({ podSelector: "all" }), true],
            ["policyTypes with Ingress", view({ policyTypes: ["Egress", "Ingress"] }), true],
            ["no policyTypes (Ingress)", view({ policyTypes: [] }), true],
            ["an Egress-only policy", view({ policyTypes: ["Egress"] }), false],
            ["another namespace", view({}, "other"), false],
            ["other labels", view({ podSelector: { matchLabels: { app: "web" } } }), false],
        ];
        for (const [what, policy, isolates] of isolating) {
            it(`${isolates ? "isolates" : "does not isolate"} with ${what}`, () => {
                assert.deepStrictEqual(isolatingPolicies([policy], target), isolates ? [policy] : []);
                assert.strictEqual(admits([policy], target, 2379, pod("x")), !isolates);
            });
        }
    });

    describe("admits", () => {
        const table: [string, unknown, Source, boolean][] = [
            ["a rule without from", {}, address("203.0.113.9"), true],
            ["an empty from", { from: [] }, pod("x"), true],
            [
                "an ipBlock holding the address",
                { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] },
                address("10.1.2.3"),
                true,
            ],
            ["an ipBlock not holding it", { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }, address("11.0.0.1"), false],
            [
                "an ipBlock excepting it",
                { from: [{ ipBlock: { cidr: "10.0.0.0/8", except: [7, "10.1.0.0/16"] } }] },
                address("10.1.2.3"),
                false,
            ],
            [
                "an ipBlock excepting another network",
                { from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.2.0.0/16"] } }] },
                address("10.1.2.3"),
                true,
            ],
            ["an ipBlock for a pod", { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, pod("cp"), false],
            ["an ipBlock without a CIDR", { from: [{ ipBlock: {} }] }, address("10.1.2.3"), false],
            ["a pod selector for an address", { from: [{ podSelector: {} }] }, address("10.1.2.3"), false],
            ["a peer without selectors", { from: [{}] }, pod("cp"), false],
            ["every namespace for an address", { from: [{ namespaceSelector: {} }] }, address("10.1.2.3"), false],
            [
                "a podSelector, its namespace",
                { from: [{ podSelector: { matchLabels: { app: "api" } } }] },
                pod("cp", { app: "api" }),
                true,
            ],
            [
                "a podSelector, other labels",
                { from: [{ podSelector: { matchLabels: { app: "api" } } }] },
                pod("cp", { app: "x" }),
                false,
            ],
            ["a podSelector, another namespace", { from: [{ podSelector: {} }] }, pod("tenant"), false],
            ["every namespace", { from: [{ namespaceSelector: {} }] }, pod("tenant"), true],
            [
                "a namespace by its name label",
                { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mon" } } }] },
                pod("mon"),
                true,
            ],
            [
                "another namespace's name label",
                { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mon" } } }] },
                pod("tenant"),
                false,
            ],
            [
                "a namespace and pod selector, both matching",
                { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "p" } } }] },
                pod("mon", { app: "p" }),
                true,
            ],
            [
                "a namespace and pod selector, the pod not matching",
                { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "p" } } }] },
                pod("mon"),
                false,
            ],
            [
                "a second peer that matches",
                { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { podSelector: {} }] },
                pod("cp"),
                true,
            ],
        ];
        for (const [what, rule, source, admitted] of table) {
            it(`${admitted ? "admits" : "refuses"} ${source.kind === "pod" ? `a pod of ${source.namespace}` : source.address} by ${what}`, () =>
                assert.strictEqual(admits([isolate(rule)], target, 2379, source), admitted));
        }

        it("asks the caller for namespace labels", () => {
            const rule = { from: [{ namespaceSelector: { matchLabels: { team: "obs" } } }] };
            const labels = (ns: string): Record<string, string> => (ns === "mon" ? { team: "obs" } : {});
            assert.strictEqual(admits([isolate(rule)], target, 2379, pod("mon"), labels), true);
            assert.strictEqual(admits([isolate(rule)], target, 2379, pod("tenant"), labels), false);
        });

        const ports: [string, unknown[], number, boolean][] = [
            ["no ports", [], 2379, true],
            ["its number", [{ port: 2379 }], 2379, true],
            ["another number", [{ port: 2380 }], 2379, false],
            ["one of several", [{ port: 1 }, { port: 2379 }], 2379, true],
            ["TCP by name", [{ port: 2379, protocol: "TCP" }], 2379, true],
            ["UDP", [{ port: 2379, protocol: "UDP" }], 2379, false],
            ["every TCP port", [{ protocol: "TCP" }], 9, true],
            ["a named port", [{ port: "client" }], 2379, true],
            ["a name the pod has not", [{ port: "peer" }], 2379, false],
            ["a range's start", [{ port: 2379, endPort: 2390 }], 2379, true],
            ["a range's end", [{ port: 2300, endPort: 2379 }], 2379, true],
            ["below a range", [{ port: 2380, endPort: 2390 }], 2379, false],
            ["above a range", [{ port: 2300, endPort: 2378 }], 2379, false],
            ["a range by a named start", [{ port: "client", endPort: 2400 }], 2380, true],
            ["an endPort that is no number", [{ port: 2379, endPort: "x" }], 2380, false],
        ];
        for (const [what, rulePorts, port, admitted] of ports) {
            it(`${admitted ? "admits" : "refuses"} port ${port} by ${what}`, () =>
                assert.strictEqual(admits([isolate({ ports: rulePorts })], target, port, pod("x")), admitted));
        }

        it("admits when any rule of any isolating policy does", () => {
            const closed = isolate({ from: [{ podSelector: {} }] });
            const open = isolate({ ports: [{ port: 2379 }] });
            assert.strictEqual(admits([closed, open], target, 2379, pod("x")), true);
            assert.strictEqual(admits([closed, open], target, 2380, pod("x")), false);
            assert.strictEqual(admits([closed, view({ policyTypes: ["Egress"] })], target, 2379, pod("x")), false);
            assert.strictEqual(admits([view({ ingress: "all" })], target, 2379, pod("x")), false);
        });
    });

    describe("admitsAnyone", () => {
        const table: [string, unknown, boolean][] = [
            ["a rule without from", {}, true],
            ["the whole IPv4 internet", { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, true],
            ["a network", { from: [{ ipBlock: { cidr: "0.0.0.0/1" } }] }, false],
            ["every namespace", { from: [{ namespaceSelector: {} }] }, true],
            ["every namespace and pod", { from: [{ namespaceSelector: {}, podSelector: {} }] }, true],
            [
                "every namespace, some pods",
                { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { a: "b" } } }] },
                false,
            ],
            ["pods of its namespace", { from: [{ podSelector: {} }] }, false],
            ["labelled namespaces", { from: [{ namespaceSelector: { matchLabels: { a: "b" } } }] }, false],
            [
                "a namespace expression",
                { from: [{ namespaceSelector: { matchExpressions: [{ key: "a", operator: "Exists" }] } }] },
                false,
            ],
            [
                "pods by expression",
                {
                    from: [
                        {
                            namespaceSelector: {},
                            podSelector: { matchExpressions: [{ key: "a", operator: "Exists" }] },
                        },
                    ],
                },
                false,
            ],
            ["a namespace selector that is no object", { from: [{ namespaceSelector: [] }] }, false],
        ];
        for (const [what, rule, anyone] of table) {
            it(`${anyone ? "is" : "is not"} anyone: ${what}`, () =>
                assert.strictEqual(admitsAnyone([isolate(rule)], target, 2379), anyone));
        }
        it("reads only the isolating policies' rules for that port", () => {
            assert.strictEqual(admitsAnyone([view({ ingress: [{}] }, "other")], target, 2379), false);
            assert.strictEqual(admitsAnyone([isolate({ ports: [{ port: 2380 }] })], target, 2379), false);
            assert.strictEqual(admitsAnyone([], target, 2379), false);
        });
    });
});
