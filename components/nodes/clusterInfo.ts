import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { kubePublic, nodesLabels } from "./labels";

/**
 * kube-public/cluster-info, as kubeadm's phases/bootstraptoken/clusterinfo writes it: key
 * `kubeconfig` holds a kubeconfig with one unnamed cluster (server and CA), no users. The
 * controller-manager's bootstrapsigner (enabled with `--controllers=*,bootstrapsigner,...`) adds a
 * `jws-kubeconfig-<token id>` key per signing token; `kubeadm join` fetches the ConfigMap
 * anonymously, checks that signature with its token and the CA against `--discovery-token-ca-cert-hash`.
 * The program applies it server-side and owns only `kubeconfig`, so the signer's keys stay.
 */
export const clusterInfoName = "cluster-info";
export const clusterInfoRoleName = "kubeadm:bootstrap-signer-clusterinfo";

export function clusterInfoKubeconfig(server: string, caCertPem: string): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: "",
                cluster: {
                    server,
                    "certificate-authority-data": Buffer.from(caCertPem, "utf8").toString("base64"),
                },
            },
        ],
        contexts: [],
        "current-context": "",
        preferences: {},
        users: [],
    });
}

export function clusterInfoConfigMap(
    server: pulumi.Input<string>,
    caCertPem: pulumi.Input<string>,
): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: clusterInfoName, namespace: kubePublic, labels: nodesLabels(clusterInfoName, "join") },
        data: { kubeconfig: pulumi.all([server, caCertPem]).apply(([s, ca]) => clusterInfoKubeconfig(s, ca)) },
    };
}

/** Anonymous users may read exactly cluster-info: token discovery happens before any credential. */
export function clusterInfoRole(): k8s.rbac.v1.RoleArgs {
    return {
        metadata: { name: clusterInfoRoleName, namespace: kubePublic, labels: nodesLabels(clusterInfoName, "join") },
        rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [clusterInfoName], verbs: ["get"] }],
    };
}

export function clusterInfoRoleBinding(): k8s.rbac.v1.RoleBindingArgs {
    return {
        metadata: { name: clusterInfoRoleName, namespace: kubePublic, labels: nodesLabels(clusterInfoName, "join") },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: clusterInfoRoleName },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:anonymous" }],
    };
}
