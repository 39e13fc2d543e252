import * as assert from "assert";
import * as policySdk from "@pulumi/policy";
import { createRequire } from "node:module";
import {
    and,
    firstUnknown,
    get,
    isRecord,
    isUnknown,
    isUnknownValueError,
    list,
    not,
    or,
    plain,
    Unknown,
} from "../../../policies/lib/known";
import { unknownValue } from "../engine";

interface Sdk {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (sentinel: string, path: string[]) => Error;
}
const sdk = policySdk as unknown as Sdk;
/** The copy of @pulumi/policy the pack itself loads (policies/node_modules), whose class known.ts knows. */
const packSdk = createRequire(require.resolve("../../../policies/lib/known"))("@pulumi/policy") as Sdk;

/** Known and unknown values (policies/lib/known.ts): reading the SDK's proxy once, three-valued logic. */
describe("known and unknown values (policies/lib/known.ts)", () => {
    const unknown = () => plain(sdk.unknownCheckingProxy({ x: unknownValue })) as { x: Unknown };

    describe("isUnknownValueError", () => {
        class Subclass extends packSdk.UnknownValueError {}
        // What a second copy of @pulumi/policy throws: another class of the same name.
        const SecondCopy = class UnknownValueError extends Error {};
        const table: [string, unknown, boolean][] = [
            ["the SDK's error", new packSdk.UnknownValueError(unknownValue, ["x"]), true],
            ["the project's copy's error", new sdk.UnknownValueError(unknownValue, ["x"]), true],
            ["a subclass of the SDK's error (another name)", new Subclass(unknownValue, ["x"]), true],
            ["a second copy's error", new SecondCopy("x"), true],
            ["any other error", new Error("UnknownValueError"), false],
            ["a TypeError", new TypeError("x"), false],
            ["an error without a constructor", Object.assign(new Error("x"), { constructor: undefined }), false],
            ["an object named like it", { constructor: { name: "UnknownValueError" } }, false],
            ["a string", "UnknownValueError", false],
        ];
        for (const [what, e, expected] of table) {
            it(`${expected ? "is" : "is not"} ${what}`, () => assert.strictEqual(isUnknownValueError(e), expected));
        }
    });

    describe("plain", () => {
        it("copies values, lists and nested objects, with null and primitives as they are", () => {
            const value = { a: null, b: [1, "two", { c: true }], d: { e: undefined } };
            assert.deepStrictEqual(plain(sdk.unknownCheckingProxy(value)), value);
            for (const v of [null, undefined, 0, "s", false]) assert.strictEqual(plain(v), v);
        });
        it("turns each unknown into an Unknown carrying the proxy's error", () => {
            const { x } = unknown();
            assert.ok(isUnknown(x));
            assert.ok(isUnknownValueError(x.error));
        });
        it("rethrows any other error a property throws", () => {
            const throwing = Object.defineProperty({}, "bad", {
                enumerable: true,
                get: () => {
                    throw new RangeError("boom");
                },
            });
            assert.throws(() => plain(throwing), RangeError);
        });
    });

    describe("get, list, isRecord, firstUnknown", () => {
        const { x } = unknown();
        it("follows a path, stopping at an unknown, a null or a primitive", () => {
            assert.strictEqual(get({ a: { b: [5, 6] } }, "a", "b", 1), 6);
            assert.strictEqual(get({ a: x }, "a", "b"), x);
            assert.strictEqual(get({ a: null }, "a", "b"), undefined);
            assert.strictEqual(get({ a: "s" }, "a", "length"), undefined);
            assert.strictEqual(get(undefined, "a"), undefined);
            assert.deepStrictEqual(get({ a: 1 }), { a: 1 });
        });
        it("reads a list, absent or not a list as empty", () => {
            assert.deepStrictEqual(list([1]), [1]);
            assert.deepStrictEqual(list(undefined), []);
            assert.deepStrictEqual(list({ 0: 1 }), []);
            assert.strictEqual(list(x), x);
        });
        it("calls only plain objects records", () => {
            assert.ok(isRecord({}));
            for (const v of [null, [], x, "s", 1, undefined]) assert.strictEqual(isRecord(v), false, String(v));
        });
        it("finds the first unknown anywhere, past nulls", () => {
            assert.strictEqual(firstUnknown({ a: null, b: [1, { c: x }] }), x);
            assert.strictEqual(firstUnknown(x), x);
            assert.strictEqual(firstUnknown({ a: null, b: [1, "s"] }), undefined);
            assert.strictEqual(firstUnknown(null), undefined);
        });
    });

    describe("three-valued logic", () => {
        const { x } = unknown();
        const table: [string, boolean | Unknown, boolean | Unknown][] = [
            ["and()", and(), true],
            ["and(true, true)", and(true, true), true],
            ["and(true, unknown)", and(true, x), x],
            ["and(unknown, false)", and(x, false), false],
            ["or()", or(), false],
            ["or(false, false)", or(false, false), false],
            ["or(false, unknown)", or(false, x), x],
            ["or(unknown, true)", or(x, true), true],
            ["not(true)", not(true), false],
            ["not(false)", not(false), true],
            ["not(unknown)", not(x), x],
        ];
        for (const [what, actual, expected] of table) {
            it(`${what} is ${isUnknown(expected) ? "unknown" : String(expected)}`, () =>
                assert.strictEqual(actual, expected));
        }
    });
});
