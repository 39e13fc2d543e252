import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { runStacks } from "../../automation/driver";
import { ConfigError } from "../../components/config";
import { env, inventory } from "../automation/inventory";
import { projectRoot } from "../harness";

/** The driver through the Automation API, with a stand-in CLI: a process per command, so slow. */
describe("the per-cluster stack driver (automation/, Pulumi Automation API)", () => {
    describe("runStacks with a stand-in Pulumi CLI (the Automation API's command option)", function () {
        this.timeout(120_000);
        let root: string;
        let state: string;
        let pulumiCommand: PulumiCommand;
        before(async () => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "gks-fake-pulumi-"));
            state = path.join(root, "state");
            fs.mkdirSync(path.join(root, "bin"));
            const fake = path.join(__dirname, "..", "automation", "fakePulumi.cjs");
            fs.writeFileSync(
                path.join(root, "bin", "pulumi"),
                `#!/bin/sh\nexec "${process.execPath}" "${fake}" "$@"\n`,
                {
                    mode: 0o755,
                },
            );
            process.env.FAKE_PULUMI_STATE = state;
            process.env.FAKE_PULUMI_DELAY_MS = "300";
            pulumiCommand = await PulumiCommand.get({ root });
        });
        after(() => {
            delete process.env.FAKE_PULUMI_STATE;
            delete process.env.FAKE_PULUMI_DELAY_MS;
            fs.rmSync(root, { recursive: true, force: true });
        });
        const run = (clusters: string[], operation: "preview" | "up", parallel = 2) =>
            runStacks({
                inventory: inventory(clusters),
                workDir: projectRoot,
                operation,
                parallel,
                pulumiCommand,
                env,
            });

        it("previews every cluster's stack, at most `parallel` at once", async () => {
            const results = await run(["a", "b", "c", "d", "e"], "preview", 2);
            assert.deepStrictEqual(
                results.map((r) => [r.stack, r.ok, r.changes?.create]),
                ["a", "b", "c", "d", "e"].map((s) => [s, true, 97]),
            );
            const events = fs
                .readFileSync(path.join(state, "log"), "utf8")
                .trim()
                .split("\n")
                .map((l) => l.split(" "))
                .map(([what, , stack, at]) => ({ what, stack, at: Number(at) }));
            let running = 0;
            let peak = 0;
            for (const e of [...events].sort((x, y) => x.at - y.at || (x.what === "end" ? -1 : 1))) {
                running += e.what === "start" ? 1 : -1;
                peak = Math.max(peak, running);
            }
            assert.strictEqual(events.length, 10);
            assert.ok(peak <= 2, `at most 2 at once, saw ${peak}`);
            assert.ok(peak === 2, "the two workers overlap");
            const stack = JSON.parse(fs.readFileSync(path.join(state, "stacks", "b.json"), "utf8"));
            assert.strictEqual(stack.pathKeys, true);
            assert.deepStrictEqual(stack.config["gks-cluster:seedKubeconfig"], {
                value: "kubeconfig-two",
                secret: true,
            });
        });

        it("updates them, returns their outputs with secrets masked, and a new cluster leaves the others' ports", async () => {
            const first = await run(["a", "b"], "up");
            assert.ok(first.every((r) => r.ok));
            assert.strictEqual(first[0].outputs?.kubeconfig, "[secret]");
            const portOf = (results: typeof first, stack: string) =>
                results.find((r) => r.stack === stack)!.outputs?.apiserverNodePort;
            const second = await run(["new", "a", "b"], "up");
            assert.strictEqual(portOf(second, "a"), portOf(first, "a"));
            assert.strictEqual(portOf(second, "b"), portOf(first, "b"));
            assert.notStrictEqual(portOf(second, "new"), portOf(second, "a"));
            assert.deepStrictEqual(second.find((r) => r.stack === "a")?.changes, { create: 0, same: 97 });
        });

        it("reports a failing stack and goes on with the others", async () => {
            const results = await run(["a", "broken", "b"], "preview");
            assert.deepStrictEqual(
                results.map((r) => r.ok),
                [true, false, true],
            );
            assert.match(results[1].error ?? "", /the program failed/);
        });

        it("stops before touching any stack when the plan has a problem", async () => {
            await assert.rejects(
                runStacks({
                    inventory: inventory(["z"]),
                    workDir: projectRoot,
                    operation: "up",
                    parallel: 2,
                    pulumiCommand,
                    env: {},
                }),
                (e: unknown) => e instanceof ConfigError && /TWO_KUBECONFIG, which is not set/.test(e.message),
            );
            assert.ok(!fs.existsSync(path.join(state, "stacks", "z.json")));
        });
    });
});
