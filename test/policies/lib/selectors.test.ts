import * as assert from "assert";
import { LabelSelector, selectorMatches } from "../../../policies/lib/selectors";

/** metav1.LabelSelector as the API server applies it to a pod's labels. */
describe("policies/lib/selectors", () => {
    const labels = { "app.kubernetes.io/name": "kube-apiserver", tier: "cp" };
    const expr = (key: string, operator: string, values?: string[]) => ({
        matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
    });
    const table: [string, LabelSelector | undefined | null, boolean][] = [
        ["no selector", undefined, false],
        ["a null selector", null, false],
        ["the empty selector", {}, true],
        ["empty matchLabels", { matchLabels: {} }, true],
        ["a matching label", { matchLabels: { tier: "cp" } }, true],
        ["every label", { matchLabels: labels }, true],
        ["one label of two matching", { matchLabels: { tier: "cp", zone: "a" } }, false],
        ["a label of another value", { matchLabels: { tier: "etcd" } }, false],
        ["In, listed", expr("tier", "In", ["etcd", "cp"]), true],
        ["In, not listed", expr("tier", "In", ["etcd"]), false],
        ["In, no values", expr("tier", "In"), false],
        ["In, label absent", expr("zone", "In", ["a"]), false],
        ["NotIn, listed", expr("tier", "NotIn", ["cp"]), false],
        ["NotIn, not listed", expr("tier", "NotIn", ["etcd"]), true],
        ["NotIn, no values", expr("tier", "NotIn"), true],
        ["NotIn, label absent", expr("zone", "NotIn", ["a"]), true],
        ["Exists", expr("tier", "Exists"), true],
        ["Exists, label absent", expr("zone", "Exists"), false],
        ["DoesNotExist", expr("tier", "DoesNotExist"), false],
        ["DoesNotExist, label absent", expr("zone", "DoesNotExist"), true],
        ["an invalid operator", expr("tier", "Bogus", ["cp"]), false],
        ["an invalid operator, label absent", expr("zone", "Bogus"), false],
        ["labels and expressions both holding", { matchLabels: { tier: "cp" }, ...expr("tier", "Exists") }, true],
        ["labels holding, an expression not", { matchLabels: { tier: "cp" }, ...expr("tier", "DoesNotExist") }, false],
        ["an expression holding, labels not", { matchLabels: { tier: "x" }, ...expr("tier", "Exists") }, false],
        [
            "every expression must hold",
            {
                matchExpressions: [
                    expr("tier", "Exists").matchExpressions[0],
                    expr("zone", "Exists").matchExpressions[0],
                ],
            },
            false,
        ],
    ];
    for (const [what, selector, matches] of table) {
        it(`${matches ? "matches" : "does not match"}: ${what}`, () =>
            assert.strictEqual(selectorMatches(selector, labels), matches));
    }
});
