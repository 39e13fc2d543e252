import * as assert from "assert";
import fc from "fast-check";
import { EngineResource } from "../engine";
import {
    assertWaits,
    levels,
    messages,
    notApplicable,
    only,
    resource,
    types,
    unknownValue,
    urns,
    workload,
} from "./fixtures";

/**
 * etcd-network-policy: an ingress NetworkPolicy of etcd's namespace selects every etcd pod, and no
 * rule of those policies admits the client or the peer port from anyone (no `from`, an ipBlock of
 * the whole internet, every pod of every namespace).
 */
describe("etcd-network-policy", () => {
    const engine = only("etcd-network-policy");
    const ports = [
        { name: "client", containerPort: 2379 },
        { name: "peer", containerPort: 2380 },
    ];
    const etcdContainer = (args: readonly unknown[] = [], more: Record<string, unknown> = {}) => ({
        name: "etcd",
        image: "registry.k8s.io/etcd:3.6.8-0",
        command: ["etcd"],
        args,
        ports,
        ...more,
    });
    /** The etcd StatefulSet `members` in cluster-a, its pods labelled app=etcd. */
    const etcd = (
        args: readonly unknown[] = [],
        more: Record<string, unknown> = {},
        labels: unknown = { app: "etcd" },
    ) =>
        workload(types.statefulSet, [etcdContainer(args, more)], {
            name: "members",
            namespace: "cluster-a",
            template: { labels },
        });
    const policy = (spec: unknown, namespace: unknown = "cluster-a", name = "etcd-ingress") =>
        resource(types.networkPolicy, { metadata: { name, namespace }, spec }, { name });
    const apiserverPods = { podSelector: { matchLabels: { app: "kube-apiserver" } } };
    const members = { podSelector: { matchLabels: { app: "etcd" } } };
    /** What the program does: the client port from kube-apiserver, the peer port from the members. */
    const admitted = [
        { from: [apiserverPods], ports: [{ port: 2379 }] },
        { from: [members], ports: [{ port: 2380, protocol: "TCP" }] },
    ];
    const tight = { podSelector: { matchLabels: { app: "etcd" } }, policyTypes: ["Ingress"], ingress: admitted };
    const ingress = (...rules: unknown[]) => ({ podSelector: {}, ingress: rules });
    const check = (...resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const who = 'container "etcd" of members (namespace cluster-a)';
    const unselected = `${who} is selected by no ingress NetworkPolicy: every pod of the seed, every tenant's included, can reach its client and peer ports. A stolen client certificate, or a flaw in etcd's TLS, is then one hop from every Secret of the cluster.`;
    const open = (role: "client" | "peer", port = role === "client" ? 2379 : 2380, names = "etcd-ingress") =>
        `${who}: a NetworkPolicy (${names}) admits its ${role} port ${port} from anyone. Admit it only from ${role === "client" ? "kube-apiserver's pods" : "the members"} (podSelector peers).`;

    it("passes the program's policy, and ingress admitting only chosen peers", () => {
        assert.deepStrictEqual(check(etcd(), policy(tight)), []);
        assert.deepStrictEqual(check(etcd(), policy({ podSelector: {}, policyTypes: ["Ingress", "Egress"] })), []);
    });

    const notIsolated: [string, EngineResource[]][] = [
        ["no NetworkPolicy", []],
        ["a policy of another namespace", [policy(tight, "cluster-b")]],
        ["a policy selecting other pods", [policy({ ...tight, podSelector: { matchLabels: { app: "web" } } })]],
        ["an Egress-only policy", [policy({ ...tight, policyTypes: ["Egress"] })]],
        ["a policy without a spec", [resource(types.networkPolicy, { metadata: { namespace: "cluster-a" } })]],
    ];
    for (const [what, resources] of notIsolated) {
        it(`flags ${what}, on the etcd workload`, () => {
            const server = etcd();
            const analysis = engine.analyzeStack([server, ...resources]);
            assert.deepStrictEqual(messages(analysis), [unselected]);
            assert.deepStrictEqual(urns(analysis), [server.urn]);
        });
    }

    it("isolates with no policyTypes (Ingress) and with a policy selecting every pod", () => {
        assert.deepStrictEqual(check(etcd(), policy({ podSelector: tight.podSelector, ingress: admitted })), []);
        assert.deepStrictEqual(check(etcd(), policy({ ingress: [] })), []);
        assert.deepStrictEqual(check(etcd([], {}, undefined), policy({ podSelector: {} })), []);
    });

    /** Rules that admit from anyone, and the ports each opens. */
    const anyone: [string, unknown, ("client" | "peer")[]][] = [
        ["a rule without from or ports", {}, ["client", "peer"]],
        ["a rule with an empty from", { from: [] }, ["client", "peer"]],
        ["the client port without from", { ports: [{ port: 2379 }] }, ["client"]],
        ["the peer port by its name", { ports: [{ port: "peer" }] }, ["peer"]],
        ["a TCP rule without a port", { ports: [{ protocol: "TCP" }] }, ["client", "peer"]],
        ["a range over both ports", { ports: [{ port: 2000, endPort: 2380 }] }, ["client", "peer"]],
        ["a range ending at the client port", { ports: [{ port: 2379, endPort: 2379 }] }, ["client"]],
        ["a range starting at the peer port", { ports: [{ port: 2380, endPort: 3000 }] }, ["peer"]],
        ["0.0.0.0/0", { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, ["client", "peer"]],
        ["::/0", { from: [{ ipBlock: { cidr: "::/0", except: ["fd00::/8"] } }] }, ["client", "peer"]],
        ["every namespace", { from: [{ namespaceSelector: {} }] }, ["client", "peer"]],
        ["every pod of every namespace", { from: [{ namespaceSelector: {}, podSelector: {} }] }, ["client", "peer"]],
        [
            "every namespace, with empty label and expression lists",
            { from: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] } }] },
            ["client", "peer"],
        ],
        ["anyone beside a chosen peer", { from: [apiserverPods, { namespaceSelector: {} }] }, ["client", "peer"]],
    ];
    for (const [what, rule, roles] of anyone) {
        it(`flags ${what}: ${roles.join(" and ")}`, () => {
            const server = etcd();
            const analysis = engine.analyzeStack([server, policy(ingress(rule))]);
            assert.deepStrictEqual(
                messages(analysis),
                roles.map((role) => open(role)),
            );
            assert.deepStrictEqual(
                urns(analysis),
                roles.map(() => server.urn),
            );
        });
    }

    const chosen: [string, unknown][] = [
        ["pods of its namespace", { from: [apiserverPods] }],
        ["a private network", { from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }],
        ["an ipBlock that is no CIDR", { from: [{ ipBlock: { cidr: "anywhere" } }] }],
        ["labelled namespaces", { from: [{ namespaceSelector: { matchLabels: { team: "a" } } }] }],
        [
            "namespaces by expression",
            { from: [{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] } }] },
        ],
        ["labelled pods of every namespace", { from: [{ namespaceSelector: {}, ...apiserverPods }] }],
        ["a peer that is no selector", { from: [{ namespaceSelector: "all" }] }],
        [
            "UDP only",
            {
                ports: [
                    { port: 2379, protocol: "UDP" },
                    { port: 2380, protocol: "SCTP" },
                ],
            },
        ],
        ["other ports", { ports: [{ port: 2378 }, { port: 2381 }, { port: 2381, endPort: 2400 }] }],
        ["a range below", { ports: [{ port: 2000, endPort: 2378 }] }],
        ["a name no container port has", { ports: [{ port: "metrics" }] }],
        ["a port that is neither number nor name", { ports: [{ port: true }] }],
    ];
    for (const [what, rule] of chosen) {
        it(`passes a rule admitting ${what}`, () => assert.deepStrictEqual(check(etcd(), policy(ingress(rule))), []));
    }

    it("names every isolating policy, and ignores policies of other namespaces and pods", () => {
        const resources = [
            etcd(),
            policy(ingress({}), "cluster-a", "open"),
            policy({ podSelector: { matchLabels: { app: "etcd" } } }, "cluster-a", "deny"),
            policy(ingress({}), "cluster-b", "elsewhere"),
            policy({ ...ingress({}), podSelector: { matchLabels: { app: "web" } } }, "cluster-a", "web"),
            policy({ ...ingress({}), policyTypes: ["Egress"] }, "cluster-a", "egress"),
        ];
        assert.deepStrictEqual(check(...resources), [
            open("client", 2379, "open, deny"),
            open("peer", 2380, "open, deny"),
        ]);
    });

    const listening: [string, unknown[], unknown[], string[]][] = [
        [
            "its own client port",
            ["--listen-client-urls=https://0.0.0.0:12379"],
            [{ port: 12379 }],
            [open("client", 12379)],
        ],
        [
            "the first URL",
            ["--listen-client-urls", "https://10.0.0.1:2381,https://127.0.0.1:2379"],
            [{ port: 2381 }],
            [open("client", 2381)],
        ],
        [
            "not the second URL",
            ["--listen-client-urls=https://10.0.0.1:2381,https://127.0.0.1:2379"],
            [{ port: 2379 }],
            [],
        ],
        [
            "the default client port when it moves the peer port",
            ["--listen-peer-urls=https://0.0.0.0:12380"],
            [{ port: 2379 }],
            [open("client")],
        ],
        ["its own peer port", ["--listen-peer-urls=http://[::]:12380"], [{ port: 12380 }], [open("peer", 12380)]],
        ["no port it can read (a URL without one)", ["--listen-client-urls=unix://etcd.sock"], [], [open("peer")]],
        ["no port it can read (no URL)", ["--listen-client-urls=0.0.0.0:2379"], [{ port: 2379 }], []],
        [
            "no port it can read (a scheme etcd has not)",
            ["--listen-client-urls=x-https://0.0.0.0:2381"],
            [{ port: 2381 }],
            [],
        ],
    ];
    for (const [what, args, rulePorts, expected] of listening) {
        it(`checks ${what}`, () =>
            assert.deepStrictEqual(check(etcd(args), policy(ingress({ ports: rulePorts }))), expected));
    }

    it("reads any listen port from the flag (fast-check)", () =>
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("http", "https"), (port, scheme) => {
                const args = [`--listen-peer-urls=${scheme}://10.1.2.3:${port}`];
                assert.deepStrictEqual(check(etcd(args), policy(ingress({ ports: [{ port }] }))), [
                    ...(port === 2379 ? [open("client")] : []),
                    open("peer", port),
                ]);
            }),
            { numRuns: 30 },
        ));

    it("finds etcd in any workload kind, by image or by binary, and checks each member", () => {
        const pod = workload(types.pod, [{ name: "e", image: "quay.io/coreos/etcd:v3.6.8" }], {
            namespace: "cluster-a",
        });
        const job = workload(types.job, [{ name: "e", image: "example.com/kv:1", command: ["/usr/local/bin/etcd"] }], {
            namespace: "cluster-b",
            name: "restore",
        });
        assert.deepStrictEqual(
            check(pod, job, policy({ podSelector: {} })).map((m) => m.split(" is ")[0]),
            [`container "e" of restore (namespace cluster-b)`],
        );
        assert.deepStrictEqual(check(pod, job).length, 2);
    });

    it("resolves a named port from the entry that names it with a number", () => {
        const partial = [
            { name: "peer", containerPort: 2380 },
            { name: "peer", containerPort: "2380" },
            { containerPort: 2379 },
        ];
        const server = etcd([], { ports: partial });
        assert.deepStrictEqual(check(server, policy(ingress({ ports: [{ port: "peer" }] }))), [open("peer")]);
        assert.deepStrictEqual(check(server, policy(ingress({ ports: [{ port: "undefined" }] }))), []);
    });

    it("resolves named ports from the container's ports only", () => {
        const unnamed = etcd([], {
            ports: [{ containerPort: 2380 }, { name: "peer" }, { name: "peer", containerPort: "x" }],
        });
        assert.deepStrictEqual(check(unnamed, policy(ingress({ ports: [{ port: "peer" }] }))), []);
        const unknownPorts = etcd([], { ports: unknownValue });
        assert.deepStrictEqual(check(unknownPorts, policy(ingress({ ports: [{ port: "peer" }] }))), []);
    });

    const pending: [string, () => EngineResource[]][] = [
        ["a listen URL", () => [etcd([unknownValue]), policy(ingress({ ports: [{ port: 2379 }] }))]],
        [
            "its namespace",
            () => [
                workload(types.statefulSet, [etcdContainer()], { namespace: unknownValue as string }),
                policy(tight),
            ],
        ],
        ["its labels", () => [etcd([], {}, unknownValue), policy(tight)]],
        ["its containers", () => [workload(types.statefulSet, [], { pod: { containers: unknownValue } })]],
        ["a policy's spec, without another isolating it", () => [etcd(), policy(unknownValue)]],
        ["a policy's namespace, without another isolating it", () => [etcd(), policy(tight, unknownValue)]],
    ];
    for (const [what, build] of pending) {
        it(`waits for ${what} (advisory)`, () => {
            const analysis = engine.analyzeStack(build());
            assertWaits(analysis);
        });
    }

    it("reports the open port beside a policy not known yet, and waits for that policy", () => {
        const analysis = engine.analyzeStack([
            etcd(),
            policy(ingress({ ports: [{ port: 2379 }] })),
            policy(unknownValue),
        ]);
        assert.deepStrictEqual(messages(analysis)[0], open("client"));
        assert.deepStrictEqual(levels(analysis), ["mandatory", "advisory"]);
        assert.deepStrictEqual(levels(engine.analyzeStack([etcd(), policy(tight), policy(unknownValue)])), [
            "advisory",
        ]);
    });

    it("is not applicable to a stack without etcd", () => {
        const analysis = engine.analyzeStack([
            workload(types.deployment, [{ name: "web", image: "nginx:1.27" }]),
            policy(tight),
        ]);
        assert.deepStrictEqual(notApplicable(analysis), ["the stack runs no etcd"]);
    });
});
