import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../harness";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const installed = (name: string) =>
    (
        JSON.parse(fs.readFileSync(path.join(projectRoot, "node_modules", name, "package.json"), "utf8")) as {
            version: string;
        }
    ).version;

/**
 * The library as a user gets it: `npm pack`, the tarball installed into a fresh program with a
 * stock Pulumi TypeScript tsconfig (no esModuleInterop, no skipLibCheck), compiled with tsc and
 * run under the library's own test mocks (gks-cluster/testing).
 */
describe("the packed library in a fresh program", function () {
    this.timeout(600_000);
    let tmp: string;
    let fresh: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-pack-"));
        fresh = path.join(tmp, "fresh");
        const packed = JSON.parse(
            execFileSync(npm, ["pack", "--json", "--pack-destination", tmp], { cwd: projectRoot, encoding: "utf8" }),
        ) as { filename: string; files: { path: string }[] }[];
        fs.mkdirSync(fresh);
        for (const file of ["index.ts", "check.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(projectRoot, "test", "packed", file), path.join(fresh, file));
        }
        fs.writeFileSync(
            path.join(fresh, "package.json"),
            JSON.stringify({
                name: "fresh",
                private: true,
                dependencies: {
                    "gks-cluster": `file:${path.join(tmp, packed[0].filename)}`,
                    "@pulumi/pulumi": installed("@pulumi/pulumi"),
                    "@peculiar/x509": installed("@peculiar/x509"),
                },
                devDependencies: { "@types/node": installed("@types/node"), typescript: installed("typescript") },
            }),
        );
        execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
            cwd: fresh,
            stdio: "pipe",
        });
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("ships compiled JS and declarations only, and no declaration imports zod or other internals", () => {
        const pkg = path.join(fresh, "node_modules", "gks-cluster");
        assert.ok(fs.existsSync(path.join(pkg, "bin", "components", "index.js")));
        assert.ok(fs.existsSync(path.join(pkg, "bin", "components", "index.d.ts")));
        assert.ok(!fs.existsSync(path.join(pkg, "index.ts")), "the stack program is not in the package");
        assert.ok(!fs.existsSync(path.join(pkg, "components")), "no TypeScript sources");
        const external = new Set<string>();
        const seen = new Set<string>();
        const walk = (file: string) => {
            if (seen.has(file)) return;
            seen.add(file);
            for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
                if (!spec.startsWith(".")) {
                    external.add(spec);
                    continue;
                }
                const base = path.resolve(path.dirname(file), spec);
                walk(fs.existsSync(`${base}.d.ts`) ? `${base}.d.ts` : path.join(base, "index.d.ts"));
            }
        };
        walk(path.join(pkg, "bin", "components", "index.d.ts"));
        walk(path.join(pkg, "bin", "testing", "index.d.ts"));
        assert.ok(seen.size > 30);
        assert.deepStrictEqual(
            [...external].filter((m) => !m.startsWith("@pulumi/")),
            [],
            "the public declarations import nothing but the Pulumi SDK and providers",
        );
    });

    it("compiles with a stock Pulumi tsconfig: no esModuleInterop, no skipLibCheck, no errors", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(fresh, "tsconfig.json"), "utf8")) as {
            compilerOptions: Record<string, unknown>;
        };
        assert.strictEqual(tsconfig.compilerOptions.esModuleInterop, undefined);
        assert.strictEqual(tsconfig.compilerOptions.skipLibCheck, undefined);
        try {
            execFileSync(path.join(fresh, "node_modules", ".bin", "tsc"), ["-p", ".", "--pretty", "false"], {
                cwd: fresh,
                stdio: "pipe",
            });
        } catch (e) {
            assert.fail(`tsc failed:\n${(e as { stdout: Buffer }).stdout.toString()}`);
        }
    });

    it("has no side effects on import: requiring the entry points outside any Pulumi run registers nothing", () => {
        const out = execFileSync(
            process.execPath,
            ["-e", 'require("gks-cluster"); require("gks-cluster/components"); console.log("loaded")'],
            { cwd: fresh, encoding: "utf8" },
        );
        assert.strictEqual(out.trim(), "loaded");
    });

    it("runs under the mocks: a seed adopted in the program (ids as Outputs), a cluster on it, bad config refused", () => {
        const run = JSON.parse(
            execFileSync(process.execPath, [path.join("bin", "check.js")], { cwd: fresh, encoding: "utf8" }),
        ) as {
            resources: number;
            clusters: number;
            certificates: number;
            outputs: Record<string, unknown>;
            secretOutputs: string[];
        };
        assert.strictEqual(run.clusters, 1);
        assert.ok(run.resources > 80, String(run.resources));
        assert.ok(run.certificates > 5);
        assert.match(String(run.outputs.apiUrl), /^https:\/\/203\.0\.113\.\d+:6443$/);
        assert.deepStrictEqual(run.secretOutputs, ["kubeconfig"]);
        assert.strictEqual(run.outputs.refused, "gks-cluster:clusterName");
    });
});
