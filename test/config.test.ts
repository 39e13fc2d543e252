import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigProblem, defaults, secretKeys } from "../components/config";
import { clusterConfigShape } from "../components/config/schema";
import { ProgramRun, projectDefaults, projectRoot, runProgram } from "./harness";
import { devConfig, devRun } from "./fixtures";
import { invalid } from "./configCases";

/** The problems of the ConfigError a run failed with (the class is reloaded with each run). */
function configProblems(run: ProgramRun): readonly ConfigProblem[] {
    assert.strictEqual(run.error?.name, "ConfigError", `expected a ConfigError, got ${run.error}`);
    return (run.error as Error & { problems: readonly ConfigProblem[] }).problems;
}

describe("config validation", () => {
    for (const [what, changes, key] of invalid) {
        it(`rejects ${what}, naming ${key}, before any resource`, async () => {
            const run = await runProgram(devConfig(changes));
            const problem = configProblems(run).find((p) => p.key === key);
            assert.ok(problem, `no problem names ${key}:\n${run.error?.message}`);
            assert.ok(run.error?.message.includes(key));
            assert.ok(problem.message.length > 10);
            assert.deepStrictEqual(
                run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.read).map((r) => r.type),
                [],
                "no resource may be registered (reads of stacks create nothing)",
            );
        });
    }

    it(`covers at least 25 distinct invalid configs (${invalid.length})`, () => {
        assert.ok(new Set(invalid.map(([, c]) => JSON.stringify(c))).size >= 25);
    });

    it("reports several problems together, each with its key and value", async () => {
        const run = await runProgram(
            devConfig({
                clusterName: "Bad!",
                apiserverReplicas: 0,
                podCidr: "10.240.16.0/20",
                apiAllowedCidrs: ["nope"],
            }),
        );
        const keys = configProblems(run).map((p) => p.key);
        for (const key of [
            "gks-cluster:clusterName",
            "gks-cluster:apiserverReplicas",
            "gks-cluster:serviceCidr",
            "gks-cluster:apiAllowedCidrs[0]",
        ]) {
            assert.ok(keys.includes(key), `${key} missing in ${keys.join(", ")}`);
        }
        assert.match(String(run.error?.message), /clusterName = "Bad!"/);
        assert.match(String(run.error?.message), /apiserverReplicas = 0: must be a whole number from 1 to 7/);
        assert.match(String(run.error?.message), /^Invalid stack configuration \(\d+ problems\)/);
    });

    it("names a misspelled key without printing its value, which may be a secret", async () => {
        const run = await runProgram(devConfig({ workerCredentialsSecret: "hunter2-do-not-log" }));
        const problem = configProblems(run).find((p) => p.key === "gks-cluster:workerCredentialsSecret");
        assert.ok(problem);
        assert.doesNotMatch(String(run.error?.message), /hunter2/);
    });

    it("reports a missing secret together with schema problems", async () => {
        const run = await runProgram(devConfig({ workerCredentialSecret: undefined, apiserverReplicas: 0 }));
        const keys = configProblems(run).map((p) => p.key);
        assert.ok(
            keys.includes("gks-cluster:workerCredentialSecret") && keys.includes("gks-cluster:apiserverReplicas"),
            keys.join(),
        );
    });

    it("accepts the dev stack", async () => {
        const run = await devRun();
        assert.strictEqual(run.error, undefined);
    });
});

describe("config defaults and schema", () => {
    const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { type: string; description?: string; default?: unknown; secret?: boolean }>;
    };

    it("declares every scalar and list key in Pulumi.yaml with a type and description", () => {
        const objects = ["controlPlaneTenant", "workerTenant", "seed", "workerPools"];
        for (const key of [...Object.keys(clusterConfigShape).filter((k) => !objects.includes(k)), ...secretKeys]) {
            const decl = project.config[key];
            assert.ok(decl, `Pulumi.yaml does not declare ${key}`);
            assert.ok(decl.type && decl.description, `${key} needs a type and a description`);
        }
    });

    it("declares every secret key secret: true, and no other", () => {
        assert.deepStrictEqual(
            Object.keys(project.config)
                .filter((k) => project.config[k].secret === true)
                .sort(),
            [...secretKeys].sort(),
        );
        for (const key of secretKeys) assert.strictEqual(project.config[key].default, undefined, key);
    });

    it("gives Pulumi.yaml the same defaults as components/config/defaults.ts", () => {
        const declared = projectDefaults();
        for (const [key, value] of Object.entries(defaults)) {
            const fullKey = `gks-cluster:${key}`;
            if (!(fullKey in declared)) continue;
            assert.strictEqual(declared[fullKey], typeof value === "string" ? value : JSON.stringify(value), key);
        }
        const undeclared = Object.keys(project.config).filter(
            (k) => project.config[k].default !== undefined && !(k in defaults),
        );
        assert.deepStrictEqual(undeclared, []);
    });

    it("documents every key in the README", () => {
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        for (const key of [
            ...Object.keys(clusterConfigShape),
            "seedKubeconfig",
            "controlPlaneCredentialSecret",
            "workerCredentialSecret",
        ]) {
            assert.ok(readme.includes(`\`${key}\``), `README does not document ${key}`);
        }
    });
});
