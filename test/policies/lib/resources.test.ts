import * as assert from "assert";
import { PolicyResource } from "@pulumi/policy";
import { Unknown } from "../../../policies/lib/known";
import {
    fromPolicyResource,
    namespaceOf,
    objectName,
    ofType,
    plainProps,
    refersTo,
    Resource,
    sameNamespace,
} from "../../../policies/lib/resources";

/** Resources as the rules see them: plain properties, references as URNs, Kubernetes names and namespaces. */
describe("policies/lib/resources", () => {
    const res = (props: Record<string, unknown>, extra: Partial<Resource> = {}): Resource => ({
        type: "t",
        name: "n",
        urn: "urn:n",
        props,
        dependencies: [],
        propertyDependencies: {},
        ...extra,
    });
    const unknown = () => new Unknown(new Error("unknown"));
    const provider = (props: Record<string, unknown>) => ({ type: "pulumi:providers:kubernetes", urn: "urn:p", props });

    it("copies a stack policy's resource: parent, provider, dependencies and property dependencies as URNs", () => {
        const dep = { urn: "urn:dep" } as PolicyResource;
        const source = {
            type: "t",
            name: "n",
            urn: "urn:n",
            props: { a: 1 },
            parent: { type: "p", urn: "urn:parent", name: "parent", props: {} },
            provider: { type: "k", urn: "urn:k", name: "k", props: { namespace: "ns" } },
            dependencies: [dep],
            propertyDependencies: { a: [dep] },
        } as unknown as PolicyResource;
        assert.deepStrictEqual(fromPolicyResource(source), {
            type: "t",
            name: "n",
            urn: "urn:n",
            props: { a: 1 },
            parent: { type: "p", urn: "urn:parent", name: "parent" },
            provider: { type: "k", urn: "urn:k", props: { namespace: "ns" } },
            dependencies: ["urn:dep"],
            propertyDependencies: { a: ["urn:dep"] },
        });
        const bare = { type: "t", name: "n", urn: "urn:n", props: {} } as unknown as PolicyResource;
        assert.deepStrictEqual(fromPolicyResource(bare), {
            type: "t",
            name: "n",
            urn: "urn:n",
            props: {},
            parent: undefined,
            provider: undefined,
            dependencies: [],
            propertyDependencies: {},
        });
        assert.deepStrictEqual(plainProps("x"), {});
        assert.deepStrictEqual(plainProps(null), {});
    });

    it("filters by type tokens", () => {
        const [a, b, c] = [res({}, { type: "x" }), res({}, { type: "y" }), res({}, { type: "z" })];
        assert.deepStrictEqual(ofType([a, b, c], "x", "z"), [a, c]);
        assert.deepStrictEqual(ofType([a, b, c]), []);
    });

    describe("refersTo", () => {
        const target = res({ id: "abc" }, { urn: "urn:target" });
        const table: [string, Resource, Resource, boolean | "unknown"][] = [
            [
                "a recorded dependency",
                res({ poolId: "x" }, { propertyDependencies: { poolId: ["urn:target"] } }),
                target,
                true,
            ],
            ["the target's known id", res({ poolId: "abc" }), target, true],
            ["another id", res({ poolId: "xyz" }), target, false],
            ["no value", res({}), target, false],
            [
                "a literal where the id is unknown",
                res({ poolId: "abc" }),
                res({ id: unknown() }, { urn: "urn:target" }),
                false,
            ],
            ["a literal where the id is absent", res({ poolId: "abc" }), res({}, { urn: "urn:target" }), false],
            ["an unknown value without a record", res({ poolId: unknown() }), target, "unknown"],
            [
                "an unknown value recorded from another resource",
                res({ poolId: unknown() }, { propertyDependencies: { poolId: ["urn:other"] } }),
                target,
                false,
            ],
            ["a number", res({ poolId: 7 }), res({ id: 7 }), false],
        ];
        for (const [what, from, to, expected] of table) {
            it(`${what}: ${String(expected)}`, () => {
                const verdict = refersTo(from, "poolId", to);
                if (expected === "unknown") assert.strictEqual(verdict, from.props.poolId);
                else assert.strictEqual(verdict, expected);
            });
        }
    });

    it("names a Kubernetes object by metadata.name, else by its resource name", () => {
        assert.strictEqual(objectName(res({ metadata: { name: "web" } })), "web");
        assert.strictEqual(objectName(res({ metadata: { name: "" } })), "n");
        assert.strictEqual(objectName(res({ metadata: { name: 7 } })), "n");
        assert.strictEqual(objectName(res({})), "n");
        const u = unknown();
        assert.strictEqual(objectName(res({ metadata: { name: u } })), u);
        assert.strictEqual(objectName(res({ metadata: u })), u);
    });

    it("takes a namespace from metadata, else the provider's default, else default", () => {
        const [u, v] = [unknown(), unknown()];
        const table: [Resource, string | Unknown][] = [
            [res({ metadata: { namespace: "a" } }, { provider: provider({ namespace: "b" }) }), "a"],
            [res({ metadata: { namespace: "" } }, { provider: provider({ namespace: "b" }) }), "b"],
            [res({ metadata: { namespace: 7 } }, { provider: provider({ namespace: "b" }) }), "b"],
            [res({ metadata: {} }, { provider: provider({ namespace: "b" }) }), "b"],
            [res({}, { provider: provider({ namespace: "" }) }), "default"],
            [res({}, { provider: provider({ namespace: 7 }) }), "default"],
            [res({}, { provider: provider({}) }), "default"],
            [res({}), "default"],
            [res({ metadata: { namespace: u } }, { provider: provider({ namespace: "b" }) }), u],
            [res({}, { provider: provider({ namespace: v }) }), v],
        ];
        table.forEach(([r, expected], i) => assert.strictEqual(namespaceOf(r), expected, String(i)));
    });

    it("compares namespaces, three-valued", () => {
        const [u, v] = [unknown(), unknown()];
        const ns = (namespace: unknown) => res({ metadata: { namespace } });
        assert.strictEqual(sameNamespace(ns("a"), ns("a")), true);
        assert.strictEqual(sameNamespace(ns("a"), ns("b")), false);
        assert.strictEqual(sameNamespace(ns("default"), res({})), true);
        assert.strictEqual(sameNamespace(ns(u), ns("a")), u);
        assert.strictEqual(sameNamespace(ns("a"), ns(v)), v);
        assert.strictEqual(sameNamespace(ns(u), ns(v)), u);
    });
});
