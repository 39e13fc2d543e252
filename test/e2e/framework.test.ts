/**
 * The end-to-end suite's pure parts, without Go, root or binaries: what it builds follows the
 * versions table and the committed wrappers, the kubelet's `$(VAR)` rules, the HAProxy and
 * nftables it derives from the rendered load balancer, and the render adapter.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { supportedKubernetesVersions, versionPins } from "../../components/config";
import { etcdVersion, stagingVersion, targets } from "../../e2e/build/targets";
import { checkWrapper } from "../../e2e/build/wrappers";
import { balanceOf, expectedCodesRegex, octaviaHaproxyConfig, octaviaNftables } from "../../e2e/lib/haproxy";
import { metricValue, parseMetrics } from "../../e2e/lib/metrics";
import { containerEnv, expand, PodPlacement } from "../../e2e/lib/pods";
import { render, Rendered } from "../../e2e/lib/render";

describe("e2e: what the suite builds", () => {
    it("has a target for every pinned Kubernetes, etcd and konnectivity version, and nothing else", () => {
        const pins = supportedKubernetesVersions.map(versionPins);
        const want = new Set([
            ...pins.map((p) => `kubernetes-${p.kubernetes}`),
            ...pins.map((p) => `etcd-${etcdVersion(p.etcd)}`),
            ...pins.map((p) => `konnectivity-${p.konnectivity}`),
        ]);
        const got = targets().filter((t) => t.component !== "kubelet-stand-in");
        assert.deepEqual(new Set(got.map((t) => `${t.component}-${t.version}`)), want);
    });

    it("builds kube-apiserver and kubectl for every minor, and the whole set for the default one", () => {
        for (const t of targets().filter((x) => x.component === "kubernetes")) {
            assert.ok(t.build.includes("kube-apiserver") && t.build.includes("kubectl"), t.version);
        }
        const full = targets().filter((x) => x.component === "kubernetes" && x.build.includes("kubemark"));
        assert.equal(full.length, 1);
        assert.deepEqual(full[0].build, Object.keys(full[0].tools));
    });

    it("has a committed wrapper module requiring each pinned version (a bumped pin needs --update)", () => {
        for (const t of targets()) {
            assert.doesNotThrow(() => checkWrapper(t), `${t.component} ${t.version}`);
            assert.ok(fs.existsSync(path.join(t.dir, "go.sum")), t.dir);
        }
    });

    it("refuses a wrapper that requires another version than the pin", () => {
        const t = targets()[0];
        assert.throws(() => checkWrapper({ ...t, moduleVersion: "v9.9.9" }), /does not require .* v9\.9\.9.*--update/);
    });

    it("replaces each staging module with the release's v0.Y.Z", () => {
        assert.equal(stagingVersion("v1.36.5"), "v0.36.5");
        assert.equal(etcdVersion("3.6.8-0"), "v3.6.8");
    });
});

describe("e2e: the kubelet's rules", () => {
    const vars = new Map([
        ["A", "a"],
        ["POD_NAME", "etcd-0"],
    ]);
    for (const [text, want] of [
        ["$(A)", "a"],
        ["--name=$(POD_NAME)", "--name=etcd-0"],
        ["$(A)-$(A)", "a-a"],
        ["$$(A)", "$(A)"],
        ["$(UNDEFINED)", "$(UNDEFINED)"],
        ["$A", "$A"],
        ["$$", "$"],
    ]) {
        it(`expands ${text} to ${want}`, () => assert.equal(expand(text, vars), want));
    }

    it("computes env in order: fieldRefs, and values that refer to earlier ones", () => {
        const placement: PodPlacement = {
            name: "apiserver-1",
            namespace: "cluster-dev",
            labels: {},
            netns: "x",
            podIP: "10.244.0.11",
            nodeName: "seed-node",
            hostIP: "10.0.0.11",
            hosts: new Map(),
        };
        const env = containerEnv(
            {
                name: "c",
                image: "registry.k8s.io/kube-apiserver:v1.36.5",
                env: [
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
                    { name: "ID", value: "$(POD_NAME)@$(HOST)" },
                ],
            },
            placement,
            { secrets: new Map(), configMaps: new Map() },
        );
        assert.deepEqual(Object.fromEntries(env), {
            POD_NAME: "apiserver-1",
            HOST: "10.0.0.11",
            ID: "apiserver-1@10.0.0.11",
        });
    });
});

describe("e2e: the load balancer as HAProxy and nftables", () => {
    let rendered: Rendered;
    before(async function () {
        this.timeout(60_000);
        rendered = await render({ lbIdleTimeoutSeconds: 60 });
    });

    it("reads the render: one listener per port with the changed timeouts, members on the seed subnet", () => {
        const lb = rendered.loadBalancer;
        assert.deepEqual(lb.listeners.map((l) => l.port).sort(), [6443, 8132]);
        for (const l of lb.listeners) {
            assert.equal(l.timeoutClientDataMs, 60_000);
            assert.equal(l.timeoutMemberDataMs, 60_000);
            assert.deepEqual(
                l.pool.members.map((m) => m.address),
                ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
            );
        }
        assert.equal(rendered.seedSubnet.cidr, "10.0.0.0/24");
        assert.equal(rendered.workerSubnet.cidr, "192.168.1.0/24");
        assert.ok(
            rendered.pki.some((p) => p.file.endsWith(".key")),
            "the render has no keys",
        );
    });

    it("gives every listener a frontend on the VIP with its timeouts, and its pool's monitor", () => {
        const lb = rendered.loadBalancer;
        const cfg = octaviaHaproxyConfig(lb, "/tmp/x.sock");
        for (const l of lb.listeners) {
            assert.ok(cfg.includes(`bind ${lb.vipAddress}:${l.port}\n    timeout client 60000ms`), l.name);
            const m = l.pool.monitor!;
            for (const member of l.pool.members) {
                assert.ok(
                    cfg.includes(
                        `${member.address}:${member.port} check inter ${m.delay}s fall ${m.maxRetriesDown} rise ${m.maxRetries}`,
                    ),
                    `${l.name} ${member.address}`,
                );
            }
        }
        assert.match(cfg, /option httpchk GET \/readyz/);
        assert.doesNotMatch(cfg, /balance (?!roundrobin)/);
    });

    it("drops what a listener's allowlist does not admit, and NATs the floating IP to the VIP", () => {
        const lb = rendered.loadBalancer;
        const rules = octaviaNftables(lb);
        assert.ok(rules.includes(`ip daddr ${lb.floatingIp} dnat to ${lb.vipAddress}`));
        const tunnel = lb.listeners.find((l) => l.port === 8132)!;
        assert.ok(rules.includes(`tcp dport 8132 ip saddr != { ${tunnel.allowedCidrs!.join(", ")} } drop`));
        assert.ok(!rules.includes("tcp dport 6443"), "the API listener admits everyone");
    });

    for (const [method, balance] of [
        ["ROUND_ROBIN", "roundrobin"],
        ["LEAST_CONNECTIONS", "leastconn"],
        ["SOURCE_IP", "source"],
    ]) {
        it(`runs ${method} as balance ${balance}`, () => assert.equal(balanceOf(method), balance));
    }

    it("turns Octavia's expected codes into a status regex", () => {
        assert.equal(expectedCodesRegex("200"), "^(200)$");
        assert.equal(expectedCodesRegex("200-202,204"), "^(200|201|202|204)$");
    });
});

describe("e2e: metrics", () => {
    it("sums a metric's samples with the given labels", () => {
        const text = [
            "# HELP x y",
            'apiserver_egress_dialer_dial_start_total{protocol="grpc",transport="uds"} 3',
            'apiserver_egress_dialer_dial_start_total{protocol="http_connect",transport="tcp"} 5',
            "konnectivity_network_proxy_agent_open_server_connections 2",
        ].join("\n");
        assert.equal(parseMetrics(text).length, 3);
        assert.equal(metricValue(text, "apiserver_egress_dialer_dial_start_total", { protocol: "grpc" }), 3);
        assert.equal(metricValue(text, "apiserver_egress_dialer_dial_start_total"), 8);
        assert.equal(metricValue(text, "konnectivity_network_proxy_agent_open_server_connections"), 2);
        assert.equal(metricValue(text, "missing"), undefined);
    });
});
