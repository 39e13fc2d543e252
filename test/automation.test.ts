import * as assert from "assert";
import { mapLimit } from "../automation/limit";
import { planStacks } from "../automation/plan";
import { env, inventory } from "./automation/inventory";

describe("the per-cluster stack driver (automation/, Pulumi Automation API)", () => {
    describe("planStacks", () => {
        it("gives each cluster a stack with its seed's platformStack, its own ports, path keys and secrets from the environment", () => {
            const { stacks, problems } = planStacks(inventory(["a", "b", "c"]), [], env);
            assert.deepStrictEqual(problems, []);
            const a = stacks.find((s) => s.stackName === "a")!.config;
            assert.deepStrictEqual(a["gks-cluster:platformStack"], { value: "organization/gks-platform/one" });
            assert.deepStrictEqual(a["gks-cluster:workerTenant.project.name"], { value: "gks-a" });
            assert.deepStrictEqual(a["gks-cluster:dnsNameservers[0]"], { value: "1.1.1.1" });
            assert.deepStrictEqual(a["gks-cluster:seedKubeconfig"], { value: "kubeconfig-one", secret: true });
            assert.deepStrictEqual(a["gks-cluster:workerCredentialSecret"], { value: "hunter2", secret: true });
            assert.deepStrictEqual(a["gks-cluster:controlPlaneCredentialSecret"], { value: "", secret: true });
            const ports = (name: string) =>
                ["apiserver", "tunnel", "openvpn"].map(
                    (k) => stacks.find((s) => s.stackName === name)!.config[`gks-cluster:${k}NodePort`].value,
                );
            assert.deepStrictEqual(ports("a"), ["30000", "30001", "30002"]);
            assert.deepStrictEqual(ports("b"), ["31000", "31001", "31002"]);
            assert.deepStrictEqual(ports("c"), ["30003", "30004", "30005"]);
        });

        it("keeps the ports existing stacks are configured with, and those of stacks no longer in the inventory", () => {
            const existing = [
                {
                    name: "old",
                    config: {
                        "gks-cluster:platformStack": { value: "organization/gks-platform/one" },
                        "gks-cluster:apiserverNodePort": { value: "30000" },
                        "gks-cluster:tunnelNodePort": { value: "30001" },
                        "gks-cluster:openvpnNodePort": { value: "30002" },
                    },
                },
                {
                    name: "c",
                    config: {
                        "gks-cluster:platformStack": { value: "organization/gks-platform/one" },
                        "gks-cluster:apiserverNodePort": { value: "30010" },
                        "gks-cluster:tunnelNodePort": { value: "30011" },
                        "gks-cluster:openvpnNodePort": { value: "30012" },
                    },
                },
            ];
            const { stacks } = planStacks(inventory(["a", "b", "c"]), existing, env);
            const port = (name: string) =>
                stacks.find((s) => s.stackName === name)!.config["gks-cluster:apiserverNodePort"].value;
            assert.strictEqual(port("c"), "30010");
            assert.strictEqual(port("a"), "30003");
        });

        it("refuses a secret in the inventory, a missing environment variable and a cluster named twice", () => {
            const withSecret = inventory(["a"], {});
            const clusters = [{ ...withSecret.clusters[0], seedKubeconfig: "inline!" }, withSecret.clusters[0]];
            const { problems } = planStacks({ ...withSecret, clusters }, [], { ONE_KUBECONFIG: "k" });
            const messages = problems.map((p) => `${p.key}: ${p.message}`).join("\n");
            assert.match(messages, /seedKubeconfig: is a secret: name its environment variable/);
            assert.match(messages, /WORKER_PASSWORD, which is not set/);
            assert.match(messages, /clusters\[1\] \(a\): has the name of another cluster/);
            assert.doesNotMatch(messages, /inline!/);
        });
    });

    it("mapLimit never runs more than the limit at once, and keeps the order", async () => {
        let running = 0;
        let peak = 0;
        const results = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
            peak = Math.max(peak, ++running);
            await new Promise((resolve) => setTimeout(resolve, 5 * (8 - n)));
            running--;
            return n * 2;
        });
        assert.deepStrictEqual(results, [2, 4, 6, 8, 10, 12, 14]);
        assert.strictEqual(peak, 3);
    });
});
