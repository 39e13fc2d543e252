/**
 * The ports Cilium uses between nodes (pkg/defaults at v1.20.2): VXLAN encapsulates all pod
 * traffic between nodes (TunnelPortVXLAN), the health checker probes every node (ClusterHealthPort)
 * and pings it (ICMP echo). No imports: the policy pack reads these too.
 */
export const ciliumVxlanPort = 8472;
export const ciliumHealthPort = 4240;

/** Node-to-node traffic the CNI needs, as security-group rule specs. */
export const ciliumNodeTraffic = [
    { key: "cni-vxlan", description: "Cilium VXLAN between worker nodes", protocol: "udp", port: ciliumVxlanPort },
    {
        key: "cni-health",
        description: "Cilium health checks between worker nodes",
        protocol: "tcp",
        port: ciliumHealthPort,
    },
] as const;
