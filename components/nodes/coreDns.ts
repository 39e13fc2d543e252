import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checksumAnnotation } from "../shared/checksum";
import { clusterDnsAddress } from "./kubeletConfig";
import { kubeSystem, nodesLabels, skipAwait } from "./labels";

/**
 * CoreDNS as kubeadm's addon deploys it (phases/addons/dns/manifests.go at v1.35-v1.37): the
 * Service `kube-dns` at the cluster DNS address the kubelet config names, the Deployment
 * `coredns`, its Corefile, ServiceAccount and the `system:coredns` role. Objects keep kubeadm's
 * `k8s-app: kube-dns` label beside the recommended ones: NetworkPolicies that admit DNS commonly
 * select it. Plus a PodDisruptionBudget, so that a drain never takes both replicas.
 */
export const coreDnsName = "coredns";
export const coreDnsServiceName = "kube-dns";
export const coreDnsReplicas = 2;
const legacy = { "k8s-app": "kube-dns" };
const labels = () => ({ ...nodesLabels(coreDnsName, "dns"), ...legacy });
const meta = (name: string) => ({ name, namespace: kubeSystem, labels: labels() });

export interface CoreDnsArgs {
    readonly image: string;
    readonly serviceCidr: string;
    readonly clusterDomain: string;
}

/** kubeadm's Corefile: cluster names from the API, everything else to the node's resolvers. */
export function corefile(clusterDomain: string): string {
    return [
        ".:53 {",
        "    errors",
        "    health {",
        "       lameduck 5s",
        "    }",
        "    ready",
        `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
        "       pods insecure",
        "       fallthrough in-addr.arpa ip6.arpa",
        "       ttl 30",
        "    }",
        "    prometheus :9153",
        "    forward . /etc/resolv.conf {",
        "       max_concurrent 1000",
        "    }",
        "    cache 30 {",
        `       disable success ${clusterDomain}`,
        `       disable denial ${clusterDomain}`,
        "    }",
        "    loop",
        "    reload",
        "    loadbalance",
        "}",
        "",
    ].join("\n");
}

export function coreDnsConfigMap(clusterDomain: string): k8s.core.v1.ConfigMapArgs {
    return { metadata: meta(coreDnsName), data: { Corefile: corefile(clusterDomain) } };
}

export function coreDnsServiceAccount(): k8s.core.v1.ServiceAccountArgs {
    return { metadata: meta(coreDnsName) };
}

export function coreDnsClusterRole(): k8s.rbac.v1.ClusterRoleArgs {
    return {
        metadata: { name: "system:coredns", labels: labels() },
        rules: [
            { apiGroups: [""], resources: ["endpoints", "services", "pods", "namespaces"], verbs: ["list", "watch"] },
            { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
        ],
    };
}

export function coreDnsClusterRoleBinding(): k8s.rbac.v1.ClusterRoleBindingArgs {
    return {
        metadata: { name: "system:coredns", labels: labels() },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
        subjects: [{ kind: "ServiceAccount", name: coreDnsName, namespace: kubeSystem }],
    };
}

/** The Service at the tenth address of the service network (skipAwait: no endpoints before nodes). */
export function coreDnsService(serviceCidr: string): k8s.core.v1.ServiceArgs {
    return {
        metadata: {
            ...meta(coreDnsServiceName),
            annotations: { ...skipAwait, "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
        },
        spec: {
            clusterIP: clusterDnsAddress(serviceCidr),
            selector: legacy,
            ports: [
                { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
                { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
                { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
            ],
        },
    };
}

export function coreDnsPodDisruptionBudget(): k8s.policy.v1.PodDisruptionBudgetArgs {
    return { metadata: meta(coreDnsName), spec: { minAvailable: 1, selector: { matchLabels: legacy } } };
}

export function coreDnsDeployment(args: CoreDnsArgs, configChecksum: pulumi.Input<string>): k8s.apps.v1.DeploymentArgs {
    return {
        metadata: { ...meta(coreDnsName), annotations: skipAwait },
        spec: {
            replicas: coreDnsReplicas,
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            selector: { matchLabels: legacy },
            template: {
                metadata: { labels: labels(), annotations: { [checksumAnnotation]: configChecksum } },
                spec: {
                    priorityClassName: "system-cluster-critical",
                    serviceAccountName: coreDnsName,
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 100,
                                    podAffinityTerm: {
                                        labelSelector: { matchLabels: legacy },
                                        topologyKey: "kubernetes.io/hostname",
                                    },
                                },
                            ],
                        },
                    },
                    tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    // The node's resolvers, not itself, for names outside the cluster.
                    dnsPolicy: "Default",
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: coreDnsName,
                            image: args.image,
                            args: ["-conf", "/etc/coredns/Corefile"],
                            resources: { requests: { cpu: "100m", memory: "70Mi" }, limits: { memory: "170Mi" } },
                            ports: [
                                { name: "dns", containerPort: 53, protocol: "UDP" },
                                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                                { name: "metrics", containerPort: 9153, protocol: "TCP" },
                                { name: "liveness-probe", containerPort: 8080, protocol: "TCP" },
                                { name: "readiness-probe", containerPort: 8181, protocol: "TCP" },
                            ],
                            livenessProbe: {
                                httpGet: { path: "/health", port: "liveness-probe", scheme: "HTTP" },
                                initialDelaySeconds: 60,
                                timeoutSeconds: 5,
                                successThreshold: 1,
                                failureThreshold: 5,
                            },
                            readinessProbe: { httpGet: { path: "/ready", port: "readiness-probe", scheme: "HTTP" } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                                readOnlyRootFilesystem: true,
                            },
                            volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
                        },
                    ],
                    volumes: [
                        {
                            name: "config-volume",
                            configMap: { name: coreDnsName, items: [{ key: "Corefile", path: "Corefile" }] },
                        },
                    ],
                },
            },
        },
    };
}
