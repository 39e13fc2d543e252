import * as assert from "assert";
import fc from "fast-check";
import { endpointPlan, EndpointPlanArgs, ListenerRequest, seedNodePortRules, tcpMonitor } from "../components/endpoint";

// The endpoint plan's rules, each stated once: listeners, what they admit, their pools, and the
// seed rules that follow from them.

const httpsMonitor = { ...tcpMonitor, type: "HTTPS" as const, urlPath: "/healthz", delay: 7 };
const tunnel: ListenerRequest = {
    key: "tunnel",
    port: 8132,
    nodePort: 30132,
    allowedCidrs: ["198.51.100.0/24"],
    workerRouter: true,
    monitor: httpsMonitor,
    keepaliveSeconds: 59,
};
const metrics: ListenerRequest = {
    ...tunnel,
    key: "metrics",
    port: 9100,
    nodePort: 30100,
    allowedCidrs: [],
    workerRouter: false,
};
const args: EndpointPlanArgs = {
    apiserverNodePort: 30443,
    listeners: [tunnel, metrics],
    lbProvider: "amphora",
    idleTimeoutSeconds: 60,
    apiAllowedCidrs: ["203.0.113.0/24", "192.0.2.7/32"],
    seedNodeAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
};

describe("endpoint plan, rule by rule", () => {
    it("amphora: the API listener first, then each requested one, as asked, with the idle timeout on both sides", () => {
        const plan = endpointPlan(args);
        assert.deepStrictEqual(plan.warnings, []);
        assert.strictEqual(plan.listenerAllowlists, true);
        const members = (port: number) => args.seedNodeAddresses.map((address) => ({ address, port }));
        const common = {
            timeoutClientDataMs: 60000,
            timeoutMemberDataMs: 60000,
            timeoutMemberConnectMs: 5000,
            lbMethod: "ROUND_ROBIN",
        };
        assert.deepStrictEqual(plan.listeners, [
            {
                key: "apiserver",
                port: 6443,
                nodePort: 30443,
                allowedCidrs: args.apiAllowedCidrs,
                workerRouter: true,
                ...common,
                monitor: {
                    type: "HTTPS",
                    urlPath: "/readyz",
                    httpMethod: "GET",
                    expectedCodes: "200",
                    delay: 10,
                    timeout: 5,
                    maxRetries: 3,
                    maxRetriesDown: 3,
                },
                members: members(30443),
            },
            {
                key: "tunnel",
                port: 8132,
                nodePort: 30132,
                allowedCidrs: ["198.51.100.0/24"],
                workerRouter: true,
                ...common,
                monitor: httpsMonitor,
                members: members(30132),
            },
            {
                key: "metrics",
                port: 9100,
                nodePort: 30100,
                allowedCidrs: [],
                workerRouter: false,
                ...common,
                monitor: httpsMonitor,
                members: members(30100),
            },
        ]);
    });

    it("OVN: SOURCE_IP_PORT pools, TCP monitors everywhere, no listener allowlists, and a warning saying so", () => {
        const plan = endpointPlan({ ...args, lbProvider: "ovn" });
        assert.deepStrictEqual(
            plan.listeners.map((l) => [l.lbMethod, l.monitor]),
            [
                ["SOURCE_IP_PORT", tcpMonitor],
                ["SOURCE_IP_PORT", tcpMonitor],
                ["SOURCE_IP_PORT", tcpMonitor],
            ],
        );
        assert.deepStrictEqual(tcpMonitor, { type: "TCP", delay: 10, timeout: 5, maxRetries: 3, maxRetriesDown: 3 });
        assert.strictEqual(plan.listenerAllowlists, false);
        assert.strictEqual(plan.warnings.length, 1);
        assert.ok(
            plan.warnings[0].includes(
                "(allowed_cidrs). The allowlists (apiAllowedCidrs; the worker router and tunnelAllowedCidrs for the tunnel) are enforced on the seed nodes' security group instead",
            ),
        );
        assert.match(plan.warnings[0], /^lbProvider is ovn: .*allowed_cidrs.*seed nodes' security group instead/);
    });

    it("a keepalive must be shorter than the idle timeout, one second is enough", () => {
        assert.doesNotThrow(() => endpointPlan(args));
        assert.throws(
            () => endpointPlan({ ...args, listeners: [{ ...metrics, keepaliveSeconds: 60 }] }),
            /^Error: endpointPlan: the metrics listener's keepalive \(60 s\) must be shorter than idleTimeoutSeconds \(60\)/,
        );
    });

    it("the pools need members", () => {
        assert.throws(
            () => endpointPlan({ ...args, seedNodeAddresses: [] }),
            /^Error: endpointPlan: seedNodeAddresses is empty/,
        );
    });

    // [what is shared, the clashing request]
    const clashes: [string, ListenerRequest][] = [
        ["key", { ...metrics, key: "tunnel" }],
        ["key", { ...metrics, key: "apiserver" }],
        ["port", { ...metrics, port: 8132 }],
        ["port", { ...metrics, port: 6443 }],
        ["nodePort", { ...metrics, nodePort: 30132 }],
        ["nodePort", { ...metrics, nodePort: 30443 }],
    ];
    for (const [field, clash] of clashes) {
        it(`refuses two listeners with one ${field} (${clash.key} ${clash.port}->${clash.nodePort})`, () => {
            assert.throws(
                () => endpointPlan({ ...args, listeners: [tunnel, clash] }),
                new RegExp(
                    `^Error: endpointPlan: listeners share a ${field} \\(apiserver 6443->30443, tunnel 8132->30132, ${clash.key} ${clash.port}->${clash.nodePort}\\); each needs its own$`,
                ),
            );
        });
    }

    it("any listeners with their own key, port and NodePort are planned, each with every seed node as member", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 0, maxLength: 6 }),
                fc.boolean(),
                (ids, ovn) => {
                    const listeners = ids.map((i) => ({
                        ...metrics,
                        key: `l${i}`,
                        port: 7000 + i,
                        nodePort: 31000 + i,
                        workerRouter: i % 2 === 0,
                    }));
                    const plan = endpointPlan({ ...args, listeners, lbProvider: ovn ? "ovn" : "amphora" });
                    return (
                        plan.listeners.length === ids.length + 1 &&
                        plan.listeners
                            .slice(1)
                            .every(
                                (l, n) =>
                                    l.workerRouter === (ids[n] % 2 === 0) &&
                                    l.members.length === 3 &&
                                    l.members.every((m) => m.port === l.nodePort),
                            )
                    );
                },
            ),
        );
    });
});

describe("seed NodePort rules, rule by rule", () => {
    it("amphora: each NodePort from the load balancer's subnet only (the backends see the amphora)", () => {
        assert.deepStrictEqual(seedNodePortRules(endpointPlan(args), "10.0.0.0/24"), [
            {
                key: "apiserver-lb-subnet",
                description: "apiserver NodePort 30443 from the load balancer's subnet",
                port: 30443,
                remote: { cidr: "10.0.0.0/24" },
            },
            {
                key: "tunnel-lb-subnet",
                description: "tunnel NodePort 30132 from the load balancer's subnet",
                port: 30132,
                remote: { cidr: "10.0.0.0/24" },
            },
            {
                key: "metrics-lb-subnet",
                description: "metrics NodePort 30100 from the load balancer's subnet",
                port: 30100,
                remote: { cidr: "10.0.0.0/24" },
            },
        ]);
    });

    it("OVN: the subnet, each allowlisted CIDR, and the worker router only where the listener admits it", () => {
        const rules = seedNodePortRules(endpointPlan({ ...args, lbProvider: "ovn" }), "10.0.0.0/24");
        assert.deepStrictEqual(
            rules.map((r) => [r.key, r.port, r.remote]),
            [
                ["apiserver-lb-subnet", 30443, { cidr: "10.0.0.0/24" }],
                ["apiserver-203-0-113-0-24", 30443, { cidr: "203.0.113.0/24" }],
                ["apiserver-192-0-2-7-32", 30443, { cidr: "192.0.2.7/32" }],
                ["apiserver-worker-router", 30443, { workerRouter: true }],
                ["tunnel-lb-subnet", 30132, { cidr: "10.0.0.0/24" }],
                ["tunnel-198-51-100-0-24", 30132, { cidr: "198.51.100.0/24" }],
                ["tunnel-worker-router", 30132, { workerRouter: true }],
                ["metrics-lb-subnet", 30100, { cidr: "10.0.0.0/24" }],
            ],
        );
        assert.strictEqual(
            rules[1].description,
            "apiserver NodePort 30443 from 203.0.113.0/24 (allowlist; OVN keeps client addresses)",
        );
        assert.strictEqual(rules[3].description, "apiserver NodePort 30443 from the worker router's SNAT address");
        const v6 = seedNodePortRules(
            endpointPlan({ ...args, lbProvider: "ovn", apiAllowedCidrs: ["2001:DB8::/32"] }),
            "10.0.0.0/24",
        );
        assert.strictEqual(v6[1].key, "apiserver-2001-DB8-32");
    });
});
