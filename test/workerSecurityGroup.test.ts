import * as assert from "assert";
import { ciliumNodeTraffic } from "../components/nodes";
import { workerSecurityRules } from "../components/tenant";
import { isWholeInternet } from "../components/config/cidr";
import { one, ofType } from "./harness";
import { devRun } from "./fixtures";

const ruleType = "openstack:networking/secGroupRule:SecGroupRule";

function coversPort(rule: { protocol?: string; portRangeMin?: number; portRangeMax?: number }, port: number): boolean {
    if (rule.protocol === undefined) return true;
    if (rule.protocol !== "tcp") return false;
    return (rule.portRangeMin ?? 1) <= port && port <= (rule.portRangeMax ?? 65535);
}

describe("worker security rules (pure)", () => {
    it("admits nothing from the internet without an SSH allowlist", () => {
        const ingress = workerSecurityRules({ sshAllowedCidrs: [] }).filter((r) => r.direction === "ingress");
        assert.ok(ingress.length > 0);
        for (const rule of ingress) {
            assert.strictEqual(rule.remoteGroup, "self", rule.description);
            assert.strictEqual(rule.remoteIpPrefix, undefined, rule.description);
        }
    });

    it("opens only port 22 to the SSH allowlist, per CIDR and family", () => {
        const rules = workerSecurityRules({ sshAllowedCidrs: ["198.51.100.0/24", "2001:db8::/32"] }).filter(
            (r) => r.remoteIpPrefix !== undefined && r.direction === "ingress",
        );
        assert.deepStrictEqual(
            rules.map((r) => [r.remoteIpPrefix, r.ethertype, r.protocol, r.portRangeMin, r.portRangeMax]),
            [
                ["198.51.100.0/24", "IPv4", "tcp", 22, 22],
                ["2001:db8::/32", "IPv6", "tcp", 22, 22],
            ],
        );
    });

    it("keeps kubelet 10250 inside the group and egress open", () => {
        const rules = workerSecurityRules({ sshAllowedCidrs: ["0.0.0.0/0"] });
        const kubelet = rules.filter((r) => r.direction === "ingress" && coversPort(r, 10250));
        assert.ok(kubelet.length > 0);
        assert.ok(kubelet.every((r) => r.remoteGroup === "self"));
        assert.deepStrictEqual(
            rules.filter((r) => r.direction === "egress").map((r) => r.remoteIpPrefix),
            ["0.0.0.0/0", "::/0"],
        );
    });

    it("admits between nodes exactly kubelet, NodePorts, ICMP and the CNI's ports", () => {
        const inside = workerSecurityRules({ sshAllowedCidrs: [], cniTraffic: ciliumNodeTraffic }).filter(
            (r) => r.direction === "ingress",
        );
        assert.deepStrictEqual(
            inside.map((r) => [r.protocol, r.portRangeMin, r.portRangeMax]),
            [
                ["tcp", 10250, 10250],
                ["tcp", 30000, 32767],
                ["udp", 30000, 32767],
                ["icmp", undefined, undefined],
                ["udp", 8472, 8472],
                ["tcp", 4240, 4240],
            ],
        );
        assert.ok(inside.every((r) => r.remoteGroup === "self"));
    });

    it("gives every rule a distinct key, so editing the allowlist replaces no other rule", () => {
        const keys = workerSecurityRules({ sshAllowedCidrs: ["198.51.100.0/24", "203.0.113.7/32"] }).map((r) => r.key);
        assert.strictEqual(new Set(keys).size, keys.length);
    });
});

describe("worker security group (dev stack under mocks)", () => {
    it("is created in the worker tenant and admits the internet only on SSH from the allowlist", async () => {
        const run = await devRun();
        if (run.error) throw run.error;
        const group = one(run.resources, "openstack:networking/secGroup:SecGroup", "dev-workers");
        assert.strictEqual(group.provider, one(run.resources, "pulumi:providers:openstack", "dev-workers").urn);
        assert.strictEqual(group.inputs.deleteDefaultRules, true);
        const ingress = ofType(run.resources, ruleType).filter(
            (r) => r.inputs.securityGroupId === group.id && r.inputs.direction === "ingress",
        );
        // kubelet, NodePorts tcp and udp, ICMP, Cilium's VXLAN and health, SSH from the allowlist.
        assert.strictEqual(ingress.length, 7);
        for (const rule of ingress) {
            const prefix = rule.inputs.remoteIpPrefix as string | undefined;
            if (prefix === undefined) {
                assert.strictEqual(rule.inputs.remoteGroupId, group.id, `${rule.name} admits only the group`);
                continue;
            }
            assert.deepStrictEqual([rule.inputs.portRangeMin, rule.inputs.portRangeMax], [22, 22], rule.name);
            assert.ok(["198.51.100.0/24"].includes(prefix), rule.name);
            assert.ok(!isWholeInternet(prefix));
            assert.ok(!coversPort(rule.inputs as { protocol?: string }, 10250) || rule.inputs.portRangeMax === 22);
        }
    });
});
