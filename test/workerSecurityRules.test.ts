import * as assert from "assert";
import fc from "fast-check";
import { ciliumNodeTraffic } from "../components/nodes";
import { SecurityRule, workerSecurityRules } from "../components/tenant/workerSecurityRules";

// The worker group, rule for rule: what enters between nodes (and on which protocol), what enters
// from the SSH allowlist, and that all egress is open. The whole list is pinned, so a changed
// protocol, port, family or remote is seen.

const self = { direction: "ingress", ethertype: "IPv4", remoteGroup: "self" } as const;
const inside: SecurityRule[] = [
    {
        key: "internal-kubelet",
        description: "kubelet API between worker nodes (konnectivity agents reach every kubelet)",
        protocol: "tcp",
        portRangeMin: 10250,
        portRangeMax: 10250,
        ...self,
    },
    {
        key: "internal-nodeports-tcp",
        description: "NodePorts (tcp) between worker nodes",
        protocol: "tcp",
        portRangeMin: 30000,
        portRangeMax: 32767,
        ...self,
    },
    {
        key: "internal-nodeports-udp",
        description: "NodePorts (udp) between worker nodes",
        protocol: "udp",
        portRangeMin: 30000,
        portRangeMax: 32767,
        ...self,
    },
    {
        key: "internal-icmp",
        description: "ICMP between worker nodes (path MTU discovery, the CNI's health pings)",
        protocol: "icmp",
        ...self,
    },
];
const egress: SecurityRule[] = [
    {
        key: "egress-ipv4",
        description: "all egress (IPv4): agents dial out to the control plane",
        direction: "egress",
        ethertype: "IPv4",
        remoteIpPrefix: "0.0.0.0/0",
    },
    {
        key: "egress-ipv6",
        description: "all egress (IPv6)",
        direction: "egress",
        ethertype: "IPv6",
        remoteIpPrefix: "::/0",
    },
];
const ssh = (key: string, cidr: string, ethertype: "IPv4" | "IPv6"): SecurityRule => ({
    key,
    description: `SSH from the allowlist (${cidr})`,
    direction: "ingress",
    ethertype,
    protocol: "tcp",
    portRangeMin: 22,
    portRangeMax: 22,
    remoteIpPrefix: cidr,
});

describe("worker security rules, rule by rule", () => {
    it("without an allowlist or CNI ports: the node-to-node rules and open egress, nothing else", () => {
        assert.deepStrictEqual(workerSecurityRules({ sshAllowedCidrs: [] }), [...inside, ...egress]);
    });

    it("Cilium's overlay is VXLAN over UDP 8472 and its health checks TCP 4240, both inside the group only", () => {
        const rules = workerSecurityRules({ sshAllowedCidrs: [], cniTraffic: ciliumNodeTraffic });
        assert.deepStrictEqual(rules.slice(4, 6), [
            {
                key: "cni-vxlan",
                description: "Cilium VXLAN between worker nodes",
                protocol: "udp",
                portRangeMin: 8472,
                portRangeMax: 8472,
                ...self,
            },
            {
                key: "cni-health",
                description: "Cilium health checks between worker nodes",
                protocol: "tcp",
                portRangeMin: 4240,
                portRangeMax: 4240,
                ...self,
            },
        ]);
    });

    it("SSH: port 22 over TCP from each allowlisted CIDR, in its own family, keyed by the CIDR", () => {
        const rules = workerSecurityRules({ sshAllowedCidrs: ["198.51.100.0/24", "2001:db8:AB::/48"] });
        assert.deepStrictEqual(rules.slice(4, 6), [
            ssh("ssh-198-51-100-0-24", "198.51.100.0/24", "IPv4"),
            ssh("ssh-2001-db8-AB-48", "2001:db8:AB::/48", "IPv6"),
        ]);
    });

    it("only allowlisted CIDRs reach the workers from outside the group, and only on SSH", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(
                    fc.ipV4().map((ip) => `${ip}/32`),
                    { maxLength: 5 },
                ),
                (cidrs) => {
                    const ingress = workerSecurityRules({
                        sshAllowedCidrs: cidrs,
                        cniTraffic: ciliumNodeTraffic,
                    }).filter((r) => r.direction === "ingress" && r.remoteGroup === undefined);
                    const keys = new Set(workerSecurityRules({ sshAllowedCidrs: cidrs }).map((r) => r.key));
                    return (
                        keys.size === 6 + cidrs.length &&
                        ingress.length === cidrs.length &&
                        ingress.every(
                            (r, i) =>
                                r.remoteIpPrefix === cidrs[i] &&
                                r.protocol === "tcp" &&
                                r.portRangeMin === 22 &&
                                r.portRangeMax === 22,
                        )
                    );
                },
            ),
        );
    });
});
