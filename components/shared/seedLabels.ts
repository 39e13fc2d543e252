import type { ControlPlaneLayout } from "./seedObjects";

/**
 * The applications in a cluster's seed namespace, by their `app.kubernetes.io/name`;
 * `control-plane` names the objects that belong to all of them (the namespace's quota and
 * network policies), never a pod.
 */
export type AppName =
    | "etcd"
    | "kube-apiserver"
    | "kube-controller-manager"
    | "kube-scheduler"
    | "konnectivity-server"
    | "openvpn-server"
    | "openvpn-client"
    | "control-plane";

/**
 * The labels that select an application's pods. Deployment and StatefulSet selectors are
 * immutable, so these never change for a cluster.
 */
export function selectorLabels(app: AppName, clusterName: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": clusterName };
}

/** The recommended labels (app.kubernetes.io/*) for every object of a cluster's control plane. */
export function recommendedLabels(
    app: AppName,
    clusterName: string,
    component = "control-plane",
): Record<string, string> {
    return {
        ...selectorLabels(app, clusterName),
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "gks",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** metadata of a namespaced control-plane object. */
export function objectMeta(layout: ControlPlaneLayout, app: AppName, name: string, component?: string) {
    return { name, namespace: layout.namespace, labels: recommendedLabels(app, layout.clusterName, component) };
}
