import type * as k8s from "@pulumi/kubernetes";
import type { ControlPlaneLayout } from "../shared/seedObjects";
import type { PodSecurityLevel } from "../tunnel/types";

/**
 * The cluster's namespace in the seed, enforcing the Pod Security Standard level its pods need:
 * the control plane's own meet `restricted`; the tunnel mode says what its pods need.
 */
export function controlPlaneNamespace(
    layout: ControlPlaneLayout,
    podSecurity: PodSecurityLevel,
): k8s.core.v1.NamespaceArgs {
    return {
        metadata: {
            name: layout.namespace,
            labels: {
                "app.kubernetes.io/instance": layout.clusterName,
                "app.kubernetes.io/part-of": "gks",
                "app.kubernetes.io/managed-by": "pulumi",
                "pod-security.kubernetes.io/enforce": podSecurity,
            },
        },
    };
}
