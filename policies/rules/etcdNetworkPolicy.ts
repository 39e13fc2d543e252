import { get, isRecord, isUnknown, list } from "../lib/known";
import { stackPolicy } from "../lib/policy";
import { admitsAnyone, isolatingPolicies, networkPolicies, Target } from "../lib/networkPolicies";
import { namespaceOf } from "../lib/resources";
import { containerFlags, containerLabel, flagValue, isEtcd, placedContainers } from "../lib/workloads";

/** The port of the first URL of an etcd --listen-*-urls flag (etcd's defaults when unset). */
function listenPort(value: string | undefined, fallback: number): number | undefined {
    if (value === undefined) return fallback;
    const match = /^[a-z]+:\/\/[^,/]*:(\d+)/.exec(value.split(",")[0]);
    return match ? Number(match[1]) : undefined;
}

export const etcdNetworkPolicy = stackPolicy({
    name: "etcd-network-policy",
    description:
        "etcd's client and peer ports admit only chosen pods: a NetworkPolicy isolates every etcd pod for ingress, and no rule admits those ports from anyone.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add a NetworkPolicy in etcd's namespace that selects its pods (policyTypes: [Ingress]) and admits the client port only from kube-apiserver's pods and the peer port only from the members (podSelector peers), as components/controlplane/networkPolicies.ts does.",
    config: [],
    check: (resources, _config, report) => {
        const members = placedContainers(resources, isEtcd);
        members.unknowns.forEach(report.unknown);
        if (members.found.length === 0) {
            report.notApplicable("the stack runs no etcd");
            return;
        }
        const policies = networkPolicies(resources);
        // A policy not known yet may isolate etcd's pods or admit anyone: every verdict waits on it.
        policies.unknowns.forEach(report.unknown);
        for (const { workload, template, container } of members.found) {
            const namespace = namespaceOf(workload);
            const labels = get(template, "metadata", "labels");
            if (isUnknown(namespace)) {
                report.unknown(namespace);
                continue;
            }
            if (isUnknown(labels)) {
                report.unknown(labels);
                continue;
            }
            const flags = containerFlags(container);
            const ports = list(container.spec.ports);
            const target: Target = {
                namespace,
                labels: isRecord(labels) ? (labels as Record<string, string>) : {},
                namedPorts: isUnknown(ports)
                    ? {}
                    : Object.fromEntries(
                          ports.flatMap((p) => {
                              const name = get(p, "name");
                              const number = get(p, "containerPort");
                              return typeof name === "string" && typeof number === "number" ? [[name, number]] : [];
                          }),
                      ),
            };
            const who = `${containerLabel(container)} of ${workload.name} (namespace ${namespace})`;
            const isolating = isolatingPolicies(policies.found, target);
            if (isolating.length === 0) {
                if (policies.unknowns.length === 0) {
                    report.violation(
                        `${who} is selected by no ingress NetworkPolicy: every pod of the seed, every tenant's included, can reach its client and peer ports. A stolen client certificate, or a flaw in etcd's TLS, is then one hop from every Secret of the cluster.`,
                        workload.urn,
                    );
                }
                continue;
            }
            for (const [role, flag, fallback] of [
                ["client", "listen-client-urls", 2379],
                ["peer", "listen-peer-urls", 2380],
            ] as const) {
                const value = flagValue(flags, flag);
                if (isUnknown(value)) {
                    report.unknown(value);
                    continue;
                }
                const port = listenPort(value, fallback);
                if (port === undefined || !admitsAnyone(isolating, target, port)) continue;
                report.violation(
                    `${who}: a NetworkPolicy (${isolating.map((p) => p.resource.name).join(", ")}) admits its ${role} port ${port} from anyone. Admit it only from ${role === "client" ? "kube-apiserver's pods" : "the members"} (podSelector peers).`,
                    workload.urn,
                );
            }
        }
    },
});
