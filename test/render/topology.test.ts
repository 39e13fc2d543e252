import { Graphviz } from "@hpcc-js/wasm-graphviz";
import * as assert from "assert";
import { dotString, Topology, topologyDot, topologyOf } from "../../scripts/render/topology";
import { RecordedResource } from "../harness";
import { syntheticStack } from "./synthetic";

const label = (t: Topology, id: string) => t.nodes.find((n) => n.id === id)?.label;
const edgesBetween = (t: Topology, from: string, to: string) =>
    t.edges.filter((e) => label(t, e.from)?.startsWith(from) && label(t, e.to)?.startsWith(to));

describe("render: topology", () => {
    let resources: RecordedResource[];
    let topology: Topology;
    before(() => {
        resources = syntheticStack();
        topology = topologyOf(resources, "dev");
    });

    it("draws each tenant as a group with its subnet and router", () => {
        const tenants = topology.groups.filter((g) => g.id.startsWith("tenant:"));
        assert.deepStrictEqual(
            tenants.map((g) => g.label),
            ["tenant dev-control-plane\nproject gks-dev-control-plane", "tenant dev-workers\nproject gks-dev-workers"],
        );
        const worker = tenants[1].id;
        assert.deepStrictEqual(
            topology.nodes.filter((n) => n.group === worker).map((n) => n.label),
            ["subnet 192.168.1.0/24\ndev-workers", "router dev-workers\nSNAT 203.0.113.20"],
        );
    });

    it("follows the endpoint: floating IP -> load balancer -> listeners -> pools -> the seed's NodePort Service -> apiserver", () => {
        assert.strictEqual(edgesBetween(topology, "floating IP", "load balancer dev").length, 1);
        assert.strictEqual(edgesBetween(topology, "load balancer dev", "listener TCP :").length, 2);
        assert.strictEqual(edgesBetween(topology, "listener TCP :8132", "pool ROUND_ROBIN").length, 1);
        const nodePorts = edgesBetween(topology, "pool", "Service kube-apiserver").map((e) => e.label);
        assert.deepStrictEqual(nodePorts.sort(), ["NodePort 30132", "NodePort 30443"]);
        assert.strictEqual(edgesBetween(topology, "Service kube-apiserver", "Deployment kube-apiserver").length, 1);
    });

    it("draws the agents' tunnels to the listener on their --proxy-server-port at their --proxy-server-host", () => {
        const tunnels = topology.edges.filter((e) => e.style === "tunnel");
        assert.strictEqual(tunnels.length, 1);
        assert.match(label(topology, tunnels[0].from)!, /^Deployment konnectivity-agent ×2/);
        assert.match(label(topology, tunnels[0].to)!, /^listener TCP :8132/);
        assert.strictEqual(tunnels[0].label, "2 agents × 2 servers = 4 tunnels (dial out, mTLS)");
        const allowed = topology.edges.filter((e) => e.style === "allowed");
        assert.deepStrictEqual(
            allowed.map((e) => [label(topology, e.from), label(topology, e.to)?.split("\n")[0]]),
            [["router dev-workers\nSNAT 203.0.113.20", "listener TCP :8132"]],
        );
    });

    it("places the seed in the tenant of the pool members and the user cluster behind the admitted router", () => {
        const group = (id: string) => topology.groups.find((g) => g.id === id)!;
        const tenantOf = (name: string) => topology.groups.find((g) => g.label.startsWith(`tenant ${name}`))!.id;
        assert.strictEqual(group("k8s:seed").parent, tenantOf("dev-control-plane"));
        assert.strictEqual(group("k8s:user-cluster").parent, tenantOf("dev-workers"));
        assert.strictEqual(group("k8s:seed:cluster-dev").label, "namespace cluster-dev");
        assert.strictEqual(group("k8s:seed:cluster-dev").parent, "k8s:seed");
    });

    it("dials an endpoint node when no listener serves the agents' port", () => {
        const withoutEndpoint = topologyOf(
            resources.filter((r) => !r.type.startsWith("openstack:loadbalancer/")),
            "dev",
        );
        const tunnel = withoutEndpoint.edges.find((e) => e.style === "tunnel")!;
        assert.strictEqual(label(withoutEndpoint, tunnel.to), "203.0.113.99:8132");
    });

    it("draws only the tenants when there is nothing else (today's dev stack)", () => {
        const tenantsOnly = topologyOf(
            resources.filter((r) => !r.type.startsWith("kubernetes:") && !r.type.includes("loadbalancer")),
            "dev",
        );
        assert.deepStrictEqual(
            tenantsOnly.edges.map((e) => e.style),
            ["link", "link"],
        );
    });

    it("writes DOT that Graphviz lays out, with every node and edge", async () => {
        const dot = topologyDot(topology, "gks-cluster stack dev");
        assert.strictEqual((dot.match(/^\s+n\d+ \[label=/gm) ?? []).length, topology.nodes.length);
        assert.strictEqual((dot.match(/ -> /g) ?? []).length, topology.edges.length);
        const svg = (await Graphviz.load()).dot(dot);
        assert.match(svg, /<svg /);
        assert.match(svg, /listener TCP :8132/);
        assert.match(svg, /2 agents × 2 servers = 4 tunnels \(dial out, mTLS\)/);
    });

    it("escapes labels", () => {
        assert.strictEqual(dotString('a "b"\\c\nd'), '"a \\"b\\"\\\\c\\nd"');
    });
});
