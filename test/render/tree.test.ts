import * as assert from "assert";
import { keyProperties } from "../../scripts/render/properties";
import { providerCountLines, summaryLine, treeLines, treeOrder } from "../../scripts/render/tree";
import { recorded, stack, syntheticPki, syntheticStack } from "./synthetic";
import { RecordedResource, wireSecret } from "../harness";

const named = (resources: RecordedResource[], type: string, name: string) =>
    resources.find((r) => r.type === type && r.name === name)!;

describe("render: the printout", () => {
    let resources: RecordedResource[];
    before(async () => {
        resources = [...syntheticStack(), ...(await syntheticPki())];
    });

    it("prints a tree by parent, children sorted by type and name, columns aligned", () => {
        const lines = treeLines(resources, () => "");
        assert.match(lines[0], /^Type\s+Name\s+Info$/);
        assert.match(lines[1], /^pulumi:pulumi:Stack\s+gks-cluster-dev$/);
        assert.match(lines[2], /^├─ gks:index:Cluster\s+dev$/);
        assert.match(lines[3], /^│ {2}├─ gks:index:ApiEndpoint\s+dev$/);
        const nameColumn = lines[0].indexOf("Name");
        for (const line of lines.slice(1)) assert.match(line.slice(nameColumn - 2), /^ {2}[a-z]/, line);
        assert.ok(lines.some((l) => /^│ {2}│ {2}└─ openstack:networking\/floatingIp:FloatingIp\s+dev/.test(l)));
        assert.match(lines[lines.length - 1], /^└─ tls:index\/selfSignedCert:SelfSignedCert\s+dev-tunnel-ca$/);
    });

    it("orders resources the same whatever order they were registered in", () => {
        const shuffled = [...resources].reverse();
        assert.deepStrictEqual(
            treeOrder(shuffled).map((r) => r.urn),
            treeOrder(resources).map((r) => r.urn),
        );
        assert.strictEqual(treeOrder(resources).length, resources.length);
    });

    it("shows the properties that matter per type", () => {
        const info = (type: string, name: string) => keyProperties(named(resources, type, name));
        assert.strictEqual(info("openstack:networking/subnet:Subnet", "dev-workers"), "cidr=192.168.1.0/24");
        assert.strictEqual(info("openstack:networking/router:Router", "dev-workers"), "snat=203.0.113.20");
        assert.strictEqual(
            info("openstack:loadbalancer/listener:Listener", "dev-tunnel"),
            "TCP :8132 allowed=203.0.113.20/32",
        );
        assert.strictEqual(info("openstack:loadbalancer/member:Member", "dev-api-10-0-0-11"), "10.0.0.11:30443");
        assert.strictEqual(
            info("kubernetes:apps/v1:Deployment", "dev-kube-apiserver"),
            "ns=cluster-dev replicas=2 images=registry.k8s.io/kube-apiserver:v1.36.5,registry.k8s.io/kas-network-proxy/proxy-server:v0.36.0",
        );
        assert.strictEqual(
            info("kubernetes:core/v1:Service", "dev-kube-apiserver"),
            "ns=cluster-dev type=NodePort ports=6443->30443,8132->30132",
        );
        assert.strictEqual(
            info("kubernetes:core/v1:Secret", "dev-konnectivity-server-certs"),
            "ns=cluster-dev type=kubernetes.io/tls keys=tls.crt,tls.key",
        );
        assert.strictEqual(info("tls:index/selfSignedCert:SelfSignedCert", "dev-tunnel-ca"), "CA cn=dev tunnel CA");
        assert.strictEqual(info("pulumi:providers:openstack", "dev-workers"), "region=RegionOne");
    });

    it("never prints a secret value", () => {
        const secretive = recorded("openstack:networking/subnet:Subnet", "s", {
            wire: { cidr: wireSecret("10.9.0.0/24") },
        });
        assert.strictEqual(keyProperties(secretive), "cidr=[secret]");
    });

    it("counts resources per provider, Kubernetes ones with their cluster", () => {
        assert.deepStrictEqual(
            providerCountLines(resources, "dev").map((l) => l.replace(/\s+/g, " ")),
            [
                "kubernetes dev-seed (seed) 5",
                "kubernetes dev-user-cluster (user cluster) 2",
                "openstack dev-control-plane 13",
                "openstack dev-workers 3",
                "tls default 6",
            ],
        );
    });

    it("sums up by package, Kubernetes split by cluster, providers and components apart", () => {
        assert.strictEqual(
            summaryLine(resources, "dev"),
            "29 resources: 16 openstack, 5 kubernetes (seed), 2 kubernetes (user cluster), 6 tls (+ 4 providers, 6 components)",
        );
        const other = recorded("pulumi:providers:kubernetes", "elsewhere", { parent: stack });
        const object = recorded("kubernetes:core/v1:ConfigMap", "x", { provider: other });
        assert.strictEqual(
            summaryLine([stack, other, object], "dev"),
            "1 resources: 1 kubernetes (elsewhere) (+ 1 providers, 0 components)",
        );
    });
});
