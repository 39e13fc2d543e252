import { parseGoDuration } from "../../components/shared/goDuration";
import { isUnknown, Unknown } from "./known";
import { Resource } from "./resources";
import {
    containerFlags,
    containerLabel,
    flagValue,
    isKonnectivityAgent,
    isKonnectivityServer,
    PlacedContainer,
    placedContainers,
} from "./workloads";

/**
 * The konnectivity keepalive (`--keepalive-time`): on the server it is the gRPC keepalive of
 * the agent-facing port, on the agent that of its tunnels. Both default to 1h upstream
 * (cmd/server/app/options and cmd/agent/app/options), and the server rejects agent pings more
 * often than every 30 s (keepalive.EnforcementPolicy MinTime in cmd/server/app/server.go).
 */
export const upstreamKeepaliveMs = 3_600_000;
export const minKeepaliveMs = 30_000;

export interface Keepalive {
    readonly at: PlacedContainer;
    readonly role: "konnectivity-server" | "konnectivity-agent";
    /** The flag as written; undefined when the container does not set it (the upstream default applies). */
    readonly text?: string;
    /** The effective keepalive in ms; undefined when the text is not a Go duration. */
    readonly ms: number | undefined | Unknown;
}

export function keepaliveLabel(k: Keepalive): string {
    return `${k.role} ${containerLabel(k.at.container)} in ${k.at.workload.name}`;
}

export function konnectivityKeepalives(resources: readonly Resource[]): { found: Keepalive[]; unknowns: Unknown[] } {
    const { found: placed, unknowns } = placedContainers(
        resources,
        (c) => isKonnectivityServer(c) || isKonnectivityAgent(c),
    );
    const found = placed.map((at): Keepalive => {
        const role = isKonnectivityServer(at.container) ? "konnectivity-server" : "konnectivity-agent";
        const value = flagValue(containerFlags(at.container), "keepalive-time");
        if (isUnknown(value)) return { at, role, ms: value };
        if (value === undefined) return { at, role, ms: upstreamKeepaliveMs };
        return { at, role, text: value, ms: parseGoDuration(value) };
    });
    return { found, unknowns };
}
