/**
 * The worker security group's rules. Workers expose nothing to the internet: konnectivity
 * agents dial out to the control plane, so the only ingress is node-to-node traffic inside
 * the group and SSH from an explicit allowlist. Between nodes only what Kubernetes and the CNI
 * use: the kubelet (agents on one node reach the kubelets of the others), NodePorts, ICMP (path
 * MTU discovery, the CNI's health pings) and the CNI's own ports. Pod-to-pod traffic rides inside
 * the CNI's overlay, so it needs no rule of its own; a host-network service reached from other
 * nodes needs a rule added to the group.
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

/** A port the CNI needs between nodes, e.g. its overlay's. */
export interface NodeTraffic {
    readonly key: string;
    readonly description: string;
    readonly protocol: "tcp" | "udp";
    readonly port: number;
}

export interface WorkerSecurityRulesArgs {
    readonly sshAllowedCidrs: readonly string[];
    /** What the CNI needs between nodes (the nodes part says: ciliumNodeTraffic). */
    readonly cniTraffic?: readonly NodeTraffic[];
}

export const kubeletPort = 10250;
export const nodePortRange = { min: 30000, max: 32767 } as const;

export function workerSecurityRules({ sshAllowedCidrs, cniTraffic = [] }: WorkerSecurityRulesArgs): SecurityRule[] {
    const insideGroup: SecurityRule[] = [
        {
            key: "internal-kubelet",
            description: "kubelet API between worker nodes (konnectivity agents reach every kubelet)",
            protocol: "tcp",
            portRangeMin: kubeletPort,
            portRangeMax: kubeletPort,
        },
        ...(["tcp", "udp"] as const).map((protocol) => ({
            key: `internal-nodeports-${protocol}`,
            description: `NodePorts (${protocol}) between worker nodes`,
            protocol,
            portRangeMin: nodePortRange.min,
            portRangeMax: nodePortRange.max,
        })),
        {
            key: "internal-icmp",
            description: "ICMP between worker nodes (path MTU discovery, the CNI's health pings)",
            protocol: "icmp",
        },
        ...cniTraffic.map((t) => ({
            key: t.key,
            description: t.description,
            protocol: t.protocol,
            portRangeMin: t.port,
            portRangeMax: t.port,
        })),
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
