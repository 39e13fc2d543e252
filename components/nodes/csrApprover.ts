import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { apiserverPort } from "../config";
import { kubeSystem, nodesLabels, selectorLabels, skipAwait } from "./labels";

/**
 * postfinance/kubelet-csr-approver (v1.2.14, flags from internal/cmd/cmd.go at that tag) approves
 * the kubelets' serving-certificate CSRs (signer kubernetes.io/kubelet-serving), which the
 * controller-manager's approver leaves alone; the controller-manager then signs them with the
 * cluster CA that kube-apiserver's --kubelet-certificate-authority trusts. It approves a CSR only
 * when the requester is `system:node:<name>`, the CN matches, every DNS SAN starts with the node
 * name and matches --provider-regex, and every IP SAN lies in --provider-ip-prefixes (the worker
 * subnet); it denies the rest. DNS resolution is bypassed: worker names need not be in any DNS.
 *
 * It runs on the host network and reaches the API at the public endpoint, and it tolerates
 * not-ready nodes: serving certificates are what `kubectl logs` and `exec` need, so the approver
 * must work while the CNI (or kube-proxy) does not, or nobody could read the CNI's logs.
 */
export const csrApproverName = "kubelet-csr-approver";
const labels = () => nodesLabels(csrApproverName, "certificates");
const meta = () => ({ name: csrApproverName, namespace: kubeSystem, labels: labels() });
const healthPort = 8081;
/** Any lower-case DNS name: the node-name prefix check is the one that binds a name to its node. */
export const nodeNameRegex = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

export interface CsrApproverArgs {
    readonly image: string;
    /** The public address kube-apiserver serves at (a SAN of its certificate). */
    readonly apiHost: pulumi.Input<string>;
    /** Where kubelets' IP SANs must lie: the worker subnet. */
    readonly nodeCidrs: readonly string[];
}

export function csrApproverFlags(nodeCidrs: readonly string[]): string[] {
    return [
        `--provider-regex=${nodeNameRegex}`,
        `--provider-ip-prefixes=${nodeCidrs.join(",")}`,
        "--bypass-dns-resolution=true",
        "--allowed-dns-names=1",
        "--leader-election=true",
        // Metrics off: on the host network they would listen on the node's address.
        "--metrics-bind-address=0",
        `--health-probe-bind-address=:${healthPort}`,
    ];
}

export function csrApproverServiceAccount(): k8s.core.v1.ServiceAccountArgs {
    return { metadata: meta() };
}

/** What the chart's ClusterRole grants for CSRs; leader election gets a Role in kube-system instead. */
export function csrApproverClusterRole(): k8s.rbac.v1.ClusterRoleArgs {
    return {
        metadata: { name: csrApproverName, labels: labels() },
        rules: [
            {
                apiGroups: ["certificates.k8s.io"],
                resources: ["certificatesigningrequests"],
                verbs: ["get", "list", "watch"],
            },
            {
                apiGroups: ["certificates.k8s.io"],
                resources: ["certificatesigningrequests/approval"],
                verbs: ["update"],
            },
            {
                apiGroups: ["certificates.k8s.io"],
                resources: ["signers"],
                resourceNames: ["kubernetes.io/kubelet-serving"],
                verbs: ["approve"],
            },
        ],
    };
}

export function csrApproverClusterRoleBinding(): k8s.rbac.v1.ClusterRoleBindingArgs {
    return {
        metadata: { name: csrApproverName, labels: labels() },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: csrApproverName },
        subjects: [{ kind: "ServiceAccount", name: csrApproverName, namespace: kubeSystem }],
    };
}

/** Leader election: its Lease (named after it) in kube-system, and events about it. */
export function csrApproverRole(): k8s.rbac.v1.RoleArgs {
    return {
        metadata: meta(),
        rules: [
            { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
            {
                apiGroups: ["coordination.k8s.io"],
                resources: ["leases"],
                resourceNames: [csrApproverName],
                verbs: ["get", "update"],
            },
            { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
        ],
    };
}

export function csrApproverRoleBinding(): k8s.rbac.v1.RoleBindingArgs {
    return {
        metadata: meta(),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: csrApproverName },
        subjects: [{ kind: "ServiceAccount", name: csrApproverName, namespace: kubeSystem }],
    };
}

export function csrApproverPodDisruptionBudget(): k8s.policy.v1.PodDisruptionBudgetArgs {
    return {
        metadata: meta(),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(csrApproverName) } },
    };
}

export function csrApproverDeployment(args: CsrApproverArgs): k8s.apps.v1.DeploymentArgs {
    return {
        metadata: { ...meta(), annotations: skipAwait },
        spec: {
            replicas: 2,
            selector: { matchLabels: selectorLabels(csrApproverName) },
            // Host network: one per node, so a rollout frees a node before it starts the next.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
            template: {
                metadata: { labels: labels() },
                spec: {
                    serviceAccountName: csrApproverName,
                    priorityClassName: "system-cluster-critical",
                    hostNetwork: true,
                    tolerations: [
                        { key: "CriticalAddonsOnly", operator: "Exists" },
                        { key: "node.kubernetes.io/not-ready", operator: "Exists" },
                    ],
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 100,
                                    podAffinityTerm: {
                                        labelSelector: { matchLabels: selectorLabels(csrApproverName) },
                                        topologyKey: "kubernetes.io/hostname",
                                    },
                                },
                            ],
                        },
                    },
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: 65532,
                        runAsGroup: 65532,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: csrApproverName,
                            image: args.image,
                            args: csrApproverFlags(args.nodeCidrs),
                            // In-cluster config, pointed at the public endpoint instead of the
                            // `kubernetes` Service, which needs kube-proxy and the CNI.
                            env: [
                                { name: "KUBERNETES_SERVICE_HOST", value: args.apiHost },
                                { name: "KUBERNETES_SERVICE_PORT", value: String(apiserverPort) },
                            ],
                            ports: [{ name: "health", containerPort: healthPort, protocol: "TCP" }],
                            livenessProbe: { httpGet: { path: "/healthz", port: healthPort } },
                            resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { drop: ["ALL"] },
                            },
                        },
                    ],
                },
            },
        },
    };
}
