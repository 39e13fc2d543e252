import * as k8s from "@pulumi/kubernetes";
import { bootstrapTokenGroup } from "./bootstrapToken";
import { kubeadmConfigName } from "./kubeadmConfig";
import { kubeletConfigName } from "./kubeletConfig";
import { kubeProxyName } from "./kubeProxy";
import { kubeSystem, nodesLabels } from "./labels";

/**
 * The RBAC `kubeadm init` creates for joining nodes (v1.35-v1.37: phases/bootstraptoken/node,
 * phases/uploadconfig, phases/kubelet, phases/addons/proxy), by kubeadm's names, so that a stock
 * `kubeadm join` finds what it expects:
 * - kubeadm:kubelet-bootstrap: bootstrappers create CSRs (system:node-bootstrapper);
 * - kubeadm:node-autoapprove-bootstrap: the controller-manager's csrapproving controller approves
 *   their node client certificates (...:nodeclient);
 * - kubeadm:node-autoapprove-certificate-rotation: and the nodes' renewals (...:selfnodeclient);
 * - kubeadm:get-nodes: join checks that no Ready node has its name;
 * - kubeadm:nodes-kubeadm-config, kubeadm:kubelet-config, kube-proxy: the ConfigMaps join reads.
 */
const rbacGroup = "rbac.authorization.k8s.io";
const group = (name: string) => ({ apiGroup: rbacGroup, kind: "Group", name });
const bootstrappers = group(bootstrapTokenGroup);
const nodes = group("system:nodes");
const labels = () => nodesLabels("node-join", "join");

export interface JoinRbac {
    readonly clusterRoles: Record<string, k8s.rbac.v1.ClusterRoleArgs>;
    readonly clusterRoleBindings: Record<string, k8s.rbac.v1.ClusterRoleBindingArgs>;
    readonly roles: Record<string, k8s.rbac.v1.RoleArgs>;
    readonly roleBindings: Record<string, k8s.rbac.v1.RoleBindingArgs>;
}

function clusterRoleBinding(name: string, role: string, subject: ReturnType<typeof group>) {
    return {
        metadata: { name, labels: labels() },
        roleRef: { apiGroup: rbacGroup, kind: "ClusterRole", name: role },
        subjects: [subject],
    };
}

/** A Role that reads one ConfigMap of kube-system, and its binding to the given groups. */
function configMapReader(name: string, configMap: string, subjects: ReturnType<typeof group>[]) {
    const metadata = { name, namespace: kubeSystem, labels: labels() };
    return {
        role: {
            metadata,
            rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [configMap], verbs: ["get"] }],
        },
        binding: { metadata, roleRef: { apiGroup: rbacGroup, kind: "Role", name }, subjects },
    };
}

export function joinRbac(): JoinRbac {
    const readers = {
        "kubeadm:nodes-kubeadm-config": configMapReader("kubeadm:nodes-kubeadm-config", kubeadmConfigName, [
            bootstrappers,
            nodes,
        ]),
        "kubeadm:kubelet-config": configMapReader("kubeadm:kubelet-config", kubeletConfigName, [nodes, bootstrappers]),
        "kube-proxy": configMapReader(kubeProxyName, kubeProxyName, [bootstrappers]),
    };
    return {
        clusterRoles: {
            "kubeadm:get-nodes": {
                metadata: { name: "kubeadm:get-nodes", labels: labels() },
                rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
            },
        },
        clusterRoleBindings: {
            "kubeadm:get-nodes": clusterRoleBinding("kubeadm:get-nodes", "kubeadm:get-nodes", bootstrappers),
            "kubeadm:kubelet-bootstrap": clusterRoleBinding(
                "kubeadm:kubelet-bootstrap",
                "system:node-bootstrapper",
                bootstrappers,
            ),
            "kubeadm:node-autoapprove-bootstrap": clusterRoleBinding(
                "kubeadm:node-autoapprove-bootstrap",
                "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                bootstrappers,
            ),
            "kubeadm:node-autoapprove-certificate-rotation": clusterRoleBinding(
                "kubeadm:node-autoapprove-certificate-rotation",
                "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
                nodes,
            ),
        },
        roles: Object.fromEntries(Object.entries(readers).map(([k, v]) => [k, v.role])),
        roleBindings: Object.fromEntries(Object.entries(readers).map(([k, v]) => [k, v.binding])),
    };
}
