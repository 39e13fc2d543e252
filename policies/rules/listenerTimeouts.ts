import { formatMs } from "../../components/shared/goDuration";
import { Keepalive, keepaliveLabel, konnectivityKeepalives } from "../lib/keepalive";
import { isUnknown } from "../lib/known";
import { listenerLabel, listenersOnPorts, octaviaDefaultTimeoutMs } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";

export const listenerTimeouts = stackPolicy({
    name: "listener-timeouts-exceed-keepalive",
    description:
        "The tunnel (konnectivity and OpenVPN) and API listeners set timeoutClientData and timeoutMemberData (ms) longer than the tunnel keepalive.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set timeoutClientData and timeoutMemberData on the tunnel and API listeners (ms) above the keepalive, e.g. 3600000 (lbIdleTimeoutSeconds), or lower --keepalive-time.",
    config: ["tunnelPort", "apiPort", "openvpnPort", "keepaliveSeconds"],
    check: (resources, { tunnelPort, apiPort, openvpnPort, keepaliveSeconds }, report) => {
        const listeners = listenersOnPorts(resources, [tunnelPort, apiPort, openvpnPort]);
        listeners.unknowns.forEach(report.unknown);
        if (listeners.found.length === 0) {
            report.notApplicable(`the stack has no listener on port ${tunnelPort}, ${openvpnPort} or ${apiPort}`);
            return;
        }

        // The longest keepalive any konnectivity container uses: the tunnel must outlive its idle gaps.
        const keepalives = konnectivityKeepalives(resources);
        keepalives.unknowns.forEach(report.unknown);
        let longest: { ms: number; from: Keepalive } | undefined;
        for (const k of keepalives.found) {
            if (isUnknown(k.ms)) report.unknown(k.ms);
            else if (k.ms !== undefined && (longest === undefined || k.ms > longest.ms))
                longest = { ms: k.ms, from: k };
        }
        const keepaliveMs = longest?.ms ?? keepaliveSeconds * 1000;
        const source =
            longest === undefined
                ? `the policy's keepaliveSeconds (${keepaliveSeconds})`
                : longest.from.text === undefined
                  ? `${keepaliveLabel(longest.from)}, which does not set --keepalive-time (upstream default 1h)`
                  : `--keepalive-time=${longest.from.text} of ${keepaliveLabel(longest.from)}`;

        // A suggestion that satisfies the rule: the program's default (lbIdleTimeoutSeconds 3600), or twice the keepalive.
        const suggested = keepaliveMs < 3_600_000 ? 3_600_000 : 2 * keepaliveMs;
        for (const listener of listeners.found) {
            for (const key of ["timeoutClientData", "timeoutMemberData"] as const) {
                const value = listener.props[key];
                if (isUnknown(value)) {
                    report.unknown(value);
                } else if (typeof value !== "number") {
                    report.violation(
                        `${listenerLabel(listener)}: ${key} is not set, so Octavia closes connections idle for ` +
                            `${octaviaDefaultTimeoutMs} ms (its default): long kubectl logs -f/exec sessions die, and the ` +
                            `tunnel depends on a keepalive below that default. Set ${key} explicitly above the tunnel ` +
                            `keepalive ${formatMs(keepaliveMs)} (${source}), e.g. ${suggested}.`,
                        listener.urn,
                    );
                } else if (value <= keepaliveMs) {
                    report.violation(
                        `${listenerLabel(listener)}: ${key} is ${value} ms, not longer than the tunnel keepalive ` +
                            `${formatMs(keepaliveMs)} (${source}). Octavia would cut idle tunnels and long kubectl logs/exec ` +
                            `sessions. Set ${key} above ${keepaliveMs} ms (e.g. ${suggested}), or lower --keepalive-time.`,
                        listener.urn,
                    );
                }
            }
        }
    },
});
