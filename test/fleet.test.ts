import * as assert from "assert";
import { problemsOf } from "./problems";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ConfigError, ListenerKey, PlatformOutputs, Settings } from "../components";
import {
    allocateNodePorts,
    FleetClusterConfig,
    FleetInput,
    NodePortRequest,
    openstackNames,
    planFleet,
} from "../components/fleet";
import { ofType, projectNamed, readStackConfig, runProgram, withConfig, withStandIns } from "./harness";
import { devRun } from "./fixtures";

const platform = (project: string, subnet: string, cidr: string, nodes: string[]): PlatformOutputs => ({
    controlPlaneTenant: {
        projectId: project,
        network: { cidr, networkId: `${subnet}-net`, subnetId: subnet, routerId: `${subnet}-router` },
    },
    seed: { nodeAddresses: nodes, securityGroupId: `${subnet}-sg`, securityGroupProjectId: project },
});

const seeds: FleetInput["seeds"] = {
    one: { platform: platform("p1", "s1", "10.0.0.0/24", ["10.0.0.11"]), seedKubeconfig: "kubeconfig-one" },
    two: {
        platform: platform("p2", "s2", "10.2.0.0/24", ["10.2.0.11"]),
        seedKubeconfig: "kubeconfig-two",
        nodePortRange: { min: 31000, max: 31010 },
    },
};

function cluster(name: string, seed: string, changes: Partial<FleetClusterConfig> = {}): FleetClusterConfig {
    return {
        clusterName: name,
        seed,
        controlPlaneTenant: { credentials: { cloud: `cloud-${seed}` } },
        workerTenant: {
            project: { name: `gks-${name}-workers` },
            network: { cidr: "192.168.1.0/24" },
            credentials: { cloud: "admin" },
        },
        ...changes,
    };
}

describe("fleets: many clusters in one program", () => {
    describe("NodePort allocation (stable for a cluster's life)", () => {
        const ranges = { one: { min: 30000, max: 30010 } };
        const request = (cluster: string, pinned = {}): NodePortRequest => ({ cluster, seed: "one", pinned });

        it("gives a new fleet the lowest ports, three per cluster, in order", () => {
            const a = allocateNodePorts([request("a"), request("b")], ranges);
            assert.deepStrictEqual(a.one, {
                a: { apiserver: 30000, tunnel: 30001, openvpn: 30002 },
                b: { apiserver: 30003, tunnel: 30004, openvpn: 30005 },
            });
        });

        it("keeps every cluster's ports when one is added before it, and gives the new one free ports", () => {
            const before = allocateNodePorts([request("a"), request("b")], ranges);
            const after = allocateNodePorts([request("new"), request("a"), request("b")], ranges, before);
            assert.deepStrictEqual(after.one.a, before.one.a);
            assert.deepStrictEqual(after.one.b, before.one.b);
            assert.deepStrictEqual(after.one.new, { apiserver: 30006, tunnel: 30007, openvpn: 30008 });
        });

        it("does not hand out a removed cluster's ports in the update that removes it, only in a later one", () => {
            const before = allocateNodePorts([request("a"), request("b")], ranges);
            const removing = allocateNodePorts([request("b"), request("c")], ranges, before);
            assert.deepStrictEqual(removing.one.c, { apiserver: 30006, tunnel: 30007, openvpn: 30008 });
            const later = allocateNodePorts([request("b"), request("c"), request("d")], ranges, removing);
            assert.deepStrictEqual(later.one.d, { apiserver: 30000, tunnel: 30001, openvpn: 30002 });
        });

        it("takes pinned ports as given and keeps them from others", () => {
            const a = allocateNodePorts([request("a"), request("b", { apiserver: 30000 })], ranges);
            assert.strictEqual(a.one.b.apiserver, 30000);
            assert.deepStrictEqual(a.one.a, { apiserver: 30001, tunnel: 30002, openvpn: 30003 });
        });

        it("says so when a seed's range is full", () => {
            assert.throws(
                () => allocateNodePorts([request("a"), request("b")], { one: { min: 30000, max: 30004 } }),
                /seed one: no free NodePort left in 30000-30004 for cluster b/,
            );
        });
    });

    describe("planFleet", () => {
        it("validates every cluster, on its seed, with allocated ports and the seed's kubeconfig", () => {
            const plan = planFleet({
                seeds,
                clusters: [cluster("a", "one"), cluster("b", "two"), cluster("c", "one")],
            });
            const [a, b, c] = plan.clusters.map((p) => p.settings);
            assert.deepStrictEqual(a.seed.nodePorts, { apiserver: 30000, tunnel: 30001, openvpn: 30002 });
            assert.deepStrictEqual(b.seed.nodePorts, { apiserver: 31000, tunnel: 31001, openvpn: 31002 });
            assert.deepStrictEqual(c.seed.nodePorts, { apiserver: 30003, tunnel: 30004, openvpn: 30005 });
            assert.deepStrictEqual(b.seed.nodeAddresses, ["10.2.0.11"]);
            assert.strictEqual(c.seed.namespace, "cluster-c");
            assert.deepStrictEqual(plan.nodePorts.two, { b: b.seed.nodePorts });
        });

        it("names a cluster's own problems by its place and name", () => {
            const keys = problemsOf(() =>
                planFleet({ seeds, clusters: [cluster("a", "one"), cluster("b", "one", { apiserverReplicas: 0 })] }),
            ).map((p) => p.key);
            assert.deepStrictEqual(keys, ["clusters[1] (b):apiserverReplicas"]);
        });

        it("refuses a seed the fleet does not have", () => {
            const problems = problemsOf(() => planFleet({ seeds, clusters: [cluster("a", "three")] }));
            assert.match(problems[0].message, /is not a seed of this fleet \(seeds: one, two\)/);
        });

        /** [collision, clusters, what the message about the second must say] */
        const collisions: [string, FleetClusterConfig[], RegExp][] = [
            [
                "two clusters sharing a namespace on one seed",
                [cluster("a", "one"), cluster("a", "one", { workerTenant: cluster("a2", "one").workerTenant })],
                /clusters\[1\] \(a on seed one\).*shares the seed namespace cluster-a with clusters\[0\] \(a on seed one\)/,
            ],
            [
                "a NodePort on the same seed",
                [cluster("a", "one", { tunnelNodePort: 30500 }), cluster("b", "one", { apiserverNodePort: 30500 })],
                /clusters\[1\] \(b on seed one\).*uses NodePort 30500 \(apiserver\) that clusters\[0\] \(a on seed one\) uses \(tunnel\)/,
            ],
            [
                "an OpenStack name in the same project (a worker project name in its domain)",
                [cluster("a", "one"), cluster("b", "two", { workerTenant: cluster("a", "one").workerTenant })],
                /clusters\[1\] \(b on seed two\).*would create OpenStack names that clusters\[0\] \(a on seed one\) creates: project gks-a-workers in domain default/,
            ],
        ];
        for (const [what, clusters, message] of collisions) {
            it(`refuses ${what}, naming both clusters, before anything is registered`, () => {
                const text = new ConfigError(problemsOf(() => planFleet({ seeds, clusters }))).message;
                assert.match(text.replace(/\n/g, " "), message);
            });
        }

        it("lets clusters on different seeds use the same NodePort", () => {
            const plan = planFleet({
                seeds,
                clusters: [
                    cluster("a", "one", { apiserverNodePort: 31005 }),
                    cluster("b", "two", { apiserverNodePort: 31005 }),
                ],
            });
            assert.strictEqual(plan.clusters.length, 2);
        });
    });

    it("knows every OpenStack name a cluster gives (checked against the dev stack's run)", async () => {
        const run = await devRun();
        const cluster = run.resources.find((r) => r.type === "gks:index:Cluster")!;
        const settings = (cluster.inputs as { settings: Settings }).settings;
        const listeners = ofType(run.resources, "openstack:loadbalancer/listener:Listener").map(
            (l) => String(l.name).replace("dev-api-", "") as ListenerKey,
        );
        const known = new Set(openstackNames(settings, listeners).map((n) => n.name));
        const named = run.resources.filter((r) => r.type.startsWith("openstack:") && typeof r.inputs.name === "string");
        assert.ok(named.length > 10);
        for (const r of named) assert.ok(known.has(String(r.inputs.name)), `${r.type} ${String(r.inputs.name)}`);
    });

    describe("the example fleet program (examples/fleet), a few clusters of its inventory", () => {
        const project = projectNamed("gks-fleet")!;
        const inventory = parse(fs.readFileSync(path.join(project.root, "inventory.yaml"), "utf8"));
        let tmp: string;
        before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-fleet-"))));
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        const withClusters = (clusters: unknown[]) => {
            const file = path.join(tmp, `inventory-${clusters.length}.yaml`);
            fs.writeFileSync(file, stringify({ ...inventory, clusters }));
            return withStandIns(withConfig(readStackConfig("dev", project), { inventory: file })).config;
        };

        it("runs them on both seeds and records their ports and states; an added cluster leaves the others' ports", async () => {
            const first = await runProgram(withClusters(inventory.clusters.slice(0, 3)));
            if (first.error) throw first.error;
            assert.deepStrictEqual(Object.keys(first.outputs.clusterStates as object), [
                "team-01",
                "team-02",
                "team-03",
            ]);
            const ports = first.outputs.nodePorts as Record<string, Record<string, unknown>>;
            const second = await runProgram(withClusters([inventory.clusters[3], ...inventory.clusters.slice(0, 3)]), {
                lastOutputs: first.outputs,
            });
            if (second.error) throw second.error;
            const after = second.outputs.nodePorts as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(after["region-one"]["team-01"], ports["region-one"]["team-01"]);
            assert.deepStrictEqual(after["region-two"]["team-02"], ports["region-two"]["team-02"]);
            assert.ok(after["region-two"]["team-04"]);
        });
    });
});
