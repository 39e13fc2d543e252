import { selectorMatches, LabelSelector } from "../lib/selectors";
import { firstUnknown, get, isRecord, isUnknown, Tri } from "../lib/known";
import { stackPolicy } from "../lib/policy";
import { ofType, Resource, sameNamespace, types } from "../lib/resources";
import { containersOf, isKonnectivityAgent, isKubeApiserver, podTemplate, replicasOf } from "../lib/workloads";

/** Whether the PDB selects the template's pods; unknown when either side is not known yet. */
function pdbCovers(pdb: Resource, workload: Resource, labels: unknown): Tri {
    const ns = sameNamespace(pdb, workload);
    if (ns !== true) return ns;
    const selector = get(pdb.props, "spec", "selector");
    const unknown = firstUnknown(selector) ?? firstUnknown(labels);
    if (unknown) return unknown;
    return selectorMatches(
        isRecord(selector) ? (selector as LabelSelector) : undefined,
        isRecord(labels) ? (labels as Record<string, string>) : {},
    );
}

export const controlPathHa = stackPolicy({
    name: "control-path-ha",
    description:
        "kube-apiserver and konnectivity-agent run at least two replicas, each covered by a PodDisruptionBudget.",
    enforcementLevel: "advisory",
    remediationSteps:
        "Set apiserverReplicas and agentReplicas to 2 or more and add a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the pods' labels.",
    config: ["minReplicas"],
    check: (resources, { minReplicas }, report) => {
        const pdbs = ofType(resources, types.podDisruptionBudget);
        let checked = false;
        for (const workload of ofType(resources, types.deployment, types.statefulSet)) {
            const template = podTemplate(workload);
            const { containers, unknowns } = containersOf(template);
            unknowns.forEach(report.unknown);
            const role = containers.some(isKubeApiserver)
                ? "kube-apiserver"
                : containers.some(isKonnectivityAgent)
                  ? "konnectivity-agent"
                  : undefined;
            if (role === undefined) continue;
            checked = true;
            const replicas = replicasOf(workload);
            if (isUnknown(replicas)) report.unknown(replicas);
            // replicasOf counts a Deployment or StatefulSet without spec.replicas as 1; `?? 1` only narrows the type.
            else if ((replicas ?? 1) < minReplicas) {
                report.violation(
                    `${role} ${workload.name} runs ${replicas} replica(s): losing one pod or one node cuts the ` +
                        `${role === "kube-apiserver" ? "API and its tunnel endpoint" : "tunnel from the workers"}. ` +
                        `Run at least ${minReplicas}.`,
                    workload.urn,
                );
            }
            const verdicts = pdbs.map((pdb) => pdbCovers(pdb, workload, get(template, "metadata", "labels")));
            if (verdicts.includes(true)) continue;
            const undecided = verdicts.find(isUnknown);
            if (undecided) report.unknown(undecided);
            else {
                report.violation(
                    `${role} ${workload.name} has no PodDisruptionBudget selecting its pods: a node drain may evict ` +
                        "every replica at once. Add one (maxUnavailable: 1) whose selector matches the pod template's labels.",
                    workload.urn,
                );
            }
        }
        if (!checked) {
            report.notApplicable("the stack has no kube-apiserver or konnectivity-agent Deployment");
        }
    },
});
