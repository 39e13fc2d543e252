import { isUnknown, or } from "../lib/known";
import { tunnelPools } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";
import { ofType, refersTo, types } from "../lib/resources";

/** "/readyz", "/readyz?verbose", "/readyz/..." (konnectivity's readiness endpoint). */
export function probesReadyz(urlPath: string): boolean {
    return /^\/readyz(?:[/?#]|$)/.test(urlPath.trim());
}

export const tunnelMonitorNotReadyz = stackPolicy({
    name: "tunnel-monitor-not-readyz",
    description: "Health monitors of the tunnel pools never probe /readyz.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Monitor the tunnel pool with type TCP on the agent port, or HTTP /healthz on the konnectivity-server health port.",
    config: ["tunnelPort"],
    check: (resources, { tunnelPort }, report) => {
        const { pools } = tunnelPools(resources, tunnelPort, report);
        const monitors = ofType(resources, types.monitor);
        if (pools.length === 0 || monitors.length === 0) {
            report.notApplicable(`no monitor of a pool behind port ${tunnelPort}`);
            return;
        }

        for (const monitor of monitors) {
            const ofTunnel = or(...pools.map((pool) => refersTo(monitor, "poolId", pool)));
            if (ofTunnel === false) continue;
            const urlPath = monitor.props.urlPath;
            if (isUnknown(urlPath)) report.unknown(urlPath);
            else if (typeof urlPath === "string" && probesReadyz(urlPath)) {
                if (isUnknown(ofTunnel)) report.unknown(ofTunnel);
                else
                    report.violation(
                        `Monitor ${monitor.name} of a tunnel pool probes ${urlPath}. konnectivity-server answers /readyz ` +
                            "with 500 until an agent is connected, and agents can only connect through this pool: the " +
                            "members would never turn healthy. Probe TCP on the agent port, or HTTP /healthz on the health port.",
                        monitor.urn,
                    );
            }
        }
    },
});
