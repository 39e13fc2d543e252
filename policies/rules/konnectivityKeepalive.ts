import { formatMs } from "../../components/shared/goDuration";
import { keepaliveLabel, konnectivityKeepalives, minKeepaliveMs } from "../lib/keepalive";
import { isUnknown } from "../lib/known";
import { listenerLabel, listenersOnPorts, timeoutMs } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";
import { Resource } from "../lib/resources";

export const konnectivityKeepalive = stackPolicy({
    name: "konnectivity-keepalive",
    description:
        "konnectivity servers and agents set --keepalive-time of at least 30s and shorter than the tunnel listener's idle timeout.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set --keepalive-time (a Go duration, e.g. 30s or 1m) on konnectivity-server and konnectivity-agent, at least 30s and below the tunnel listener's timeoutClientData/timeoutMemberData.",
    config: ["tunnelPort"],
    check: (resources, { tunnelPort }, report) => {
        const keepalives = konnectivityKeepalives(resources);
        keepalives.unknowns.forEach(report.unknown);
        if (keepalives.found.length === 0) {
            report.notApplicable("the stack has no konnectivity-server or konnectivity-agent");
            return;
        }

        // The shortest idle timeout on the tunnel's path decides.
        const listeners = listenersOnPorts(resources, [tunnelPort]);
        listeners.unknowns.forEach(report.unknown);
        let idle: { ms: number; listener: Resource; key: string } | undefined;
        for (const listener of listeners.found) {
            for (const key of ["timeoutClientData", "timeoutMemberData"] as const) {
                const ms = timeoutMs(listener, key);
                if (isUnknown(ms)) report.unknown(ms);
                else if (idle === undefined || ms < idle.ms) idle = { ms, listener, key };
            }
        }

        for (const k of keepalives.found) {
            const where = keepaliveLabel(k);
            const stated =
                k.text === undefined
                    ? "does not set --keepalive-time (upstream default 1h)"
                    : `has --keepalive-time=${k.text}`;
            if (isUnknown(k.ms)) {
                report.unknown(k.ms);
            } else if (k.ms === undefined) {
                report.violation(
                    `${where} ${stated}, which is not a Go duration: the binary exits on start. Use e.g. 30s, 1m or 1h30m.`,
                    k.at.workload.urn,
                );
            } else if (k.ms < minKeepaliveMs) {
                report.violation(
                    `${where} ${stated}, below 30s. konnectivity-server rejects pings more often than every 30s ` +
                        "(gRPC keepalive enforcement) and closes the tunnel with too_many_pings. Set --keepalive-time=30s or more.",
                    k.at.workload.urn,
                );
            } else if (idle !== undefined && k.ms >= idle.ms) {
                report.violation(
                    `${where} ${stated}, not shorter than the idle timeout of ${listenerLabel(idle.listener)} ` +
                        `(${idle.key} ${idle.ms} ms = ${formatMs(idle.ms)}). Octavia drops an idle tunnel before its keepalive ` +
                        `fires; agents then reconnect in a loop and logs/exec fail meanwhile. Set --keepalive-time below ` +
                        `${formatMs(idle.ms)} (e.g. 30s), or raise the listener's timeouts.`,
                    k.at.workload.urn,
                );
            }
        }
    },
});
