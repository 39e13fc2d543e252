import type { RunningState, TunnelMode } from "../config";
import type { PodSecurityLevel } from "./types";

/**
 * Where a cluster's tunnel is, from its configuration and what its last update recorded
 * (Settings.running): a new cluster, the same mode as it runs (steady), or a switch from the
 * running mode to the configured one (migrating). Never a second config key: the record is state.
 */
export type TunnelPhase = "new" | "steady" | "migrating";

export interface TunnelTransition {
    readonly phase: TunnelPhase;
    /** The configured mode: what the cluster runs once this update succeeded. */
    readonly mode: TunnelMode;
    /** The mode it runs now, while migrating. */
    readonly from?: TunnelMode;
}

export function tunnelTransition(mode: TunnelMode, running: RunningState | undefined): TunnelTransition {
    if (running === undefined) return { phase: "new", mode };
    if (running.tunnelMode === mode) return { phase: "steady", mode };
    return { phase: "migrating", mode, from: running.tunnelMode };
}

const levels: readonly PodSecurityLevel[] = ["restricted", "baseline", "privileged"];

/** The least Pod Security level that admits pods needing each of these levels. */
export function leastAdmitting(needed: readonly PodSecurityLevel[]): PodSecurityLevel {
    return levels[Math.max(0, ...needed.map((l) => levels.indexOf(l)))];
}
