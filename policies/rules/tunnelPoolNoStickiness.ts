import { get, isUnknown, list } from "../lib/known";
import { listenerLabel, tunnelPools } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";
import { ofType, Resource, types } from "../lib/resources";

/** Octavia methods that pin a client to one member (SOURCE_IP hashes the source address). */
const stickyMethods = ["SOURCE_IP", "SOURCE_IP_PORT"];

/** A Service port that carries the tunnel: its port or its targetPort is the tunnel port. */
function exposesPort(service: Resource, port: number): boolean {
    const ports = list(get(service.props, "spec", "ports"));
    if (isUnknown(ports)) return false;
    return ports.some((p) => get(p, "port") === port || get(p, "targetPort") === port);
}

export const tunnelPoolNoStickiness = stackPolicy({
    name: "tunnel-pool-no-stickiness",
    description:
        "The pools behind the tunnel listener spread agent dials over every konnectivity-server: no session persistence, no SOURCE_IP balancing.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Use lbMethod ROUND_ROBIN (or LEAST_CONNECTIONS) and no persistence on the tunnel pool; do not set sessionAffinity: ClientIP on the seed Service of the agent port.",
    config: ["tunnelPort"],
    check: (resources, { tunnelPort }, report) => {
        const { listeners, pools } = tunnelPools(resources, tunnelPort, report);
        const why =
            "Each agent dials the load balancer until it has one tunnel to every konnectivity-server; a sticky pool sends " +
            'every dial to the same server, and the other kube-apiservers answer logs/exec with "No agent available".';

        for (const pool of pools) {
            const persistence = pool.props.persistence;
            const kind = get(persistence, "type");
            if (isUnknown(kind)) report.unknown(kind);
            else if (persistence !== undefined && persistence !== null && kind !== undefined && kind !== "") {
                report.violation(
                    `Pool ${pool.name} behind the tunnel listener (port ${tunnelPort}) has session persistence ${String(kind)}. ${why} Remove persistence from the pool.`,
                    pool.urn,
                );
            }
            const method = pool.props.lbMethod;
            if (isUnknown(method)) report.unknown(method);
            else if (typeof method === "string" && stickyMethods.includes(method.toUpperCase())) {
                report.violation(
                    `Pool ${pool.name} behind the tunnel listener (port ${tunnelPort}) balances by ${method}. ${why} Use lbMethod ROUND_ROBIN or LEAST_CONNECTIONS.`,
                    pool.urn,
                );
            }
        }

        const services = ofType(resources, types.service).filter((s) => exposesPort(s, tunnelPort));
        for (const service of services) {
            const affinity = get(service.props, "spec", "sessionAffinity");
            if (isUnknown(affinity)) report.unknown(affinity);
            else if (affinity === "ClientIP") {
                report.violation(
                    `Service ${service.name} exposes the tunnel port ${tunnelPort} with sessionAffinity: ClientIP. ${why} Remove sessionAffinity (or set None).`,
                    service.urn,
                );
            }
        }
        if (listeners.length === 0 && services.length === 0) {
            report.notApplicable(`the stack has no listener or Service on the tunnel port ${tunnelPort}`);
        } else if (pools.length === 0 && services.length === 0) {
            report.notApplicable(`no pool behind ${listeners.map(listenerLabel).join(", ")}`);
        }
    },
});
