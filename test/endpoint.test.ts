import * as assert from "assert";
import { endpointPlan, EndpointPlanArgs, ListenerRequest, seedNodePortRules, tcpMonitor } from "../components/endpoint";
import { at, one, ofType, ProgramRun, RecordedResource, runProgram } from "./harness";
import { devConfig, devObject, devRun } from "./fixtures";

const T = {
    lb: "openstack:loadbalancer/loadBalancer:LoadBalancer",
    listener: "openstack:loadbalancer/listener:Listener",
    pool: "openstack:loadbalancer/pool:Pool",
    member: "openstack:loadbalancer/member:Member",
    monitor: "openstack:loadbalancer/monitor:Monitor",
    fip: "openstack:networking/floatingIp:FloatingIp",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    router: "openstack:networking/router:Router",
};

const tunnelListener: ListenerRequest = {
    key: "konnectivity",
    port: 8132,
    nodePort: 30132,
    allowedCidrs: ["198.51.100.0/24"],
    workerRouter: true,
    monitor: tcpMonitor,
    keepaliveSeconds: 30,
};
const planArgs: EndpointPlanArgs = {
    apiserverNodePort: 30443,
    listeners: [tunnelListener],
    lbProvider: "amphora",
    idleTimeoutSeconds: 3600,
    apiAllowedCidrs: ["0.0.0.0/0"],
    seedNodeAddresses: ["10.0.0.11", "10.0.0.12"],
};

describe("endpoint plan (pure)", () => {
    it("has the API listener and the listeners the tunnel asks for", () => {
        const plan = endpointPlan(planArgs);
        assert.deepStrictEqual(
            plan.listeners.map((l) => [l.key, l.port, l.nodePort]),
            [
                ["apiserver", 6443, 30443],
                ["konnectivity", 8132, 30132],
            ],
        );
    });

    it("refuses listeners that share a name, a port or a NodePort", () => {
        const openvpn = { ...tunnelListener, key: "openvpn", port: 1194, nodePort: 30194 };
        assert.deepStrictEqual(
            endpointPlan({ ...planArgs, listeners: [tunnelListener, openvpn] }).listeners.map((l) => l.port),
            [6443, 8132, 1194],
        );
        for (const clash of [
            { ...openvpn, key: "konnectivity" },
            { ...openvpn, port: 6443 },
            { ...openvpn, nodePort: 30443 },
        ]) {
            assert.throws(() => endpointPlan({ ...planArgs, listeners: [tunnelListener, clash] }), /listeners share a/);
        }
    });

    it("uses TCP monitors for every listener on OVN, whatever the tunnel asks for", () => {
        const https = { ...tunnelListener, monitor: { ...tcpMonitor, type: "HTTPS" as const, urlPath: "/healthz" } };
        assert.strictEqual(endpointPlan({ ...planArgs, listeners: [https] }).listeners[1].monitor.type, "HTTPS");
        assert.strictEqual(
            endpointPlan({ ...planArgs, lbProvider: "ovn", listeners: [https] }).listeners[1].monitor.type,
            "TCP",
        );
    });

    it("uses idle timeouts longer than the keepalive, and refuses the opposite", () => {
        for (const l of endpointPlan(planArgs).listeners) {
            assert.strictEqual(l.timeoutClientDataMs, 3600000);
            assert.strictEqual(l.timeoutMemberDataMs, 3600000);
        }
        assert.throws(
            () => endpointPlan({ ...planArgs, idleTimeoutSeconds: 30 }),
            /konnectivity listener's keepalive \(30 s\) must be shorter/,
        );
    });

    it("admits the worker router (and extra CIDRs) on the tunnel, the router and the API allowlist on 6443", () => {
        const [api, tunnel] = endpointPlan(planArgs).listeners;
        assert.deepStrictEqual([api.workerRouter, api.allowedCidrs], [true, ["0.0.0.0/0"]]);
        assert.deepStrictEqual([tunnel.workerRouter, tunnel.allowedCidrs], [true, ["198.51.100.0/24"]]);
    });

    it("probes the apiserver's /readyz over HTTPS and the tunnel with TCP on amphora", () => {
        const [api, tunnel] = endpointPlan(planArgs).listeners;
        assert.deepStrictEqual(
            [api.monitor.type, api.monitor.urlPath, api.monitor.expectedCodes],
            ["HTTPS", "/readyz", "200"],
        );
        assert.strictEqual(tunnel.monitor.type, "TCP");
        assert.strictEqual(tunnel.monitor.urlPath, undefined);
        for (const l of endpointPlan(planArgs).listeners) assert.ok(l.monitor.delay > l.monitor.timeout);
    });

    it("balances ROUND_ROBIN on amphora; on OVN uses SOURCE_IP_PORT, TCP monitors and warns about allowlists", () => {
        assert.ok(endpointPlan(planArgs).listeners.every((l) => l.lbMethod === "ROUND_ROBIN"));
        const ovn = endpointPlan({ ...planArgs, lbProvider: "ovn" });
        assert.ok(ovn.listeners.every((l) => l.lbMethod === "SOURCE_IP_PORT" && l.monitor.type === "TCP"));
        assert.strictEqual(ovn.listenerAllowlists, false);
        assert.match(ovn.warnings[0], /cannot enforce listener allowlists/);
    });

    it("has one member per seed node on the listener's NodePort", () => {
        const [api, tunnel] = endpointPlan(planArgs).listeners;
        assert.deepStrictEqual(api.members, [
            { address: "10.0.0.11", port: 30443 },
            { address: "10.0.0.12", port: 30443 },
        ]);
        assert.deepStrictEqual(
            tunnel.members.map((m) => m.port),
            [30132, 30132],
        );
        assert.throws(() => endpointPlan({ ...planArgs, seedNodeAddresses: [] }), /seedNodeAddresses is empty/);
    });

    it("admits NodePorts from the LB subnet only on amphora; moves the allowlists to the seed group on OVN", () => {
        const amphora = seedNodePortRules(endpointPlan(planArgs), "10.0.0.0/24");
        assert.deepStrictEqual(
            amphora.map((r) => [r.port, r.remote]),
            [
                [30443, { cidr: "10.0.0.0/24" }],
                [30132, { cidr: "10.0.0.0/24" }],
            ],
        );
        const ovn = seedNodePortRules(endpointPlan({ ...planArgs, lbProvider: "ovn" }), "10.0.0.0/24");
        assert.deepStrictEqual(
            ovn.map((r) => [r.port, r.remote]),
            [
                [30443, { cidr: "10.0.0.0/24" }],
                [30443, { cidr: "0.0.0.0/0" }],
                [30443, { workerRouter: true }],
                [30132, { cidr: "10.0.0.0/24" }],
                [30132, { cidr: "198.51.100.0/24" }],
                [30132, { workerRouter: true }],
            ],
        );
        assert.strictEqual(new Set(ovn.map((r) => r.key)).size, ovn.length);
    });
});

describe("API endpoint (dev stack under mocks)", () => {
    let run: ProgramRun;
    const listener = (port: number) => ofType(run.resources, T.listener).find((l) => l.inputs.protocolPort === port);
    const poolOf = (l: RecordedResource) => ofType(run.resources, T.pool).find((p) => p.inputs.listenerId === l.id)!;

    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
    });

    it("puts the load balancer on the seed subnet in the control-plane tenant, with a floating IP on its VIP port", () => {
        const lb = one(run.resources, T.lb);
        const seedNetwork = devObject<{ network: { subnetId: string } }>("controlPlaneTenant").network;
        assert.strictEqual(lb.inputs.vipSubnetId, seedNetwork.subnetId);
        assert.strictEqual(lb.inputs.loadbalancerProvider, "amphora");
        assert.strictEqual(lb.provider, one(run.resources, "pulumi:providers:openstack", "dev-control-plane").urn);
        const fip = one(run.resources, T.fip);
        assert.strictEqual(fip.inputs.portId, lb.outputs.vipPortId);
        assert.strictEqual(fip.inputs.pool, "public");
        assert.strictEqual(run.outputs.apiAddress, fip.outputs.address);
        assert.strictEqual(run.outputs.apiUrl, `https://${fip.outputs.address}:6443`);
        assert.strictEqual(run.outputs.tunnelAddress, fip.outputs.address);
    });

    it("has TCP listeners on 6443 and 8132 with 1 h data timeouts, and none on 1194", () => {
        for (const port of [6443, 8132]) {
            const l = listener(port)!;
            assert.strictEqual(l.inputs.protocol, "TCP");
            assert.strictEqual(l.inputs.timeoutClientData, 3600000);
            assert.strictEqual(l.inputs.timeoutMemberData, 3600000);
            assert.ok((l.inputs.timeoutClientData as number) > 30 * 1000, "longer than the tunnel keepalive");
        }
        assert.strictEqual(listener(1194), undefined);
        assert.strictEqual(ofType(run.resources, T.listener).length, 2);
    });

    it("admits only the worker router's SNAT address on the tunnel listener, the router and the API allowlist on 6443", async () => {
        const router = one(run.resources, T.router, "dev-workers");
        const snat = at(router.outputs, "externalFixedIps[0].ipAddress");
        assert.deepStrictEqual(listener(8132)!.inputs.allowedCidrs, [`${snat}/32`]);
        assert.ok(!(listener(8132)!.inputs.allowedCidrs as string[]).some((c) => c === "0.0.0.0/0" || c === "::/0"));
        assert.deepStrictEqual(
            listener(6443)!.inputs.allowedCidrs,
            ["0.0.0.0/0"],
            "the router is inside 0.0.0.0/0 already",
        );
        // A restricted API allowlist must not cut off the workers, whose kubelets come from the router.
        const restricted = await runProgram(devConfig({ apiAllowedCidrs: ["198.51.100.0/24"] }));
        if (restricted.error) throw restricted.error;
        const api = ofType(restricted.resources, T.listener).find((l) => l.inputs.protocolPort === 6443)!;
        assert.deepStrictEqual(api.inputs.allowedCidrs, [`${snat}/32`, "198.51.100.0/24"]);
    });

    it("has pools without persistence and one member per seed node on the configured NodePorts", () => {
        for (const [port, nodePort] of [
            [6443, 30443],
            [8132, 30132],
        ]) {
            const pool = poolOf(listener(port)!);
            assert.deepStrictEqual(
                [pool.inputs.protocol, pool.inputs.lbMethod, pool.inputs.persistence],
                ["TCP", "ROUND_ROBIN", undefined],
            );
            const members = ofType(run.resources, T.member).filter((m) => m.inputs.poolId === pool.id);
            assert.deepStrictEqual(
                members.map((m) => [m.inputs.address, m.inputs.protocolPort]),
                ["10.0.0.11", "10.0.0.12", "10.0.0.13"].map((a) => [a, nodePort]),
            );
        }
    });

    it("checks the apiserver's /readyz over HTTPS and the tunnel pool with TCP, never /readyz", () => {
        const apiMonitor = ofType(run.resources, T.monitor).find(
            (m) => m.inputs.poolId === poolOf(listener(6443)!).id,
        )!;
        assert.deepStrictEqual(
            [apiMonitor.inputs.type, apiMonitor.inputs.urlPath, apiMonitor.inputs.expectedCodes],
            ["HTTPS", "/readyz", "200"],
        );
        const tunnelMonitor = ofType(run.resources, T.monitor).find(
            (m) => m.inputs.poolId === poolOf(listener(8132)!).id,
        )!;
        assert.strictEqual(tunnelMonitor.inputs.type, "TCP");
        assert.notStrictEqual(tunnelMonitor.inputs.urlPath, "/readyz");
    });

    it("admits the cluster's NodePorts on the seed nodes' security group from the LB subnet only", () => {
        const rules = ofType(run.resources, T.rule).filter(
            (r) => r.inputs.securityGroupId === "5b0f3c9e-8c8a-4a55-9d63-0c2f4a1b7e21",
        );
        assert.deepStrictEqual(
            rules.map((r) => [
                r.inputs.portRangeMin,
                r.inputs.portRangeMax,
                r.inputs.remoteIpPrefix,
                r.inputs.direction,
            ]),
            [
                [30443, 30443, "10.0.0.0/24", "ingress"],
                [30132, 30132, "10.0.0.0/24", "ingress"],
            ],
        );
    });

    it("on OVN: no listener allowlists (unsupported), SOURCE_IP_PORT pools, and the allowlists on the seed group", async () => {
        const ovn = await runProgram(devConfig({ lbProvider: "ovn", apiAllowedCidrs: ["192.0.2.0/24"] }));
        if (ovn.error) throw ovn.error;
        for (const l of ofType(ovn.resources, T.listener)) assert.strictEqual(l.inputs.allowedCidrs, undefined);
        for (const p of ofType(ovn.resources, T.pool)) assert.strictEqual(p.inputs.lbMethod, "SOURCE_IP_PORT");
        for (const m of ofType(ovn.resources, T.monitor)) assert.strictEqual(m.inputs.type, "TCP");
        const snat = at(one(ovn.resources, T.router, "dev-workers").outputs, "externalFixedIps[0].ipAddress");
        const sources = ofType(ovn.resources, T.rule)
            .filter((r) => r.name.startsWith("dev-api-seed-"))
            .map((r) => `${r.inputs.portRangeMin} ${r.inputs.remoteIpPrefix}`)
            .sort();
        assert.deepStrictEqual(
            sources,
            [
                "30443 10.0.0.0/24",
                "30443 192.0.2.0/24",
                `30443 ${snat}/32`,
                "30132 10.0.0.0/24",
                `30132 ${snat}/32`,
            ].sort(),
        );
    });
});
