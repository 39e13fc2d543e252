import { isWholeInternet } from "../../components/config/cidr";
import { ciliumHealthPort, ciliumVxlanPort } from "../../components/nodes/cilium/ports";
import { and, isUnknown, Tri } from "../lib/known";
import { resourcePolicy } from "../lib/policy";
import { admitsTcp, admitsUdp, describeRange, hasPorts, isAnyProtocol, portRange } from "../lib/ports";
import { Resource, types } from "../lib/resources";

/** The kubelet's API (logs, exec, port-forward): only ever reachable from inside the node groups. */
export const kubeletPort = 10250;

/**
 * Ports that only the nodes may reach: the kubelet's, and the CNI's (Cilium's VXLAN, through
 * which anyone could inject packets into the pod network, and its health checks).
 */
export const nodeOnlyPorts = [
    { protocol: "tcp", port: kubeletPort, what: "the kubelet port" },
    { protocol: "udp", port: ciliumVxlanPort, what: "the CNI's VXLAN port" },
    { protocol: "tcp", port: ciliumHealthPort, what: "the CNI's health port" },
] as const;

/** Three-valued: the rule's bounds admit the port of the protocol (ports only matter when a protocol is named). */
export function admitsPort(props: Record<string, unknown>, port: number, transport: "tcp" | "udp"): Tri {
    const { protocol, portRangeMin: min, portRangeMax: max } = props;
    const low: Tri = isUnknown(min) ? min : !(typeof min === "number" && min > port);
    const high: Tri = isUnknown(max) ? max : !(typeof max === "number" && max !== 0 && max < port);
    if (isUnknown(protocol)) return and(protocol, low, high);
    const name = typeof protocol === "string" ? protocol : undefined;
    if (!(transport === "tcp" ? admitsTcp(name) : admitsUdp(name))) return false;
    return isAnyProtocol(name) ? true : and(low, high);
}

/** Three-valued: the rule's bounds admit the TCP port. */
export function admitsTcpPort(props: Record<string, unknown>, port: number): Tri {
    return admitsPort(props, port, "tcp");
}

/** Three-valued: the rule admits every source address (a /0 prefix, or no remote at all). */
export function admitsEveryone(props: Record<string, unknown>): Tri {
    const { remoteIpPrefix: prefix, remoteGroupId: group } = props;
    if (isUnknown(prefix)) return prefix;
    if (typeof prefix === "string" && prefix !== "") return isWholeInternet(prefix.trim());
    // Neutron: no prefix and no remote group admits every address. An unknown group id is a group.
    return group === undefined || group === null || group === "";
}

export function isIngress(props: Record<string, unknown>): Tri {
    const direction = props.direction;
    return isUnknown(direction) ? direction : String(direction).toLowerCase() === "ingress";
}

export function describeRule(r: Resource): string {
    const { protocol, portRangeMin, portRangeMax } = r.props;
    const name = typeof protocol === "string" ? protocol : undefined;
    const ports = portRange(
        typeof portRangeMin === "number" ? portRangeMin : undefined,
        typeof portRangeMax === "number" ? portRangeMax : undefined,
    );
    const what = isAnyProtocol(name)
        ? "every protocol"
        : hasPorts(name)
          ? `${name} ${describeRange(ports)}`
          : `${name}`;
    return `${what} from ${describeSource(r.props)}`;
}

/** The sources a rule names: its prefix, else any address (a group is named by the caller). */
export function describeSource(props: Record<string, unknown>): string {
    const { remoteIpPrefix } = props;
    return typeof remoteIpPrefix === "string" && remoteIpPrefix !== "" ? remoteIpPrefix : "any address";
}

export const kubeletNotPublic = resourcePolicy({
    name: "kubelet-not-public",
    description: `Kubelet port ${kubeletPort} and the CNI's node ports (VXLAN ${ciliumVxlanPort}/udp, health ${ciliumHealthPort}/tcp) must never be open to 0.0.0.0/0 or ::/0.`,
    enforcementLevel: "mandatory",
    remediationSteps:
        "Admit 10250, 8472/udp and 4240 only from the node group itself (remoteGroupId = the worker group). Control-plane access to kubelets goes through the konnectivity tunnel, not through the security group.",
    types: [types.secGroupRule],
    config: [],
    check: (rule, _config, report) => {
        for (const { protocol, port, what } of nodeOnlyPorts) {
            const verdict = and(
                isIngress(rule.props),
                admitsPort(rule.props, port, protocol),
                admitsEveryone(rule.props),
            );
            if (isUnknown(verdict)) report.unknown(verdict);
            else if (verdict) {
                report.violation(
                    `Security group rule ${rule.name} admits ${describeRule(rule)}, which includes ${what} ${port}/${protocol}: ` +
                        "anyone on the internet could reach it. Restrict the rule to a remote group or a private " +
                        `prefix, or narrow its port range so that it excludes ${port}.`,
                );
                return;
            }
        }
    },
});
