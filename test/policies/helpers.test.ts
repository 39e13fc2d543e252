import * as assert from "assert";
import { formatMs, parseGoDuration } from "../../components/shared/goDuration";
import { fileText, lookupFile } from "../../policies/lib/files";
import { parseFlags, parseIntFlag } from "../../policies/lib/flags";
import { parseImage, unpinnedReason } from "../../policies/lib/images";
import { and, firstUnknown, get, isUnknown, list, not, or, plain, Unknown } from "../../policies/lib/known";
import { Resource } from "../../policies/lib/resources";
import { containerFlags, flagValue } from "../../policies/lib/workloads";
import { clusterSocket } from "../../policies/rules/egressSelectorValid";
import { probesReadyz } from "../../policies/rules/tunnelMonitorNotReadyz";
import { konnectivityEgressSelector } from "../../components/tunnel/konnectivity/egressSelector";
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

function resource(props: Record<string, unknown>, extra: Partial<Resource> = {}): Resource {
    return {
        type: "t",
        name: "n",
        urn: `urn:${Math.random()}`,
        props,
        dependencies: [],
        propertyDependencies: {},
        ...extra,
    };
}

describe("policy helpers", () => {
    describe("parseFlags (pflag)", () => {
        it("reads --name=value, --name value and bare booleans; the last repeat wins", () => {
            const flags = parseFlags([
                "/proxy-server",
                "--uds-name=/run/a.sock",
                "--server-count",
                "3",
                "--sync-forever",
                "--keepalive-time=1m",
                "--keepalive-time=30s",
                "--mode=grpc=weird",
                "positional",
                "-v=2",
            ]);
            assert.strictEqual(flags.get("uds-name"), "/run/a.sock");
            assert.strictEqual(flags.get("server-count"), "3");
            assert.strictEqual(flags.get("sync-forever"), "true");
            assert.strictEqual(flags.get("keepalive-time"), "30s");
            assert.strictEqual(flags.get("mode"), "grpc=weird");
            assert.strictEqual(flags.has("v"), false);
            assert.strictEqual(flags.has("positional"), false);
        });

        it("does not take the next flag as a value", () => {
            const flags = parseFlags(["--sync-forever", "--agent-cert=/a"]);
            assert.strictEqual(flags.get("sync-forever"), "true");
            assert.strictEqual(flags.get("agent-cert"), "/a");
        });

        it("reads integers as pflag does", () => {
            assert.strictEqual(parseIntFlag("2"), 2);
            assert.strictEqual(parseIntFlag("+3"), 3);
            assert.strictEqual(parseIntFlag("2.0"), undefined);
            assert.strictEqual(parseIntFlag("two"), undefined);
        });
    });

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

    describe("rule helpers", () => {
        it("recognises /readyz probes only", () => {
            assert.ok(["/readyz", "/readyz?verbose", "/readyz/ping", " /readyz"].every(probesReadyz));
            assert.ok(!["/healthz", "/readyzz", "/api/readyz", "/"].some(probesReadyz));
        });
        it("finds the cluster socket of an egress selector configuration", () => {
            assert.deepStrictEqual(clusterSocket(konnectivityEgressSelector("/run/k.sock")), {
                udsName: "/run/k.sock",
                mode: "grpc",
            });
            assert.strictEqual(
                clusterSocket({ egressSelections: [{ name: "cluster", connection: { proxyProtocol: "Direct" } }] }),
                undefined,
            );
            assert.deepStrictEqual(
                clusterSocket({
                    egressSelections: [
                        {
                            name: "Cluster",
                            connection: { proxyProtocol: "HTTPConnect", transport: { uds: { udsName: "/s" } } },
                        },
                    ],
                }),
                { udsName: "/s", mode: "http-connect" },
            );
        });
    });
});

describe("files a container reads (policies/lib/files.ts)", () => {
    const object = (type: string, name: string, fields: Record<string, unknown>) =>
        resource({ metadata: { name, namespace: "ns" }, ...fields }, { type: `kubernetes:core/v1:${type}`, name });
    const workload = resource({ metadata: { namespace: "ns" } }, { type: "kubernetes:apps/v1:Deployment" });
    const container = (mounts: Record<string, unknown>[]) => ({
        kind: "containers" as const,
        index: 0,
        spec: { name: "c", volumeMounts: mounts },
    });
    const template = (volumes: Record<string, unknown>[]) => ({ spec: { volumes } });
    const read = (
        resources: Resource[],
        volumes: Record<string, unknown>[],
        mounts: Record<string, unknown>[],
        path: string,
    ) => {
        const lookup = lookupFile(resources, workload, template(volumes), container(mounts), path);
        return "found" in lookup ? fileText(lookup.found) : lookup;
    };

    it("reads a projected volume's second source when the first lacks the key, and Secret data as base64", () => {
        const resources = [
            object("ConfigMap", "a", { data: { other: "x" } }),
            object("Secret", "b", { data: { "f.yaml": Buffer.from("hello").toString("base64") } }),
        ];
        const volumes = [
            { name: "v", projected: { sources: [{ configMap: { name: "a" } }, { secret: { name: "b" } }] } },
        ];
        assert.strictEqual(read(resources, volumes, [{ name: "v", mountPath: "/etc/x" }], "/etc/x/f.yaml"), "hello");
        assert.deepStrictEqual(read(resources, volumes, [{ name: "v", mountPath: "/etc/x" }], "/etc/x/g.yaml"), {
            missing: "volume v holds no g.yaml",
        });
    });

    it("reads a ConfigMap's binaryData, and takes the longest mount", () => {
        const resources = [object("ConfigMap", "c", { binaryData: { k: Buffer.from("bin").toString("base64") } })];
        const volumes = [
            { name: "outer", emptyDir: {} },
            { name: "inner", configMap: { name: "c" } },
        ];
        const mounts = [
            { name: "outer", mountPath: "/etc" },
            { name: "inner", mountPath: "/etc/conf/" },
        ];
        assert.strictEqual(read(resources, volumes, mounts, "/etc/conf/k"), "bin");
        assert.deepStrictEqual(read(resources, volumes, mounts, "/etc/k"), {
            elsewhere: "/etc/k is on a volume of type emptyDir",
        });
        assert.deepStrictEqual(read(resources, volumes, mounts, "/var/k"), { missing: "no volume is mounted at /var" });
    });

    it("ignores an object of the same name in another namespace", () => {
        const elsewhere = resource(
            { metadata: { name: "c", namespace: "other" }, data: { k: "v" } },
            { type: "kubernetes:core/v1:ConfigMap" },
        );
        const lookup = lookupFile(
            [elsewhere],
            workload,
            template([{ name: "v", configMap: { name: "c" } }]),
            container([{ name: "v", mountPath: "/c" }]),
            "/c/k",
        );
        assert.ok("elsewhere" in lookup);
    });
});
