import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { policies } from "../../policies/policies";
import { projectRoot } from "../harness";
import { Analysis, Engine, PolicyPackConfigFile } from "./engine";
import { container, setFlag, wholeStack } from "./wholeStack";
import { analyzeRequest, analyzeStackRequest, asAnalysis, configureRequest, levels, withoutUrn } from "./wire";

/**
 * The pack as `pulumi preview --policy-pack policies` runs it: the Node.js language host's
 * run-policy-pack entry point in policies/, with the pack's own node_modules, its tsconfig and
 * ts-node type-checking (policies/index.ts and everything it imports, ../components included).
 * It prints its gRPC port; the test then plays the CLI: GetAnalyzerInfo, Configure, Analyze
 * per resource and AnalyzeStack, and compares with the in-process adapter.
 *
 * Needs `npm ci` in policies/ (as a real preview does); without it the test is skipped.
 */
const packDir = path.join(projectRoot, "policies");
const runner = path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");

function unary<Req, Res>(
    method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
): Promise<Res> {
    return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

interface PackProcess {
    readonly process: ChildProcess;
    /** The gRPC port it prints once it is ready. */
    readonly port: Promise<string>;
    stderr: string;
}

/**
 * Starts the pack when this file is loaded: ts-node type-checks it for several seconds, which the
 * rest of the suite runs alongside instead of waiting. It holds no reference that keeps mocha
 * running, and dies with the test process if its tests never run (a --grep without them).
 */
function startPack(): PackProcess | undefined {
    if (!fs.existsSync(runner)) return undefined;
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir, stdio: "pipe" });
    const started: PackProcess = {
        process: child,
        stderr: "",
        port: new Promise<string>((resolve, reject) => {
            child.stdout?.on("data", (d) => resolve(String(d).trim().split("\n")[0]));
            child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${started.stderr}`)));
        }),
    };
    child.stderr?.on("data", (d) => (started.stderr += String(d)));
    // Reported by the test that awaits it; unawaited, it must not end the run.
    started.port.catch(() => undefined);
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
        (stream as unknown as { unref?(): void })?.unref?.();
    process.once("exit", () => child.kill());
    return started;
}

describe("the policy pack process (as the Pulumi CLI starts it)", function () {
    this.timeout(90_000);
    const started = startPack();
    let client: AnalyzerClient;

    before(async function () {
        if (!started) this.skip();
        const port = await started.port;
        assert.match(port, /^\d+$/, started.stderr);
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        started?.process.kill();
    });

    it("describes every policy with its default enforcement", async () => {
        const info = await unary<Empty, AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        assert.strictEqual(info.getName(), "gks-cluster-guardrails");
        assert.deepStrictEqual(
            info.getPoliciesList().map((p) => [p.getName(), levels[p.getEnforcementlevel()]]),
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
    });

    it("reports exactly what the in-process adapter reports, with a configuration", async () => {
        const config: PolicyPackConfigFile = { "control-path-ha": "mandatory", "images-pinned": "advisory" };
        await unary(client.configure.bind(client), configureRequest(policies, config));
        const s = wholeStack({ ids: "unknown" });
        s.get("Pool", "dev-tunnel").props.persistence = { type: "APP_COOKIE", cookieName: "x" };
        setFlag(container(s.get("Deployment", "dev-kube-apiserver"), "konnectivity-server"), "uds-name", "/x.sock");
        const agent = container(s.get("Deployment", "dev-konnectivity-agent"), "konnectivity-agent");
        agent.image = "registry.k8s.io/kas-network-proxy/proxy-agent:latest";
        (s.get("Deployment", "dev-konnectivity-agent").props.spec as Record<string, unknown>).replicas = 1;

        const adapter = new Engine(policies, config);
        const stack: Analysis = asAnalysis(
            await unary(client.analyzeStack.bind(client), analyzeStackRequest(s.resources)),
        );
        assert.deepStrictEqual(stack, adapter.analyzeStack(s.resources));
        const levelsSeen = new Set(stack.diagnostics.map((d) => `${d.policyName}=${d.enforcementLevel}`));
        assert.ok(levelsSeen.has("control-path-ha=mandatory"), [...levelsSeen].join(", "));
        assert.ok(levelsSeen.has("tunnel-pool-no-stickiness=mandatory"));
        assert.ok(levelsSeen.has("egress-selector-valid=mandatory"));

        let resourceDiagnostics = 0;
        for (const r of s.resources) {
            const real = asAnalysis(await unary(client.analyze.bind(client), analyzeRequest(r, s.resources)));
            assert.deepStrictEqual(real, withoutUrn(adapter.analyze(r, s.resources)), r.urn);
            resourceDiagnostics += real.diagnostics.length;
        }
        assert.strictEqual(resourceDiagnostics, 1, "the agent image (advisory by config)");
    });
});
