import { get, isUnknown, or, Tri, Unknown } from "./known";
import type { Report } from "./policy";
import { ofType, refersTo, Resource, types } from "./resources";

/**
 * The Octavia load balancer as the stack declares it: listeners by port, the pools behind a
 * listener (a pool names its listener with `listenerId`, or a listener names its default pool
 * with `defaultPoolId`), the monitors of a pool (`poolId`).
 */

/** Octavia closes a connection idle for timeout_client_data / timeout_member_data: 50 s unless set. */
export const octaviaDefaultTimeoutMs = 50_000;

export interface Found {
    readonly found: Resource[];
    readonly unknowns: Unknown[];
}

function collect(candidates: readonly Resource[], condition: (r: Resource) => Tri): Found {
    const found: Resource[] = [];
    const unknowns: Unknown[] = [];
    for (const candidate of candidates) {
        const verdict = condition(candidate);
        if (verdict === true) found.push(candidate);
        else if (isUnknown(verdict)) unknowns.push(verdict);
    }
    return { found, unknowns };
}

export function listenersOnPorts(resources: readonly Resource[], ports: readonly number[]): Found {
    return collect(ofType(resources, types.listener), (l) => {
        const port = l.props.protocolPort;
        return isUnknown(port) ? port : ports.some((p) => p === port);
    });
}

export function isPoolOf(pool: Resource, listener: Resource): Tri {
    return or(refersTo(pool, "listenerId", listener), refersTo(listener, "defaultPoolId", pool));
}

/** Whether the listener belongs to a load balancer of Octavia's OVN driver (no allowed_cidrs, few algorithms). */
export function onOvn(listener: Resource, resources: readonly Resource[]): boolean {
    return ofType(resources, types.loadBalancer).some(
        (lb) => refersTo(listener, "loadbalancerId", lb) === true && get(lb.props, "loadbalancerProvider") === "ovn",
    );
}

export function poolsBehind(resources: readonly Resource[], listeners: readonly Resource[]): Found {
    return collect(ofType(resources, types.pool), (pool) => or(...listeners.map((l) => isPoolOf(pool, l))));
}

/** A listener's data timeout (ms) as Octavia applies it; undefined = not set (Octavia's default). */
export function timeoutMs(listener: Resource, key: "timeoutClientData" | "timeoutMemberData"): number | Unknown {
    const value = listener.props[key];
    if (isUnknown(value)) return value;
    return typeof value === "number" ? value : octaviaDefaultTimeoutMs;
}

export function listenerLabel(listener: Resource): string {
    const port = listener.props.protocolPort;
    return `listener ${listener.name}${typeof port === "number" ? ` (port ${port})` : ""}`;
}

/** The listeners on the tunnel port and the pools behind them; unknown links go to the report. */
export function tunnelPools(
    resources: readonly Resource[],
    tunnelPort: number,
    report: Report,
): { listeners: Resource[]; pools: Resource[] } {
    const listeners = listenersOnPorts(resources, [tunnelPort]);
    listeners.unknowns.forEach(report.unknown);
    const pools = poolsBehind(resources, listeners.found);
    pools.unknowns.forEach(report.unknown);
    return { listeners: listeners.found, pools: pools.found };
}
