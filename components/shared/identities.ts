/**
 * The users the cluster's client certificates name: the PKI issues them, the control plane
 * names them in flags, the user-cluster part binds them in RBAC.
 */
export const identities = {
    admin: { commonName: "kubernetes-admin", organization: "system:masters" },
    // kubeadm's name for the same certificate: operators recognise it in audit logs. No group:
    // the `system:` prefix is reserved for Kubernetes' own identities, and a group such as
    // system:masters would make it cluster-admin. The tunnel/user-cluster part binds this user
    // to the built-in ClusterRole system:kubelet-api-admin, which is all it needs.
    kubeletClient: { commonName: "kube-apiserver-kubelet-client" },
    controllerManager: { commonName: "system:kube-controller-manager" },
    scheduler: { commonName: "system:kube-scheduler" },
    etcdClient: { commonName: "kube-apiserver-etcd-client" },
    // kube-apiserver's --requestheader-allowed-names admits exactly this name.
    frontProxyClient: { commonName: "front-proxy-client" },
} as const satisfies Record<string, { readonly commonName: string; readonly organization?: string }>;
