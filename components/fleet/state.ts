import { ConfigError, ConfigProblem, parseRunningState, RunningState } from "../config";
import { NodePortAllocation, nodePortKinds } from "./nodePorts";

/** The stack outputs a fleet program records and reads back at its next update. */
export const fleetStateOutputs = { nodePorts: "nodePorts", clusterStates: "clusterStates" } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The NodePort allocation a fleet recorded (`nodePorts` output): undefined for a new fleet, a
 * ConfigError for anything this program cannot have written.
 */
export function parseNodePortAllocation(recorded: unknown): NodePortAllocation | undefined {
    if (recorded === undefined || recorded === null) return undefined;
    const where = `stack output ${fleetStateOutputs.nodePorts}`;
    const problems: ConfigProblem[] = [];
    if (!isObject(recorded))
        throw new ConfigError([
            { key: where, value: recorded, message: "must be an object: seed -> cluster -> ports" },
        ]);
    for (const [seed, clusters] of Object.entries(recorded)) {
        if (!isObject(clusters)) {
            problems.push({ key: `${where}.${seed}`, value: clusters, message: "must be an object: cluster -> ports" });
            continue;
        }
        for (const [cluster, ports] of Object.entries(clusters)) {
            const bad = nodePortKinds.filter((k) => !isObject(ports) || !Number.isInteger(ports[k]));
            if (bad.length > 0) {
                problems.push({
                    key: `${where}.${seed}.${cluster}`,
                    value: ports,
                    message: `must hold whole-number ports ${nodePortKinds.join(", ")}`,
                });
            }
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return recorded as NodePortAllocation;
}

/** The running state of each cluster a fleet recorded (`clusterStates` output), by cluster name. */
export function parseClusterStates(recorded: unknown): Readonly<Record<string, RunningState | undefined>> {
    if (recorded === undefined || recorded === null) return {};
    if (!isObject(recorded)) {
        throw new ConfigError([
            {
                key: `stack output ${fleetStateOutputs.clusterStates}`,
                value: recorded,
                message: "must be an object: cluster -> state",
            },
        ]);
    }
    return Object.fromEntries(Object.entries(recorded).map(([name, state]) => [name, parseRunningState(state)]));
}
