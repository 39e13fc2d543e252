import type * as k8s from "@pulumi/kubernetes";
import { ControlPlaneLayout } from "../shared/seedObjects";

/**
 * The cluster's namespace in the seed. Every pod of the control plane meets the `restricted`
 * Pod Security Standard, so the namespace enforces it.
 */
export function controlPlaneNamespace(layout: ControlPlaneLayout): k8s.core.v1.NamespaceArgs {
    return {
        metadata: {
            name: layout.namespace,
            labels: {
                "app.kubernetes.io/instance": layout.clusterName,
                "app.kubernetes.io/part-of": "gks",
                "app.kubernetes.io/managed-by": "pulumi",
                "pod-security.kubernetes.io/enforce": "restricted",
            },
        },
    };
}
