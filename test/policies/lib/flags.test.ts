import * as assert from "assert";
import * as fc from "fast-check";
import { parseBoolFlag, parseFlags, parseIntFlag } from "../../../policies/lib/flags";

/** policies/lib/flags.ts: command lines and flag values as spf13/pflag and Go's strconv read them. */
describe("flags (pflag)", () => {
    describe("parseFlags", () => {
        const table: [string, (string | null)[], Record<string, string>][] = [
            ["--name=value", ["--a=1"], { a: "1" }],
            ["an empty value", ["--a="], { a: "" }],
            ["a value holding =", ["--mode=grpc=weird"], { mode: "grpc=weird" }],
            ["the name before the first =, even an empty one", ["--=x"], { "": "x" }],
            ["--name value", ["--a", "b"], { a: "b" }],
            ["a bare flag before another flag", ["--a", "--b"], { a: "true", b: "true" }],
            ["a bare flag before a shorthand", ["--a", "-v=2"], { a: "true" }],
            ["a bare flag at the end", ["--a"], { a: "true" }],
            ["the last of repeated flags", ["--a=1", "--a", "2", "--a=3"], { a: "3" }],
            ["no binary, positional words or shorthands", ["/proxy-server", "x", "-v=2", "-v", "3"], {}],
            ["an empty word", ["", "--a=1"], { a: "1" }],
            ["nothing after --", ["--a=1", "--", "--b=2"], { a: "1" }],
            ["a flag before a word not known yet", ["--a", null, "--b=1"], { b: "1" }],
            ["a flag set earlier, then before a word not known yet", ["--a=1", "--a", null], {}],
            ["a flag after a word not known yet", [null, "--a=1", null], { a: "1" }],
            ["a flag with = before a word not known yet", ["--a=1", null], { a: "1" }],
        ];
        for (const [what, words, expected] of table) {
            it(`reads ${what}`, () => assert.deepStrictEqual(Object.fromEntries(parseFlags(words)), expected));
        }
        it("reads any --name=value back", () =>
            fc.assert(
                fc.property(fc.stringMatching(/^[a-z][a-z-]{0,15}$/), fc.string(), (name, value) =>
                    assert.deepStrictEqual(Object.fromEntries(parseFlags([`--${name}=${value}`])), { [name]: value }),
                ),
                { numRuns: 50 },
            ));
    });

    describe("parseIntFlag (strconv.ParseInt base 0)", () => {
        const int64Max = 2n ** 63n - 1n;
        const table: [string, number | undefined][] = [
            ["0", 0],
            ["2", 2],
            ["100", 100],
            ["+3", 3],
            ["-7", -7],
            ["1_000", 1000],
            ["0x1F", 31],
            ["0X1f", 31],
            ["0x_1", 1],
            ["-0x10", -16],
            ["0b101", 5],
            ["0B1_1", 3],
            ["0o17", 15],
            ["0O7", 7],
            ["017", 15],
            ["010", 8],
            ["0_7", 7],
            ["00", 0],
            [int64Max.toString(), Number(int64Max)],
            [(-int64Max - 1n).toString(), Number(-int64Max - 1n)],
            [(int64Max + 1n).toString(), undefined],
            [(-int64Max - 2n).toString(), undefined],
            ["", undefined],
            ["-", undefined],
            ["two", undefined],
            ["2.0", undefined],
            ["1e3", undefined],
            [" 1", undefined],
            ["1 ", undefined],
            ["_1", undefined],
            ["1_", undefined],
            ["1__0", undefined],
            ["08", undefined],
            ["0b2", undefined],
            ["0o8", undefined],
            ["0x", undefined],
            ["0xg", undefined],
            ["+-1", undefined],
        ];
        for (const [text, value] of table) {
            it(`${JSON.stringify(text)} -> ${value}`, () => assert.strictEqual(parseIntFlag(text), value));
        }
        it("reads every decimal integer back", () =>
            fc.assert(
                fc.property(fc.integer(), (n) => assert.strictEqual(parseIntFlag(String(n)), n)),
                { numRuns: 100 },
            ));
    });

    describe("parseBoolFlag (strconv.ParseBool)", () => {
        for (const word of ["1", "t", "T", "TRUE", "true", "True"]) {
            it(`${word} is true`, () => assert.strictEqual(parseBoolFlag(word), true));
        }
        for (const word of ["0", "f", "F", "FALSE", "false", "False"]) {
            it(`${word} is false`, () => assert.strictEqual(parseBoolFlag(word), false));
        }
        for (const word of ["yes", "on", "tRUE", "", " true", undefined, true]) {
            it(`${JSON.stringify(word)} is no boolean`, () => assert.strictEqual(parseBoolFlag(word), undefined));
        }
    });
});
