import * as assert from "assert";
import { problemsOf } from "./problems";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    ClusterConfig,
    ConfigError,
    ConfigProblem,
    isValidated,
    loadSettings,
    parseSettings,
    secretKeys,
    Settings,
    withRunningState,
} from "../components/config";
import { Cluster } from "../components/cluster";
import { projectRoot, StackConfig } from "./harness";
import { clusterConfigShape } from "../components/config/schema";
import { invalid } from "./configCases";
import { devInlineConfig as devConfig } from "./fixtures";

const integerKeys = new Set(
    Object.entries(
        (
            parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
                config: Record<string, { type: string }>;
            }
        ).config,
    )
        .filter(([, decl]) => decl.type === "integer")
        .map(([key]) => key),
);

/** A stack config as the plain object a platform would pass: JSON parsed, whole numbers as numbers. */
function plainObject(config: StackConfig, namespace = "gks-cluster"): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(config.values)
            .filter(([key]) => key.startsWith(`${namespace}:`) && key !== `${namespace}:platformStack`)
            .map(([fullKey, text]) => {
                const key = fullKey.slice(namespace.length + 1);
                if (integerKeys.has(key)) return [key, /^-?\d+$/.test(text) ? Number(text) : text];
                try {
                    const value: unknown = JSON.parse(text);
                    return [key, typeof value === "object" ? value : text];
                } catch {
                    return [key, text];
                }
            }),
    );
}

/** loadSettings on a stack config, in a namespace of the caller's choice. */
function load(config: StackConfig, namespace = "gks-cluster"): Settings {
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    return loadSettings(new pulumi.Config(namespace));
}

function renamed(config: StackConfig, namespace: string): StackConfig {
    const rename = (key: string) => key.replace(/^gks-cluster:/, `${namespace}:`);
    return {
        values: Object.fromEntries(Object.entries(config.values).map(([k, v]) => [rename(k), v])),
        secretKeys: config.secretKeys.map(rename),
        encryptedKeys: config.encryptedKeys.map(rename),
    };
}

const sameProblems = (p: readonly ConfigProblem[]) => p.map((x) => `${x.key}: ${x.message}`).sort();

describe("one validation for every way in", () => {
    describe("parseSettings (a plain object) reports exactly what loadSettings (stack config) reports", () => {
        for (const [what, changes, key] of invalid) {
            it(`for ${what} (${key})`, () => {
                const config = devConfig(changes);
                const fromStack = problemsOf(() => load(config));
                const fromObject = problemsOf(() => parseSettings(plainObject(config) as unknown as ClusterConfig));
                assert.deepStrictEqual(sameProblems(fromObject), sameProblems(fromStack));
                assert.ok(fromObject.some((p) => p.key === key));
            });
        }
    });

    it("names keys in the namespace actually read", () => {
        const config = renamed(devConfig({ apiserverReplicas: 0, seed: { nodeAdresses: ["10.0.0.11"] } }), "c1");
        const keys = problemsOf(() => load(config, "c1")).map((p) => p.key);
        assert.ok(keys.includes("c1:apiserverReplicas"), keys.join());
        assert.ok(keys.includes("c1:seed.nodeAdresses"), keys.join());
        assert.ok(
            keys.every((k) => k.startsWith("c1:")),
            keys.join(),
        );
        const plain = plainObject(config, "c1") as unknown as ClusterConfig;
        assert.deepStrictEqual(
            problemsOf(() => parseSettings(plain, { namespace: "c1" })).map((p) => p.key),
            keys,
        );
    });

    const typos: [string, Record<string, unknown>, string][] = [
        [
            "inside an object",
            { seed: { nodeAdresses: ["10.0.0.11"], securityGroupId: "sg" } },
            "gks-cluster:seed.nodeAdresses: not a key of seed; did you mean nodeAddresses?",
        ],
        [
            "inside a nested object",
            {
                workerTenant: {
                    project: { name: "w", rolez: ["member"] },
                    network: { cidr: "192.168.1.0/24" },
                    credentials: { cloud: "c" },
                },
            },
            "gks-cluster:workerTenant.project.rolez: not a key of project; did you mean roles?",
        ],
        [
            "at the top level",
            { agentReplica: 3 },
            "gks-cluster:agentReplica: not a key of gks-cluster; did you mean agentReplicas?",
        ],
    ];
    for (const [where, changes, line] of typos) {
        it(`names a misspelled key ${where} with the nearest known key`, () => {
            const error = problemsOf(() => load(devConfig(changes)));
            assert.ok(
                new ConfigError(error).message.split("\n").includes(`  - ${line}`),
                new ConfigError(error).message,
            );
        });
    }

    it("lists the known keys when no key is near", () => {
        const message = new ConfigError(problemsOf(() => load(devConfig({ seed: { zzzzzzzzzz: 1 } })))).message;
        assert.match(
            message,
            /seed\.zzzzzzzzzz: not a key of seed \(a typo\?\); known keys: nodeAddresses, securityGroupId/,
        );
    });

    it("refuses a secret set in plain text in the stack file, naming the key and the command", () => {
        const config = devConfig();
        const plainText = {
            ...config,
            secretKeys: config.secretKeys.filter((k) => k !== "gks-cluster:seedKubeconfig"),
        };
        const problem = problemsOf(() => load(plainText)).find((p) => p.key === "gks-cluster:seedKubeconfig");
        assert.ok(problem);
        assert.match(problem.message, /plain text/);
        assert.match(problem.message, /pulumi config set --secret gks-cluster:seedKubeconfig/);
        assert.strictEqual(problem.value, undefined, "a secret's value is never printed");
    });

    describe("validated settings", () => {
        const settings = () => load(devConfig());

        it("derive the seed namespace from the cluster name", () => {
            const other = load(devConfig({ clusterName: "other" }));
            assert.strictEqual(other.seed.namespace, "cluster-other");
            assert.strictEqual(settings().seed.namespace, "cluster-dev");
        });

        it("are frozen", () => {
            const s = settings();
            assert.throws(() => {
                (s.controlPlane as { apiserverReplicas: number }).apiserverReplicas = 0;
            }, TypeError);
        });

        it("stay validated through withRunningState; a spread copy does not", () => {
            const s = settings();
            assert.ok(isValidated(s));
            assert.ok(isValidated(withRunningState(s, { kubernetesVersion: "1.36", tunnelMode: "konnectivity" })));
            assert.ok(!isValidated({ ...s, clusterName: "copy" }));
        });

        it("are the only settings a Cluster takes", () => {
            const copy = { ...settings(), clusterName: "copy" };
            assert.throws(() => new Cluster("copy", { settings: copy }), /settings must come from parseSettings/);
        });
    });
});

// The plain-object type and the schema name the same keys (tsc fails here when one gains a key the other lacks).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<keyof ClusterConfig, keyof typeof clusterConfigShape | (typeof secretKeys)[number]> = true;
void sameKeys;
