import type * as k8s from "@pulumi/kubernetes";
import { agentLabels, agentName, agentNamespace } from "./labels";

/**
 * Lease-based server counting (apiserver-network-proxy v0.33+; the flags exist at the pinned
 * v0.34.0 and v0.36.0): every server publishes a Lease in the user cluster
 * (`--enable-lease-controller`, renewed every 15 s, valid 30 s, expired ones garbage-collected;
 * pkg/server/leases), and the agents count the valid ones (`--count-server-leases`). So a surge
 * pod during a rolling update, or a replica added, gets its tunnels without any agent learning a
 * new number, and a dead server stops counting within 30 s. The agents take the larger of the
 * lease count and the count the servers announce in their handshake (`--server-count-source=max`):
 * if listing leases fails, the servers' static `--server-count` still holds.
 * Namespace and label are ANP's defaults, stated so that both ends name the same leases.
 */
export const serverLeases = { namespace: "kube-system", label: "k8s-app=konnectivity-server" } as const;

/** The user the servers publish their leases as: a client certificate of the cluster CA (upstream's name). */
export const konnectivityServerUser = "system:konnectivity-server";

/** The key of that certificate among the mode's user-cluster clients. */
export const leaseClient = "leaseWriter";

const leases = { apiGroups: ["coordination.k8s.io"], resources: ["leases"] };
const roleRef = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name });
const meta = (name: string) => ({ name, namespace: serverLeases.namespace, labels: agentLabels() });

/** Servers write their own lease and collect expired ones (lease.Controller and gc_controller.go). */
export const serverLeasesRoleName = "gks:konnectivity-server-leases";
/** Agents list and watch them (an informer over the namespace's leases, filtered by label). */
export const agentLeasesRoleName = "gks:konnectivity-agent-leases";

export function serverLeasesRole(): k8s.rbac.v1.RoleArgs {
    return {
        metadata: meta(serverLeasesRoleName),
        rules: [{ ...leases, verbs: ["get", "list", "watch", "create", "update", "delete"] }],
    };
}

export function serverLeasesRoleBinding(): k8s.rbac.v1.RoleBindingArgs {
    return {
        metadata: meta(serverLeasesRoleName),
        roleRef: roleRef(serverLeasesRoleName),
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: konnectivityServerUser }],
    };
}

export function agentLeasesRole(): k8s.rbac.v1.RoleArgs {
    return { metadata: meta(agentLeasesRoleName), rules: [{ ...leases, verbs: ["get", "list", "watch"] }] };
}

export function agentLeasesRoleBinding(): k8s.rbac.v1.RoleBindingArgs {
    return {
        metadata: meta(agentLeasesRoleName),
        roleRef: roleRef(agentLeasesRoleName),
        subjects: [{ kind: "ServiceAccount", name: agentName, namespace: agentNamespace }],
    };
}
