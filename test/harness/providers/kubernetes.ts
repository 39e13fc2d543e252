import { ProviderMock, ResourceMock } from "./types";

/** The Kubernetes kinds this program creates, by type token. */
const namespaced = [
    "kubernetes:core/v1:Secret",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Service",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:core/v1:ResourceQuota",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
];
const clusterScoped = [
    "kubernetes:core/v1:Namespace",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
];

/**
 * The Kubernetes provider, as far as this program uses it: the state is the inputs with
 * apiVersion and kind set, ids are `namespace/name` (just `name` for cluster-scoped kinds), as
 * the provider makes them. The real provider auto-names an object without metadata.name
 * (`<logical name>-<random suffix>`); here the logical name is used, so runs are deterministic.
 * A namespaced object without a namespace lands in "default", like the provider's default.
 * Inputs pass through as sent, so a Secret's data stays a secret output, as the provider keeps it.
 */
export function kubernetesMock(): ProviderMock {
    const mock =
        (scoped: boolean): ResourceMock =>
        ({ type, name, inputs }) => {
            const [, group, kind] = /^kubernetes:([^:]+):(.+)$/.exec(type) ?? [];
            const [apiGroup, version] = group.split("/");
            const metadata = { ...(inputs.metadata ?? {}) } as Record<string, unknown>;
            metadata.name ??= name;
            if (scoped) metadata.namespace ??= "default";
            const id = scoped ? `${metadata.namespace}/${metadata.name}` : String(metadata.name);
            return {
                id,
                state: {
                    ...inputs,
                    apiVersion: apiGroup === "core" ? version : `${apiGroup}/${version}`,
                    kind,
                    metadata,
                },
            };
        };
    return {
        prefix: "kubernetes:",
        resources: Object.fromEntries([
            ...namespaced.map((t) => [t, mock(true)]),
            ...clusterScoped.map((t) => [t, mock(false)]),
        ]),
        calls: {},
    };
}
