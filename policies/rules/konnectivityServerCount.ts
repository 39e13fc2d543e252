import { parseBoolFlag, parseIntFlag } from "../lib/flags";
import { isUnknown } from "../lib/known";
import { resourcePolicy } from "../lib/policy";
import { types } from "../lib/resources";
import {
    containerFlags,
    containerLabel,
    containersOf,
    flagValue,
    isKonnectivityServer,
    podTemplate,
    replicasOf,
} from "../lib/workloads";

export const konnectivityServerCount = resourcePolicy({
    name: "konnectivity-server-count",
    description:
        "Every konnectivity-server that does not publish a lease has a --server-count equal to the replicas of its workload (with --enable-lease-controller the agents count leases).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set --server-count to the apiserver replicas (one konnectivity-server sidecar per kube-apiserver replica), or count by leases: --enable-lease-controller on the servers and --count-server-leases (with --server-count-source=max) on the agents.",
    types: [types.deployment, types.statefulSet, types.replicaSet, types.pod],
    config: [],
    check: (workload, _config, report) => {
        const replicas = replicasOf(workload);
        if (isUnknown(replicas)) {
            report.unknown(replicas);
            return;
        }
        // Not replicated, or scaled to zero: no server runs to miscount its peers.
        if (!replicas) return;
        const { containers, unknowns } = containersOf(podTemplate(workload));
        unknowns.forEach(report.unknown);
        for (const container of containers.filter(isKonnectivityServer)) {
            const flags = containerFlags(container);
            // Counted by leases: each server publishes one, the agents count the valid ones.
            const leases = flagValue(flags, "enable-lease-controller");
            if (parseBoolFlag(leases) === true) continue;
            const value = flagValue(flags, "server-count");
            if (isUnknown(value)) {
                report.unknown(value);
                continue;
            }
            // Upstream default is 1 (cmd/server/app/options).
            const count = value === undefined ? 1 : parseIntFlag(value);
            const effect =
                count === undefined
                    ? "That is not an integer: the server exits on start."
                    : count < replicas
                      ? "Agents stop dialing once they hold that many tunnels, so some servers get no agent and their " +
                        'kube-apiserver fails logs/exec with "No agent available".'
                      : count > replicas
                        ? "Agents keep dialing for servers that do not exist and never settle."
                        : undefined;
            if (effect === undefined) continue;
            // A wrong count matters only when the agents do not count leases instead.
            if (isUnknown(leases)) {
                report.unknown(leases);
                continue;
            }
            const stated = value === undefined ? "not set (default 1)" : `--server-count=${value}`;
            report.violation(
                `${containerLabel(container)} of ${workload.name} has ${stated}, but the workload runs ${replicas} ` +
                    `replica(s), one konnectivity-server each. ${effect} Set --server-count=${replicas}.`,
            );
        }
    },
});
