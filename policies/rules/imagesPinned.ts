import { unpinnedReason } from "../lib/images";
import { isUnknown } from "../lib/known";
import { resourcePolicy } from "../lib/policy";
import { containerLabel, containersOf, podTemplate, workloadTypes } from "../lib/workloads";

export const imagesPinned = resourcePolicy({
    name: "images-pinned",
    description: "Container images are pinned to a version tag or a digest, never latest or untagged.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Use the versions pinned in components/config/versions.ts (e.g. registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0), or a digest.",
    types: workloadTypes,
    config: [],
    check: (workload, _config, report) => {
        const { containers, unknowns } = containersOf(podTemplate(workload));
        unknowns.forEach(report.unknown);
        for (const container of containers) {
            const image = container.spec.image;
            if (isUnknown(image)) {
                report.unknown(image);
                continue;
            }
            if (typeof image !== "string") continue;
            const reason = unpinnedReason(image);
            if (reason !== undefined) {
                report.violation(
                    `${containerLabel(container)} of ${workload.name} runs ${image}: ${reason}. A floating image changes ` +
                        "under a running cluster (kube-apiserver, konnectivity server and agents must stay on matching " +
                        "versions). Pin a version tag or a digest.",
                );
            }
        }
    },
});
