import type * as k8s from "@pulumi/kubernetes";

/**
 * Kubernetes' own role for full access to the kubelet API (logs, exec, attach, port-forward,
 * proxy, stats, metrics: the `nodes/*` subresources kubelets authorize with
 * SubjectAccessReviews); kubeadm binds kube-apiserver's kubelet client to it as well.
 */
export const kubeletApiRoleName = "system:kubelet-api-admin";
export const kubeletApiBindingName = "gks:kube-apiserver-to-kubelet";

/** Binds the kubelet API role to the user in the apiserver's --kubelet-client-certificate. */
export function kubeletApiClusterRoleBinding(kubeletClientUser: string): k8s.rbac.v1.ClusterRoleBindingArgs {
    return {
        metadata: {
            name: kubeletApiBindingName,
            labels: {
                "app.kubernetes.io/name": "kube-apiserver-to-kubelet",
                "app.kubernetes.io/component": "tunnel",
                "app.kubernetes.io/part-of": "gks",
                "app.kubernetes.io/managed-by": "pulumi",
            },
        },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: kubeletApiRoleName },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: kubeletClientUser }],
    };
}
