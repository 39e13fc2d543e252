import * as assert from "assert";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as protoutilModule from "@pulumi/policy/protoutil";
import * as serverModule from "@pulumi/policy/server";
import { packName, policies } from "../../policies/policies";
import { devRun } from "../fixtures";
import { Analysis, Engine, EngineResource, fromRecorded } from "./engine";
import { container, setFlag, wholeStack } from "./wholeStack";
import { analyzeRequest, analyzeStackRequest, asAnalysis, levels, withoutUrn } from "./wire";

/**
 * The test adapter against @pulumi/policy's own analyzer server: the same resources go through
 * the real Analyze / AnalyzeStack RPC handlers (built from real protobuf requests) and through
 * the adapter, and the diagnostics must agree.
 */
type Rpc = (
    call: { request: unknown },
    callback: (err: unknown, response?: analyzerPb.AnalyzeResponse) => void,
) => void;
const server = serverModule as unknown as {
    makeAnalyzeRpcFun(name: string, version: string, level: string, policies: unknown[]): Rpc;
    makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: unknown[]): Rpc;
};
const protoutil = protoutilModule as unknown as {
    makeAnalyzerInfo(
        name: string,
        version: string,
        level: string,
        args: object,
        config?: object,
    ): analyzerPb.AnalyzerInfo;
};

function call(rpc: Rpc, request: unknown): Promise<Analysis> {
    return new Promise((resolve, reject) =>
        rpc({ request }, (err, response) => {
            if (err || !response) return reject(err);
            resolve(asAnalysis(response));
        }),
    );
}

async function realPreview(resources: readonly EngineResource[]): Promise<{ each: Analysis[]; stack: Analysis }> {
    const analyze = server.makeAnalyzeRpcFun(packName, "0.1.0", "advisory", policies);
    const analyzeStack = server.makeAnalyzeStackRpcFun(packName, "0.1.0", "advisory", policies);
    const each: Analysis[] = [];
    for (const r of resources) each.push(await call(analyze, analyzeRequest(r, resources)));
    return { each, stack: await call(analyzeStack, analyzeStackRequest(resources)) };
}

async function assertSameAsServer(resources: readonly EngineResource[]): Promise<number> {
    const adapter = new Engine(policies);
    const real = await realPreview(resources);
    resources.forEach((r, i) => assert.deepStrictEqual(withoutUrn(adapter.analyze(r, resources)), real.each[i], r.urn));
    assert.deepStrictEqual(adapter.analyzeStack(resources), real.stack);
    return real.each.reduce((n, a) => n + a.diagnostics.length, real.stack.diagnostics.length);
}

describe("the test adapter agrees with @pulumi/policy's analyzer server", () => {
    it("on a broken whole stack in a first preview (violations, unknowns, not-applicable)", async () => {
        const s = wholeStack({ ids: "unknown" });
        s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP";
        s.get("Listener", "dev-api").props.timeoutMemberData = 1000;
        setFlag(container(s.get("Deployment", "dev-kube-apiserver"), "konnectivity-server"), "server-count", "5");
        setFlag(container(s.get("Deployment", "dev-konnectivity-agent"), "konnectivity-agent"), "agent-key", undefined);
        container(s.get("Deployment", "dev-konnectivity-agent"), "konnectivity-agent").image = "busybox";
        const diagnostics = await assertSameAsServer(s.resources);
        assert.ok(diagnostics >= 5, `${diagnostics} diagnostics`);
    });

    it("on the same stack with known ids", async () => {
        const s = wholeStack({ ids: "known" });
        s.get("Monitor", "dev-tunnel").props.urlPath = "/readyz";
        assert.ok((await assertSameAsServer(s.resources)) >= 1);
    });

    it("on the dev stack", async () => {
        const run = await devRun();
        if (run.error) throw run.error;
        await assertSameAsServer(fromRecorded(run.resources));
    });

    it("describes the pack to the engine (GetAnalyzerInfo) with every policy and its config schema", () => {
        const info = protoutil.makeAnalyzerInfo(packName, "0.1.0", "advisory", { policies });
        const described = info.getPoliciesList().map((p) => [p.getName(), levels[p.getEnforcementlevel()]]);
        assert.deepStrictEqual(
            described,
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
        const ingress = info.getPoliciesList().find((p) => p.getName() === "workers-no-internet-ingress");
        assert.deepStrictEqual(ingress?.getConfigschema()?.getProperties()?.toJavaScript().allowedPorts, {
            type: "array",
            items: { type: "integer", minimum: 1, maximum: 65535 },
            default: [22],
            description: "TCP/UDP ports the worker security group may admit from internet sources.",
        });
    });
});
