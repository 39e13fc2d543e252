import * as assert from "assert";
import { policies } from "../../policies/policies";
import { devConfig, devRun, openvpnConfig, openvpnRun } from "../fixtures";
import { ProgramRun, runProgram } from "../harness";
import { Analysis, asFirstPreview, Engine, EngineResource, fromRecorded, mandatory } from "./engine";

/**
 * Every policy over every resource the dev stack registers, as `pulumi preview --policy-pack
 * policies` would run them. Written for whatever parts the program has: as the API endpoint,
 * control plane and tunnel arrive, their resources are checked here too.
 */
describe("policy pack over the dev stack", () => {
    let run: ProgramRun;
    let resources: EngineResource[];
    const engine = new Engine(policies);
    const explain = (a: Analysis) => JSON.stringify(a.diagnostics, null, 1);

    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
        resources = fromRecorded(run.resources);
    });

    it("has no mandatory violation as an update (every value known)", () => {
        const analysis = engine.preview(resources);
        assert.deepStrictEqual(mandatory(analysis), [], explain(analysis));
    });

    it("has no mandatory violation in the first preview (ids and computed outputs unknown)", () => {
        const first = asFirstPreview(resources, run.resources);
        // The simulation did blank something: references to resources not yet created.
        assert.ok(JSON.stringify(first) !== JSON.stringify(resources));
        const analysis = engine.preview(first);
        assert.deepStrictEqual(mandatory(analysis), [], explain(analysis));
    });

    it("has no mandatory violation with an OVN load balancer either", async () => {
        const ovn = await runProgram(devConfig({ lbProvider: "ovn" }));
        if (ovn.error) throw ovn.error;
        const analysis = engine.preview(fromRecorded(ovn.resources));
        assert.deepStrictEqual(mandatory(analysis), [], explain(analysis));
    });

    it("really checks the worker security group, in both cases, without needing unknown values", () => {
        for (const stack of [resources, asFirstPreview(resources, run.resources)]) {
            const analysis = engine.analyzeStack(stack);
            assert.ok(!analysis.notApplicable.some((n) => n.policyName === "workers-no-internet-ingress"));
            assert.deepStrictEqual(
                analysis.diagnostics.filter((d) => d.policyName === "workers-no-internet-ingress"),
                [],
            );
        }
    });

    it("would stop the dev stack with the kubelet open to the internet", () => {
        const group = resources.find(
            (r) => r.type === "openstack:networking/secGroup:SecGroup" && r.name === "dev-workers",
        );
        assert.ok(group);
        const rule = resources.find((r) => r.name === "dev-workers-internal-kubelet");
        assert.ok(rule);
        const opened: EngineResource = {
            ...rule,
            name: "dev-workers-kubelet",
            urn: rule.urn.replace(/internal-kubelet$/, "kubelet"),
            props: { ...rule.props, remoteGroupId: undefined, remoteIpPrefix: "0.0.0.0/0" },
        };
        delete (opened.props as Record<string, unknown>).remoteGroupId;
        const analysis = engine.preview([...resources, opened]);
        assert.deepStrictEqual(
            mandatory(analysis).map((d) => [d.policyName, d.urn]),
            [
                ["kubelet-not-public", opened.urn],
                ["workers-no-internet-ingress", opened.urn],
            ],
        );
    });
});

describe("policy pack over the openvpn stack", () => {
    const engine = new Engine(policies);
    const explain = (a: Analysis) => JSON.stringify(a.diagnostics, null, 1);

    it("has no mandatory violation, as an update and in the first preview, and checks the OpenVPN objects", async () => {
        const run = await openvpnRun();
        const resources = fromRecorded(run.resources);
        for (const stack of [resources, asFirstPreview(resources, run.resources)]) {
            const analysis = engine.preview(stack);
            assert.deepStrictEqual(mandatory(analysis), [], explain(analysis));
            for (const policy of [
                "tunnel-privileges-contained",
                "tunnel-listener-not-public",
                "one-tunnel-per-cluster",
            ]) {
                assert.ok(!analysis.notApplicable.some((n) => n.policyName === policy), policy);
            }
        }
    });

    it("has no mandatory violation with an OVN load balancer either", async () => {
        const ovn = await runProgram(openvpnConfig({ lbProvider: "ovn" }), { stack: "openvpn" });
        if (ovn.error) throw ovn.error;
        const analysis = engine.preview(fromRecorded(ovn.resources));
        assert.deepStrictEqual(mandatory(analysis), [], explain(analysis));
    });

    it("would stop it with the OpenVPN server privileged, as KKP ran it, or its listener open", async () => {
        const run = await openvpnRun();
        const resources = fromRecorded(run.resources);
        const server = resources.find(
            (r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "legacy-openvpn-server",
        );
        const listener = resources.find((r) => r.name === "legacy-api-openvpn" && r.type.endsWith(":Listener"));
        assert.ok(server && listener);
        const privileged = JSON.parse(JSON.stringify(server)) as EngineResource;
        const spec = (privileged.props as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } })
            .spec;
        spec.template.spec.containers[0].securityContext = { privileged: true };
        const open: EngineResource = { ...listener, props: { ...listener.props, allowedCidrs: undefined } };
        delete (open.props as Record<string, unknown>).allowedCidrs;
        const replaced = resources.map((r) => (r === server ? privileged : r === listener ? open : r));
        const analysis = engine.preview(replaced);
        assert.deepStrictEqual(
            mandatory(analysis).map((d) => [d.policyName, d.urn]),
            [
                ["tunnel-privileges-contained", server.urn],
                ["tunnel-listener-not-public", listener.urn],
            ],
        );
    });
});
