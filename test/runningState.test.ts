import * as assert from "assert";
import { ConfigError, parseRunningState, runningStateOutput } from "../components/config";
import { ofType, one, runProgram } from "./harness";
import { devConfig, devRun } from "./fixtures";

const devStackName = "organization/gks-cluster/dev";

describe("running state (the stack's own last outputs)", () => {
    describe("parseRunningState", () => {
        it("reads nothing as a new cluster", () => {
            assert.strictEqual(parseRunningState(undefined), undefined);
            assert.strictEqual(parseRunningState(null), undefined);
        });

        it("takes what this program records", () => {
            assert.deepStrictEqual(parseRunningState({ kubernetesVersion: "1.35", tunnelMode: "openvpn" }), {
                kubernetesVersion: "1.35",
                tunnelMode: "openvpn",
            });
        });

        const malformed: [string, unknown, string[]][] = [
            ["a string", "1.36", ["stack output clusterState"]],
            ["a list", ["1.36"], ["stack output clusterState"]],
            [
                "a full release instead of a minor",
                { kubernetesVersion: "v1.36.5", tunnelMode: "konnectivity" },
                ["stack output clusterState.kubernetesVersion"],
            ],
            [
                "an unknown tunnel",
                { kubernetesVersion: "1.36", tunnelMode: "wireguard" },
                ["stack output clusterState.tunnelMode"],
            ],
            [
                "both fields missing",
                {},
                ["stack output clusterState.kubernetesVersion", "stack output clusterState.tunnelMode"],
            ],
        ];
        for (const [what, value, keys] of malformed) {
            it(`refuses ${what}, naming ${keys.join(" and ")}`, () => {
                assert.throws(
                    () => parseRunningState(value),
                    (e: unknown) =>
                        e instanceof ConfigError &&
                        assert.deepStrictEqual(
                            e.problems.map((p) => p.key),
                            keys,
                        ) === undefined,
                );
            });
        }
    });

    describe("the stack program", () => {
        it("reads its own stack and, new, records what it runs once the apiserver rolled out", async () => {
            const run = await devRun();
            const reference = one(run.resources, "pulumi:pulumi:StackReference", "dev-last-update");
            assert.strictEqual(reference.inputs.name, devStackName);
            assert.deepStrictEqual(run.outputs[runningStateOutput], {
                kubernetesVersion: "1.36",
                tunnelMode: "konnectivity",
                encryptionKeys: ["key1"],
            });
            const cluster = one(run.resources, "gks:index:Cluster", "dev");
            assert.strictEqual((cluster.inputs.settings as Record<string, unknown>).running, undefined);
        });

        it("hands the recorded state to the cluster as its settings' running state", async () => {
            const running = { kubernetesVersion: "1.36", tunnelMode: "konnectivity" };
            const run = await runProgram(devConfig(), { lastOutputs: { [runningStateOutput]: running } });
            if (run.error) throw run.error;
            const cluster = one(run.resources, "gks:index:Cluster", "dev");
            assert.deepStrictEqual((cluster.inputs.settings as Record<string, unknown>).running, running);
        });

        it("stops on a malformed record before registering anything but the reads of stacks", async () => {
            const run = await runProgram(devConfig(), {
                lastOutputs: { [runningStateOutput]: { kubernetesVersion: 136 } },
            });
            assert.strictEqual(run.error?.name, "ConfigError");
            assert.match(run.error.message, /stack output clusterState\.kubernetesVersion = 136/);
            assert.deepStrictEqual(run.resources.map((r) => `${r.type} ${r.name}`).sort(), [
                "pulumi:pulumi:Stack gks-cluster-dev",
                "pulumi:pulumi:StackReference dev-last-update",
                "pulumi:pulumi:StackReference dev-platform",
            ]);
            assert.strictEqual(ofType(run.resources, "gks:index:Cluster").length, 0);
        });
    });
});
