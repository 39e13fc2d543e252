import { configNamespace } from "./defaults";
import { ConfigProblem, keyOf } from "./problems";
import { supportedKubernetesVersions } from "./versions";

/** The minor number of "1.Y". */
function minorOf(version: string): number {
    return Number(version.split(".")[1]);
}

/**
 * Kubernetes' version skew policy lets kube-apiserver move one minor at a time, and neither
 * Kubernetes nor etcd supports going back (an etcd of a newer minor writes data an older one
 * refuses). So an existing cluster may stay on its minor or go to the next one, nothing else.
 * `running` is the minor the stack's last update recorded; the result is empty when `configured`
 * is allowed. Problems are named in the config namespace `namespace`.
 */
export function kubernetesUpgradeProblems(
    configured: string,
    running: string,
    namespace: string = configNamespace,
): ConfigProblem[] {
    const from = minorOf(running);
    const to = minorOf(configured);
    if (to === from || to === from + 1) return [];
    const allowed = supportedKubernetesVersions.filter((v) => minorOf(v) === from || minorOf(v) === from + 1);
    const allowedText =
        allowed.length > 0
            ? `allowed now: ${allowed.join(" or ")}`
            : `this program supports none of them (${supportedKubernetesVersions.join(", ")}); upgrade with a release of gks-cluster that supports 1.${from + 1} first`;
    const runs = `the cluster runs ${running} (stack output clusterState)`;
    const message =
        to < from
            ? `${runs}; Kubernetes and etcd cannot be downgraded, so the version only moves up; ${allowedText}`
            : `${runs}; an upgrade moves one minor at a time (1.${from + 1} first, then each next minor, one pulumi up each); ${allowedText}`;
    return [{ key: keyOf(namespace, ["kubernetesVersion"]), value: configured, message }];
}
