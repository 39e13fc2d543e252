/**
 * The worker security group's rules. Workers expose nothing to the internet: konnectivity
 * agents dial out to the control plane, so the only ingress is node-to-node traffic inside
 * the group (CNI overlay, NodePorts, kubelet) and SSH from an explicit allowlist.
 */
export interface SecurityRule {
    /** Stable and unique within the group: names the rule's resource, so editing a list keeps the others. */
    readonly key: string;
    readonly description: string;
    readonly direction: "ingress" | "egress";
    readonly ethertype: "IPv4" | "IPv6";
    /** A Neutron protocol name or IP protocol number; undefined means any protocol. */
    readonly protocol?: string;
    readonly portRangeMin?: number;
    readonly portRangeMax?: number;
    /** Exactly one remote: a CIDR, or "self" for the group the rule belongs to. */
    readonly remoteIpPrefix?: string;
    readonly remoteGroup?: "self";
}

export interface WorkerSecurityRulesArgs {
    readonly sshAllowedCidrs: readonly string[];
}

export function workerSecurityRules({ sshAllowedCidrs }: WorkerSecurityRulesArgs): SecurityRule[] {
    const insideGroup: SecurityRule[] = [
        // kubelet 10250, NodePorts 30000-32767, BGP 179 and every other TCP port between nodes.
        {
            key: "internal-tcp",
            description: "TCP between worker nodes (kubelet, NodePorts, BGP)",
            protocol: "tcp",
            portRangeMin: 1,
            portRangeMax: 65535,
        },
        // VXLAN 4789 / flannel 8472 and other UDP overlays.
        {
            key: "internal-udp",
            description: "UDP between worker nodes (VXLAN and other overlays)",
            protocol: "udp",
            portRangeMin: 1,
            portRangeMax: 65535,
        },
        {
            key: "internal-icmp",
            description: "ICMP between worker nodes (path MTU discovery, diagnostics)",
            protocol: "icmp",
        },
        { key: "internal-ipip", description: "IP-in-IP between worker nodes (Calico IPIP)", protocol: "4" },
    ].map((r) => ({ ...r, direction: "ingress", ethertype: "IPv4", remoteGroup: "self" }) as const);

    const ssh = sshAllowedCidrs.map((cidr): SecurityRule => ({
        key: `ssh-${cidr.replace(/[^0-9a-fA-F]+/g, "-")}`,
        description: `SSH from the allowlist (${cidr})`,
        direction: "ingress",
        ethertype: cidr.includes(":") ? "IPv6" : "IPv4",
        protocol: "tcp",
        portRangeMin: 22,
        portRangeMax: 22,
        remoteIpPrefix: cidr,
    }));

    // Explicit, because the group is created without Neutron's default rules.
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

    return [...insideGroup, ...ssh, ...egress];
}
