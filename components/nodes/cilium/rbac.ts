import * as k8s from "@pulumi/kubernetes";
import { kubeSystem, nodesLabels } from "../labels";
import { ciliumConfigName } from "./config";

/**
 * What the agent and operator may do: the rules of the v1.20.2 chart (cilium-agent/clusterrole.yaml,
 * cilium-operator/clusterrole.yaml) for this configuration, without those of features left off
 * (TLS interception secrets, ztunnel).
 */
type Rule = k8s.types.input.rbac.v1.PolicyRule;
const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): Rule => ({
    apiGroups,
    resources,
    verbs,
    ...(resourceNames ? { resourceNames } : {}),
});
const watch = ["get", "list", "watch"];
const manage = ["create", "update", "get", "list", "watch", "delete", "patch"];

const ciliumCrds = [
    "ciliumloadbalancerippools",
    "ciliumbgpnodeconfigs",
    "ciliumbgpadvertisements",
    "ciliumbgppeerconfigs",
    "ciliumclusterwideenvoyconfigs",
    "ciliumclusterwidenetworkpolicies",
    "ciliumegressgatewaypolicies",
    "ciliumendpoints",
    "ciliumendpointslices",
    "ciliumenvoyconfigs",
    "ciliumidentities",
    "ciliumlocalredirectpolicies",
    "ciliumnetworkpolicies",
    "ciliumnodes",
    "ciliumnodeconfigs",
    "ciliumcidrgroups",
    "ciliuml2announcementpolicies",
    "ciliumpodippools",
    "ciliumdatapathplugins",
];

export const agentRules: Rule[] = [
    rule(["networking.k8s.io"], ["networkpolicies"], watch),
    rule(["discovery.k8s.io"], ["endpointslices"], watch),
    rule([""], ["namespaces", "services", "pods", "nodes"], watch),
    rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], ["list", "watch", "get"]),
    rule(["cilium.io"], ciliumCrds, ["list", "watch"]),
    rule(["cilium.io"], ["ciliumidentities", "ciliumendpoints", "ciliumnodes"], ["create"]),
    rule(["cilium.io"], ["ciliumidentities"], ["update"]),
    rule(["cilium.io"], ["ciliumendpoints"], ["delete", "get"]),
    rule(["cilium.io"], ["ciliumnodes", "ciliumnodes/status"], ["get", "update"]),
    rule(
        ["cilium.io"],
        [
            "ciliumendpoints/status",
            "ciliumendpoints",
            "ciliuml2announcementpolicies/status",
            "ciliumbgpnodeconfigs/status",
        ],
        ["patch"],
    ),
];

const operatorUpdatedCrds = [
    ...ciliumCrds,
    "ciliumbgpclusterconfigs",
    "ciliumbgpnodeconfigoverrides",
    "ciliumgatewayclassconfigs",
]
    .filter((crd, i, all) => all.indexOf(crd) === i)
    .map((crd) => `${crd}.cilium.io`)
    .sort();
const bgpStatusCrds = [
    "ciliumbgpclusterconfigs",
    "ciliumbgppeerconfigs",
    "ciliumbgpadvertisements",
    "ciliumbgpnodeconfigs",
    "ciliumbgpnodeconfigoverrides",
].map((crd) => `${crd}.cilium.io`);

export const operatorRules: Rule[] = [
    rule([""], ["pods"], [...watch, "delete"]),
    rule([""], ["configmaps"], ["patch"], [ciliumConfigName]),
    rule([""], ["nodes"], ["list", "watch"]),
    rule([""], ["nodes", "nodes/status"], ["patch"]),
    rule(["discovery.k8s.io"], ["endpointslices"], watch),
    rule([""], ["services/status"], ["update", "patch"]),
    rule([""], ["namespaces", "secrets", "serviceaccounts"], watch),
    rule([""], ["services"], watch),
    rule(
        ["cilium.io"],
        ["ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies"],
        ["create", "update", "deletecollection", "patch", "get", "list", "watch"],
    ),
    rule(
        ["cilium.io"],
        ["ciliumnetworkpolicies/status", "ciliumclusterwidenetworkpolicies/status"],
        ["patch", "update"],
    ),
    rule(["cilium.io"], ["ciliumendpoints", "ciliumidentities"], ["delete", "list", "watch"]),
    rule(["cilium.io"], ["ciliumidentities"], ["update"]),
    rule(["cilium.io"], ["ciliumnodes"], ["create", "update", "get", "list", "watch", "delete"]),
    rule(["cilium.io"], ["ciliumnodes/status"], ["update"]),
    rule(
        ["cilium.io"],
        [
            "ciliumendpointslices",
            "ciliumenvoyconfigs",
            "ciliumbgpclusterconfigs",
            "ciliumbgpnodeconfigoverrides",
            "ciliumbgppeerconfigs",
            "ciliumbgpadvertisements",
            "ciliumbgpnodeconfigs",
            "ciliumcidrgroups",
        ],
        manage,
    ),
    rule(["cilium.io"], ["ciliumbgpclusterconfigs/status", "ciliumbgppeerconfigs/status"], ["update"]),
    rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], ["create", "get", "list", "watch"]),
    rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], ["update"], operatorUpdatedCrds),
    rule(["apiextensions.k8s.io"], ["customresourcedefinitions/status"], ["update"], bgpStatusCrds),
    rule(
        ["cilium.io"],
        ["ciliumloadbalancerippools", "ciliumpodippools", "ciliumbgppeerconfigs", "ciliumdatapathplugins"],
        watch,
    ),
    rule(["cilium.io"], ["ciliumpodippools"], ["create"]),
    rule(["cilium.io"], ["ciliumloadbalancerippools/status"], ["patch"]),
    rule(["coordination.k8s.io"], ["leases"], ["create", "get", "update"]),
    rule(["cilium.io"], ["ciliumendpointslices"], ["deletecollection"]),
];

export const ciliumAgentName = "cilium";
export const ciliumOperatorName = "cilium-operator";
const labels = (name: string) => nodesLabels(name, "networking");

export function ciliumServiceAccount(name: string): k8s.core.v1.ServiceAccountArgs {
    return { metadata: { name, namespace: kubeSystem, labels: labels(name) } };
}

export function ciliumClusterRole(name: string, rules: Rule[]): k8s.rbac.v1.ClusterRoleArgs {
    return { metadata: { name, labels: labels(name) }, rules };
}

export function ciliumClusterRoleBinding(name: string): k8s.rbac.v1.ClusterRoleBindingArgs {
    return {
        metadata: { name, labels: labels(name) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "ServiceAccount", name, namespace: kubeSystem }],
    };
}

/** The agent's config init container (`cilium-dbg build-config`) reads ConfigMaps of kube-system. */
export const agentConfigRoleName = "cilium-config-agent";

export function ciliumAgentConfigRole(): k8s.rbac.v1.RoleArgs {
    return {
        metadata: { name: agentConfigRoleName, namespace: kubeSystem, labels: labels(ciliumAgentName) },
        rules: [rule([""], ["configmaps"], watch)],
    };
}

export function ciliumAgentConfigRoleBinding(): k8s.rbac.v1.RoleBindingArgs {
    return {
        metadata: { name: agentConfigRoleName, namespace: kubeSystem, labels: labels(ciliumAgentName) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: agentConfigRoleName },
        subjects: [{ kind: "ServiceAccount", name: ciliumAgentName, namespace: kubeSystem }],
    };
}
