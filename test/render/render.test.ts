import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { egressSelectorDataKey } from "../../components/tunnel/konnectivity/egressSelector";
import { RenderedFile } from "../../scripts/render/files";
import { renderStack, RenderResult } from "../../scripts/render/main";
import { projectNamed, projectRoot, readStackConfig, withConfig } from "../harness";
import { assertManifestsApplyable, withoutKeyMaterial, withoutTokenIds } from "./checks";

interface Record_ {
    urn: string;
    type: string;
    name: string;
    read?: boolean;
    id: string | null;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

function readAll(dir: string, files: readonly string[]): RenderedFile[] {
    return files.map((f) => ({ path: f, content: fs.readFileSync(path.join(dir, ...f.split("/")), "utf8") }));
}

async function render(options: Parameters<typeof renderStack>[0]): Promise<RenderResult & { printed: string[] }> {
    const printed: string[] = [];
    const result = await renderStack({ ...options, print: (line) => printed.push(line) });
    return { ...result, printed };
}

describe("render: the dev stack, offline", () => {
    let tmp: string;
    let first: Awaited<ReturnType<typeof render>>;
    let files: RenderedFile[];
    let records: Record_[];
    let seconds: number;
    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-render-"));
        const started = Date.now();
        first = await render({ stack: "dev", out: path.join(tmp, "a") });
        seconds = (Date.now() - started) / 1000;
        files = readAll(first.outDir, first.files);
        records = JSON.parse(files.find((f) => f.path === "resources.json")!.content) as Record_[];
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("succeeds in a few seconds and writes resources.json and topology.svg", () => {
        assert.strictEqual(first.exitCode, 0, first.printed.join("\n"));
        assert.ok(seconds < 10, `took ${seconds} s`);
        assert.deepStrictEqual(
            fs.readdirSync(first.outDir).sort(),
            [...new Set(first.files.map((f) => f.split("/")[0]))].sort(),
        );
        assert.ok(first.files.includes("resources.json"));
        assert.match(
            files.find((f) => f.path === "topology.svg")!.content,
            /^<\?xml[\s\S]*<svg[\s\S]*tenant dev&#45;workers/,
        );
    });

    it("says which secrets it replaced, one line each, and prints the tree and the summary", () => {
        const standIns = first.printed.filter((l) => l.startsWith("offline stand-in for "));
        assert.deepStrictEqual(standIns, [
            "offline stand-in for gks-cluster:seedKubeconfig: not set in Pulumi.dev.yaml",
            "offline stand-in for gks-cluster:controlPlaneCredentialSecret: not set in Pulumi.dev.yaml",
            "offline stand-in for gks-cluster:workerCredentialSecret: not set in Pulumi.dev.yaml",
            "offline stand-in for stack organization/gks-platform/dev: the outputs of its own offline render (platform/Pulumi.dev.yaml)",
        ]);
        assert.ok(
            first.printed.includes(
                "  offline stand-in for gks-platform:controlPlaneCredentialSecret: not set in platform/Pulumi.dev.yaml",
            ),
        );
        assert.ok(first.printed.some((l) => /^[\s│]+├─ gks:index:Tenant\s+dev-control-plane$/.test(l)));
        assert.ok(
            first.printed.some((l) =>
                /openstack:networking\/subnet:Subnet\s+dev-workers\s+cidr=192\.168\.1\.0\/24/.test(l),
            ),
        );
        const custom = records.filter((r) => r.id !== null && !r.read && !r.type.startsWith("pulumi:providers:"));
        const summary = first.printed.find((l) => /^\d+ resources: /.test(l));
        assert.ok(summary?.startsWith(`${custom.length} resources: `), summary);
        assert.match(summary!, /\d+ openstack/);
    });

    it("prints the stack outputs, secrets redacted, and writes them to outputs.json", () => {
        const at = first.printed.indexOf("Stack outputs:");
        assert.ok(at > 0);
        const printed = first.printed.slice(at);
        assert.ok(printed.includes("  kubeconfig: [secret]"));
        assert.ok(printed.some((l) => /^ {2}apiUrl: https:\/\/203\.0\.113\.\d+:6443$/.test(l)));
        assert.ok(printed.includes("  tunnels: 4"));
        const outputs = JSON.parse(files.find((f) => f.path === "outputs.json")!.content) as Record<string, unknown>;
        assert.strictEqual(outputs.kubeconfig, "[secret]");
        assert.deepStrictEqual(outputs.clusterState, {
            kubernetesVersion: "1.36",
            tunnelMode: "konnectivity",
            encryptionKeys: ["key1"],
        });
    });

    it("lists every resource with the ids other resources' inputs refer to, and no secret", () => {
        assert.ok(records.length > 20);
        const ids = new Set(records.map((r) => r.id));
        for (const r of records.filter((r) => r.type === "openstack:networking/routerInterface:RouterInterface")) {
            assert.ok(ids.has(r.inputs.routerId as string) && ids.has(r.inputs.subnetId as string), r.name);
        }
        const provider = records.find((r) => r.type === "pulumi:providers:openstack" && r.name === "dev-workers")!;
        assert.strictEqual(provider.inputs.password, "[secret]");
        assert.strictEqual(provider.outputs.password, "[secret]");
        for (const file of files) assert.doesNotMatch(file.content, /offline-stand-in|PRIVATE KEY/, file.path);
    });

    it("writes every Kubernetes object as a manifest kubectl can apply, in seed/ or user-cluster/ by provider", () => {
        const objects = records.filter((r) => r.id !== null && /^kubernetes:[^:]+\/[^:]+:[A-Z]/.test(r.type));
        assert.strictEqual(assertManifestsApplyable(files), objects.length);
        for (const f of files.filter((f) => f.path.endsWith(".yaml") && f.path.includes("/"))) {
            assert.match(f.path, /^(seed|user-cluster|[a-z0-9-]+)\/[a-z]+-[a-z0-9.-]+\.yaml$/);
        }
    });

    it("writes egress-selector.yaml exactly as the ConfigMap holds it, or says there is none", () => {
        const configMap = records.find(
            (r) =>
                r.type === "kubernetes:core/v1:ConfigMap" &&
                typeof (r.inputs.data as Record<string, unknown> | undefined)?.[egressSelectorDataKey] === "string",
        );
        const written = files.find((f) => f.path === "egress-selector.yaml");
        if (configMap) {
            assert.strictEqual(
                written?.content,
                (configMap.inputs.data as Record<string, string>)[egressSelectorDataKey],
            );
            assert.ok(first.printed.some((l) => l.startsWith("Egress selector: egress-selector.yaml from ConfigMap")));
            assert.ok(!first.printed.some((l) => l.includes("would refuse")), first.printed.join("\n"));
        } else {
            assert.strictEqual(written, undefined);
            assert.ok(first.printed.some((l) => l.startsWith("Egress selector: none (")));
        }
    });

    it("gives the same files on a second render into the same folder, apart from keys and certificates; clears only that folder", async () => {
        fs.writeFileSync(path.join(first.outDir, "stale.txt"), "from an older render");
        fs.mkdirSync(path.join(tmp, "sibling"));
        fs.writeFileSync(path.join(tmp, "sibling", "keep.txt"), "not the render's");
        const second = await render({ stack: "dev", out: first.outDir });
        assert.strictEqual(second.exitCode, 0);
        assert.deepStrictEqual(second.files.map(withoutTokenIds), first.files.map(withoutTokenIds));
        assert.ok(!fs.existsSync(path.join(first.outDir, "stale.txt")));
        assert.ok(fs.existsSync(path.join(tmp, "sibling", "keep.txt")));
        for (const file of readAll(second.outDir, second.files)) {
            const before = files.find((f) => withoutTokenIds(f.path) === withoutTokenIds(file.path))!;
            assert.strictEqual(withoutKeyMaterial(file.content), withoutKeyMaterial(before.content), file.path);
        }
        const timeless = (lines: string[]) => withoutKeyMaterial(lines.join("\n").replace(/ in \d+\.\d s/, ""));
        assert.deepStrictEqual(timeless(second.printed), timeless(first.printed));
    });

    it("with --show-secrets writes the stand-ins and, when there are certificates, pki/ with one .crt per certificate", async () => {
        const shown = await render({ stack: "dev", out: path.join(tmp, "secrets"), showSecrets: true });
        assert.strictEqual(shown.exitCode, 0);
        assert.ok(shown.printed.includes("  kubeconfig: |"), "secret outputs printed when shown");
        const json = fs.readFileSync(path.join(shown.outDir, "resources.json"), "utf8");
        assert.match(json, /offline-stand-in:workerCredentialSecret/);
        const certs = records.filter((r) => /^tls:index\/(selfSignedCert|locallySignedCert):/.test(r.type));
        const pki = shown.files.filter((f) => f.startsWith("pki/"));
        assert.deepStrictEqual(
            certs.map((c) => `pki/${c.name}.crt`).filter((f) => !pki.includes(f)),
            [],
        );
        if (certs.length === 0) assert.deepStrictEqual(pki, []);
        // Each VM's user-data, which holds its join token: only with --show-secrets.
        const vms = records.filter((r) => r.type === "openstack:compute/instance:Instance");
        assert.deepStrictEqual(
            shown.files.filter((f) => f.startsWith("user-data/")),
            vms.map((vm) => `user-data/${vm.name}.yaml`).sort(),
        );
        assert.ok(!first.files.some((f) => f.startsWith("user-data/")));
    });
});

describe("render: the platform stacks", () => {
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-render-platform-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    for (const stack of ["dev", "new"]) {
        it(`renders platform/Pulumi.${stack}.yaml and prints what its clusters adopt`, async () => {
            const result = await render({ project: projectNamed("gks-platform"), stack, out: path.join(tmp, stack) });
            assert.strictEqual(result.exitCode, 0, result.printed.join("\n"));
            assert.ok(result.printed[0].startsWith(`Offline render of stack ${stack}: platform/index.ts`));
            assert.ok(result.printed.some((l) => l.startsWith("  controlPlaneTenant: {")));
            assert.ok(result.printed.some((l) => l.startsWith("  seed: {")));
        });
    }
});

describe("render: failures write nothing", () => {
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-render-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("prints every config problem, exits 1 and creates no output folder", async () => {
        const config = withConfig(readStackConfig("dev"), { apiserverReplicas: 0, etcdReplicas: 2 });
        const out = path.join(tmp, "broken");
        const result = await render({ stack: "broken", config, out });
        assert.strictEqual(result.exitCode, 1);
        const text = result.printed.join("\n");
        assert.match(text, /Invalid stack configuration \(2 problems\)/);
        assert.match(text, /gks-cluster:apiserverReplicas = 0: must be a whole number from 1 to 7/);
        assert.match(text, /gks-cluster:etcdReplicas = 2: /);
        assert.match(text, /Nothing written/);
        assert.deepStrictEqual(result.files, []);
        assert.ok(!fs.existsSync(out));
    });

    it("names the stacks there are when the stack file is missing, exits 2", async () => {
        const out = path.join(tmp, "nope");
        const result = await render({ stack: "nope", out });
        assert.strictEqual(result.exitCode, 2);
        assert.match(result.printed.join("\n"), /cannot read Pulumi\.nope\.yaml: no such file \(stacks here: .*dev/);
        assert.ok(!fs.existsSync(out));
    });

    it("refuses to clear a folder that holds something else", async () => {
        fs.writeFileSync(path.join(tmp, "mine.txt"), "keep me");
        const result = await render({ stack: "dev", out: tmp });
        assert.strictEqual(result.exitCode, 2);
        assert.strictEqual(fs.readFileSync(path.join(tmp, "mine.txt"), "utf8"), "keep me");
    });
});

describe("npm run render (the command line)", () => {
    const tsx = path.join(projectRoot, "node_modules", ".bin", "tsx");
    const script = path.join(projectRoot, "scripts", "render.ts");
    const cli = (...args: string[]) => {
        try {
            return {
                status: 0,
                output: execFileSync(tsx, [script, ...args], { cwd: projectRoot, stdio: "pipe" }).toString(),
            };
        } catch (e) {
            const failed = e as { status: number; stdout: Buffer; stderr: Buffer };
            return { status: failed.status, output: `${failed.stdout.toString()}${failed.stderr.toString()}` };
        }
    };

    it("passes --stack on and exits with the render's code; exits 2 with usage on bad arguments", function () {
        this.timeout(30_000);
        const missing = cli("--stack", "nope", "--out", path.join(os.tmpdir(), "gks-cli-nope"));
        assert.strictEqual(missing.status, 2);
        assert.match(missing.output, /cannot read Pulumi\.nope\.yaml/);
        for (const args of [[], ["--stack", "dev", "--colour"]]) {
            const bad = cli(...args);
            assert.strictEqual(bad.status, 2, args.join(" "));
            assert.match(bad.output, /usage: npm run render -- \[--project <dir>\] --stack <name>/);
        }
    });
});
