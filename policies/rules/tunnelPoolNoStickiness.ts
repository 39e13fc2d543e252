import { and, get, isUnknown, list, or, Tri } from "../lib/known";
import { isPoolOf, listenerLabel, onOvn, tunnelPools } from "../lib/octavia";
import { stackPolicy } from "../lib/policy";
import { ofType, Resource, types } from "../lib/resources";

/**
 * SOURCE_IP hashes the source address, so every dial from the worker router's one SNAT address
 * lands on the same member. SOURCE_IP_PORT hashes the source port too, so each new dial may land
 * elsewhere; it is accepted only where nothing better exists: Octavia's OVN driver offers
 * SOURCE_IP_PORT and SOURCE_IP only (ovn-octavia-provider OVN_NATIVE_LB_ALGORITHMS).
 */
function isSticky(
    method: string,
    pool: Resource,
    listeners: readonly Resource[],
    resources: readonly Resource[],
): boolean {
    const upper = method.toUpperCase();
    if (upper === "SOURCE_IP") return true;
    if (upper !== "SOURCE_IP_PORT") return false;
    // Octavia keeps a pool on one load balancer; should a stack link it to several, any but OVN makes it sticky.
    return !listeners.filter((l) => isPoolOf(pool, l) === true).every((l) => onOvn(l, resources));
}

/** Three-valued: a Service port carries the tunnel (its port or its targetPort is the tunnel port). */
function exposesPort(service: Resource, port: number): Tri {
    const ports = list(get(service.props, "spec", "ports"));
    if (isUnknown(ports)) return ports;
    const values = ports.flatMap((p) => [get(p, "port"), get(p, "targetPort")]);
    return or(...values.map((v) => (isUnknown(v) ? v : v === port)));
}

export const tunnelPoolNoStickiness = stackPolicy({
    name: "tunnel-pool-no-stickiness",
    description:
        "The pools behind the tunnel listener spread agent dials over every konnectivity-server: no session persistence, no SOURCE_IP balancing (SOURCE_IP_PORT only on OVN, which has nothing else).",
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
            else if (typeof kind === "string" && kind !== "") {
                report.violation(
                    `Pool ${pool.name} behind the tunnel listener (port ${tunnelPort}) has session persistence ${kind}. ${why} Remove persistence from the pool.`,
                    pool.urn,
                );
            }
            const method = pool.props.lbMethod;
            if (isUnknown(method)) report.unknown(method);
            else if (typeof method === "string" && isSticky(method, pool, listeners, resources)) {
                report.violation(
                    `Pool ${pool.name} behind the tunnel listener (port ${tunnelPort}) balances by ${method}. ${why} Use lbMethod ROUND_ROBIN or LEAST_CONNECTIONS (SOURCE_IP_PORT on an OVN load balancer, which offers nothing else).`,
                    pool.urn,
                );
            }
        }

        let tunnelService = false;
        for (const service of ofType(resources, types.service)) {
            const exposes = exposesPort(service, tunnelPort);
            if (exposes === true) tunnelService = true;
            const affinity = get(service.props, "spec", "sessionAffinity");
            const verdict = and(exposes, isUnknown(affinity) ? affinity : affinity === "ClientIP");
            if (isUnknown(verdict)) report.unknown(verdict);
            else if (verdict) {
                report.violation(
                    `Service ${service.name} exposes the tunnel port ${tunnelPort} with sessionAffinity: ClientIP. ${why} Remove sessionAffinity (or set None).`,
                    service.urn,
                );
            }
        }
        if (listeners.length === 0 && !tunnelService) {
            report.notApplicable(`the stack has no listener or Service on the tunnel port ${tunnelPort}`);
        } else if (pools.length === 0 && !tunnelService) {
            report.notApplicable(`no pool behind ${listeners.map(listenerLabel).join(", ")}`);
        }
    },
});
