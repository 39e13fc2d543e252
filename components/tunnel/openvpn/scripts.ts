/**
 * The shell around the OpenVPN processes (busybox sh in the image, any POSIX sh elsewhere): the
 * packet filter each one needs, set before OpenVPN starts. Pure: the text is what the containers
 * run; the tests run it too.
 */

/**
 * The server forwards nothing itself (it routes between its clients internally): a seed node
 * usually has ip_forward=1, which a pod's network namespace inherits, so without these rules a
 * packet from the user cluster to a seed address would be forwarded into the seed. Only pings of
 * the server's tunnel address (the clients' liveness check) are answered from the tunnel.
 */
export function serverScript(o: { readonly binary: string; readonly config: string; readonly status: string }): string {
    return [
        "set -e",
        "iptables -P FORWARD DROP",
        "iptables -F FORWARD",
        "iptables -F INPUT",
        "iptables -A INPUT -i tun+ -p icmp --icmp-type echo-request -j ACCEPT",
        "iptables -A INPUT -i tun+ -j DROP",
        // The readiness probe reads the status file; a restarted container must not find the old one.
        `rm -f ${o.status}`,
        `exec ${o.binary} --config ${o.config}`,
    ].join("\n");
}

/**
 * The user cluster's client forwards what comes through the tunnel to the worker, pod and service
 * networks only, masquerading it with the pod's own address, so that nodes and pods answer to the
 * pod. The pod's network namespace inherits the node's ip_forward (1 on every Kubernetes node);
 * a pod cannot set it without privileges, so the script says so and stops if it is 0.
 */
export function userClientScript(o: {
    readonly binary: string;
    readonly config: string;
    readonly tunnelCidr: string;
    readonly networks: readonly string[];
}): string {
    return [
        "set -e",
        'if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ]; then',
        '  echo "net.ipv4.ip_forward is 0 in this pod (it inherits the node\'s): the node must forward" >&2',
        "  exit 1",
        "fi",
        "iptables -P FORWARD DROP",
        "iptables -F FORWARD",
        "iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        ...o.networks.map((n) => `iptables -A FORWARD -i tun+ -s ${o.tunnelCidr} -d ${n} -j ACCEPT`),
        "iptables -t nat -F POSTROUTING",
        `iptables -t nat -A POSTROUTING -s ${o.tunnelCidr} ! -o tun+ -j MASQUERADE`,
        `exec ${o.binary} --config ${o.config}`,
    ].join("\n");
}
