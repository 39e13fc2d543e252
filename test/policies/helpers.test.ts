import * as assert from "assert";
import { formatMs, parseGoDuration } from "../../components/shared/goDuration";
import { parseImage, unpinnedReason } from "../../policies/lib/images";
import { and, firstUnknown, get, isUnknown, list, not, or, plain, Unknown } from "../../policies/lib/known";
import { containerFlags, flagValue } from "../../policies/lib/workloads";
import { unknownValue } from "./engine";
import * as policySdk from "@pulumi/policy";

const sdk = policySdk as unknown as { unknownCheckingProxy<T>(value: T): T };

/** An Unknown as the pack sees it after reading an unknown through the SDK's proxy. */
function unknownAt(path: string): Unknown {
    const value = plain(sdk.unknownCheckingProxy({ [path]: unknownValue })) as Record<string, unknown>;
    const u = value[path];
    assert.ok(isUnknown(u));
    return u;
}

describe("policy helpers", () => {
    describe("parseGoDuration (time.ParseDuration)", () => {
        const cases: [string, number | undefined][] = [
            ["30s", 30_000],
            ["1m", 60_000],
            ["1h30m", 5_400_000],
            ["1.5h", 5_400_000],
            ["300ms", 300],
            ["1m0s", 60_000],
            ["2h45m30.5s", 9_930_500],
            ["-1m", -60_000],
            ["0", 0],
            ["1500us", 1.5],
            ["1000\u00b5s", 1],
            [".5s", 500],
            ["30", undefined],
            ["", undefined],
            ["1d", undefined],
            ["30 s", undefined],
            ["s", undefined],
        ];
        for (const [text, ms] of cases) {
            it(`"${text}" -> ${ms}`, () => assert.strictEqual(parseGoDuration(text), ms));
        }
        it("formats whole units", () => {
            assert.deepStrictEqual([3_600_000, 90_000, 30_000, 1500].map(formatMs), ["1h", "90s", "30s", "1500ms"]);
        });
    });

    describe("images", () => {
        it("parses registry ports, tags and digests", () => {
            assert.deepStrictEqual(parseImage("registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0"), {
                name: "registry.k8s.io/kas-network-proxy/proxy-server",
                tag: "v0.34.0",
                digest: undefined,
            });
            assert.deepStrictEqual(parseImage("localhost:5000/etcd"), {
                name: "localhost:5000/etcd",
                digest: undefined,
            });
            assert.strictEqual(parseImage("nginx:1.27@sha256:abc").digest, "sha256:abc");
        });

        it("accepts version tags and digests, rejects latest, untagged and floating tags", () => {
            const digest = `sha256:${"a".repeat(64)}`;
            for (const image of [
                "registry.k8s.io/etcd:3.6.4-0",
                "alpine:3.20",
                "x/y:v1",
                `busybox@${digest}`,
                `x:latest@${digest}`,
            ]) {
                assert.strictEqual(unpinnedReason(image), undefined, image);
            }
            for (const image of ["nginx", "nginx:latest", "localhost:5000/etcd", "x/y:stable", "x/y@sha256:short"]) {
                assert.ok(unpinnedReason(image), image);
            }
        });
    });

    describe("known and unknown values", () => {
        it("copies proxied props, turning each unknown into an Unknown naming its path", () => {
            const props = sdk.unknownCheckingProxy({
                a: 1,
                spec: { args: ["--x=1", unknownValue], ip: unknownValue },
                id: unknownValue,
            });
            const copy = plain(props) as Record<string, unknown>;
            assert.strictEqual(copy.a, 1);
            const args = get(copy, "spec", "args") as unknown[];
            assert.strictEqual(args[0], "--x=1");
            assert.ok(isUnknown(args[1]));
            assert.match((args[1] as Unknown).error.message, /\.spec\.args\.1 can't be known during preview/);
            assert.ok(isUnknown(get(copy, "spec", "ip")));
            assert.ok(isUnknown(get(copy, "id", "deeper")));
            assert.strictEqual(firstUnknown(copy), get(copy, "spec", "args", 1));
            assert.deepStrictEqual(list(get(copy, "missing")), []);
        });

        it("follows three-valued logic", () => {
            const u = unknownAt("x");
            assert.strictEqual(and(true, u, false), false);
            assert.strictEqual(and(true, u), u);
            assert.strictEqual(and(true, true), true);
            assert.strictEqual(or(false, u, true), true);
            assert.strictEqual(or(false, u), u);
            assert.strictEqual(or(false, false), false);
            assert.strictEqual(not(u), u);
            assert.strictEqual(not(true), false);
        });

        it("reads flags of a container with unknown words as unknown only when absent", () => {
            const u = unknownAt("arg");
            const flags = containerFlags({ kind: "containers", index: 0, spec: { args: ["--ca-cert=/a", u] } });
            assert.strictEqual(flagValue(flags, "ca-cert"), "/a");
            assert.strictEqual(flagValue(flags, "agent-cert"), u);
            const known = containerFlags({
                kind: "containers",
                index: 0,
                spec: { command: ["/proxy-agent"], args: ["--ca-cert=/a"] },
            });
            assert.strictEqual(flagValue(known, "agent-cert"), undefined);
        });
    });
});
