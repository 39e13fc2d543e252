import { isWholeInternet } from "../../components/config/cidr";
import { and, isUnknown, list, or } from "../lib/known";
import { isPoolOf, listenerLabel, listenersOnPorts, onOvn } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";
import { ofType, refersTo, types } from "../lib/resources";
import { admitsEveryone, admitsPort, describeSource, isIngress } from "./kubeletNotPublic";

export const tunnelListenerNotPublic = stackPolicy({
    name: "tunnel-listener-not-public",
    description:
        "The tunnel's listeners (the konnectivity agent port, OpenVPN's 1194) admit only named sources: an allowlist without the whole internet, or on OVN, seed security-group rules for their NodePorts without it.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set allowedCidrs on the tunnel listeners to the worker router's SNAT address (/32) and the few extra sources that need it; on OVN, admit their NodePorts on the seed nodes' security group from those sources only.",
    config: ["tunnelPort", "openvpnPort"],
    check: (resources, { tunnelPort, openvpnPort }, report) => {
        const listeners = listenersOnPorts(resources, [tunnelPort, openvpnPort]);
        listeners.unknowns.forEach(report.unknown);
        if (listeners.found.length === 0) {
            report.notApplicable(`the stack has no listener on the tunnel ports ${tunnelPort} or ${openvpnPort}`);
            return;
        }
        const why =
            "Only the workers dial the tunnel; an open port lets anyone probe the tunnel's TLS " +
            "(OpenVPN's has no other gate) and load it with handshakes.";
        for (const listener of listeners.found) {
            if (onOvn(listener, resources)) {
                // OVN keeps the client's address: the NodePort rules are the allowlist.
                const pools = ofType(resources, types.pool).filter((p) => isPoolOf(p, listener) === true);
                const members = ofType(resources, types.member).filter((m) =>
                    pools.some((p) => refersTo(m, "poolId", p) === true),
                );
                const ports: number[] = [];
                for (const member of members) {
                    const port = member.props.protocolPort;
                    if (isUnknown(port)) report.unknown(port);
                    else if (typeof port === "number") ports.push(port);
                }
                for (const rule of ofType(resources, types.secGroupRule)) {
                    const verdict = and(
                        isIngress(rule.props),
                        admitsEveryone(rule.props),
                        or(...ports.map((port) => admitsPort(rule.props, port, "tcp"))),
                    );
                    if (isUnknown(verdict)) report.unknown(verdict);
                    else if (verdict) {
                        report.violation(
                            `Security group rule ${rule.name} admits the NodePort behind ${listenerLabel(listener)} from ` +
                                `${describeSource(rule.props)}, and the OVN load balancer forwards every client to it. ${why}`,
                            rule.urn,
                        );
                    }
                }
                continue;
            }
            const allowed = list(listener.props.allowedCidrs);
            if (isUnknown(allowed)) {
                report.unknown(allowed);
                continue;
            }
            // An entry not known yet is computed from another resource (the program's: the worker
            // router's SNAT address as a /32); the known entries decide.
            const open = allowed.filter((c) => isWholeInternet(String(c)));
            if (allowed.length === 0 || open.length > 0) {
                report.violation(
                    `${listenerLabel(listener)} admits ${allowed.length === 0 ? "every address (no allowedCidrs)" : open.join(", ")}. ${why}`,
                    listener.urn,
                );
            }
        }
    },
});
