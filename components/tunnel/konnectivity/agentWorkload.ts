import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentMode, apiserverPort, ServerCounting } from "../../config";
import { agentAdminPort, agentCertDir, agentFlags, agentHealthPort } from "./agentFlags";
import { checksumAnnotation } from "../../shared/checksum";
import { agentLabels, agentName, agentNamespace, agentSelector } from "./labels";

export interface AgentWorkloadArgs {
    readonly image: string;
    readonly mode: AgentMode;
    readonly replicas: number;
    readonly proxyServerHost: pulumi.Input<string>;
    readonly proxyServerPort: number;
    /** The user cluster's public API address, which the agents' in-cluster client uses (leases). */
    readonly apiHost: pulumi.Input<string>;
    readonly keepaliveSeconds: number;
    readonly serverCounting: ServerCounting;
    /** Checksum of the certificates the agent mounts (it loads them only at start), so a rotation rolls it. */
    readonly certificatesChecksum: pulumi.Input<string>;
    readonly secretName: string;
    readonly serviceAccountName: string;
}

const nonRootUser = 65532; // gcr.io/distroless/static-debian12:nonroot, the proxy-agent base image

function podSpec(args: AgentWorkloadArgs, flags: pulumi.Input<string[]>): k8s.types.input.core.v1.PodSpec {
    const daemonset = args.mode === "daemonset";
    return {
        serviceAccountName: args.serviceAccountName,
        // mTLS is the agent's credential towards the servers. With lease counting it also lists
        // the servers' leases in the user cluster's API, as its service account (RBAC: leases.ts).
        automountServiceAccountToken: args.serverCounting === "leases",
        priorityClassName: "system-cluster-critical",
        // Host network, and not-ready nodes tolerated: the tunnel must not depend on the CNI, because
        // `kubectl logs` of a broken CNI's pods travels through it. It dials out with the node's own
        // address; anti-affinity (or the DaemonSet) keeps its ports to one agent per node.
        hostNetwork: true,
        tolerations: daemonset
            ? [{ operator: "Exists" }] // one per node, whatever the node's taints
            : [
                  { key: "CriticalAddonsOnly", operator: "Exists" },
                  { key: "node.kubernetes.io/not-ready", operator: "Exists" },
              ],
        affinity: daemonset
            ? undefined
            : {
                  podAntiAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: [
                          { labelSelector: { matchLabels: agentSelector() }, topologyKey: "kubernetes.io/hostname" },
                      ],
                      preferredDuringSchedulingIgnoredDuringExecution: [
                          {
                              weight: 100,
                              podAffinityTerm: {
                                  labelSelector: { matchLabels: agentSelector() },
                                  topologyKey: "topology.kubernetes.io/zone",
                              },
                          },
                      ],
                  },
              },
        securityContext: {
            runAsNonRoot: true,
            runAsUser: nonRootUser,
            runAsGroup: nonRootUser,
            fsGroup: nonRootUser,
            seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
            {
                name: agentName,
                image: args.image,
                command: ["/proxy-agent"],
                args: flags,
                env: [
                    { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
                    // The lease informer's in-cluster client takes the API from these: the public
                    // endpoint, as the agents' own path, so that counting needs neither kube-proxy nor the CNI.
                    ...(args.serverCounting === "leases"
                        ? [
                              { name: "KUBERNETES_SERVICE_HOST", value: args.apiHost },
                              { name: "KUBERNETES_SERVICE_PORT", value: String(apiserverPort) },
                          ]
                        : []),
                ],
                ports: [
                    { name: "health", containerPort: agentHealthPort, protocol: "TCP" },
                    { name: "admin", containerPort: agentAdminPort, protocol: "TCP" },
                ],
                livenessProbe: {
                    httpGet: { path: "/healthz", port: agentHealthPort, scheme: "HTTP" },
                    initialDelaySeconds: 15,
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 3,
                },
                // Ready = at least one server connected.
                readinessProbe: {
                    httpGet: { path: "/readyz", port: agentHealthPort, scheme: "HTTP" },
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                },
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [{ name: "certificates", mountPath: agentCertDir, readOnly: true }],
            },
        ],
        volumes: [{ name: "certificates", secret: { secretName: args.secretName, defaultMode: 0o440 } }],
    };
}

function metadata(): k8s.types.input.meta.v1.ObjectMeta {
    return {
        name: agentName,
        namespace: agentNamespace,
        labels: agentLabels(),
        // Workers join after the cluster exists; awaiting ready agents would block the first update.
        annotations: { "pulumi.com/skipAwait": "true" },
    };
}

function template(args: AgentWorkloadArgs): k8s.types.input.core.v1.PodTemplateSpec {
    const flags = pulumi.output(args.proxyServerHost).apply((proxyServerHost) =>
        agentFlags({
            proxyServerHost,
            proxyServerPort: args.proxyServerPort,
            keepaliveSeconds: args.keepaliveSeconds,
            mode: args.mode,
            serverCounting: args.serverCounting,
        }),
    );
    return {
        metadata: { labels: agentLabels(), annotations: { [checksumAnnotation]: args.certificatesChecksum } },
        spec: podSpec(args, flags),
    };
}

/** The agents as a Deployment: `replicas` agents, one per node. */
export function agentDeployment(args: AgentWorkloadArgs): k8s.apps.v1.DeploymentArgs {
    return {
        metadata: metadata(),
        spec: {
            replicas: args.replicas,
            selector: { matchLabels: agentSelector() },
            // No surge: with one agent per node a surge pod would need a spare node.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
            template: template(args),
        },
    };
}

/** The agents as a DaemonSet: one per node, each announcing its node's address. */
export function agentDaemonSet(args: AgentWorkloadArgs): k8s.apps.v1.DaemonSetArgs {
    return {
        metadata: metadata(),
        spec: {
            selector: { matchLabels: agentSelector() },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: template(args),
        },
    };
}
