import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { apiserverPort } from "../../config";
import { checksumAnnotation } from "../../shared/checksum";
import { kubeSystem, nodesLabels, skipAwait } from "../labels";
import { ciliumConfigName } from "./config";
import { ciliumAgentName, ciliumOperatorName } from "./rbac";

/**
 * The agent DaemonSet and the operator Deployment, as the v1.20.2 chart renders them for this
 * configuration (cilium-agent/daemonset.yaml, cilium-operator/deployment.yaml): init containers
 * that build the config, mount the cgroup2 and BPF filesystems, fix sysctls, clean stale state and
 * install the CNI binary; then the agent with the capabilities it needs. Both run on the host
 * network and reach the API at the public endpoint (KUBERNETES_SERVICE_HOST/PORT): the CNI comes
 * before the pod network and the `kubernetes` Service that kube-proxy programs.
 */
type Container = k8s.types.input.core.v1.Container;
type Env = k8s.types.input.core.v1.EnvVar;

export interface CiliumWorkloadArgs {
    readonly agentImage: string;
    readonly operatorImage: string;
    /** The public address kube-apiserver serves at. */
    readonly apiHost: pulumi.Input<string>;
    readonly configChecksum: pulumi.Input<string>;
}

// The chart's selector labels: immutable, and what Cilium's own tooling (cilium status) selects.
const agentSelector = { "k8s-app": "cilium" };
const operatorSelector = { "io.cilium/app": "operator", name: ciliumOperatorName };
const agentLabels = () => ({ ...nodesLabels("cilium-agent", "networking"), ...agentSelector });
const operatorLabels = () => ({ ...nodesLabels(ciliumOperatorName, "networking"), ...operatorSelector });

const fieldEnv = (name: string, fieldPath: string): Env => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const apiEnv = (apiHost: pulumi.Input<string>): Env[] => [
    { name: "KUBERNETES_SERVICE_HOST", value: apiHost },
    { name: "KUBERNETES_SERVICE_PORT", value: String(apiserverPort) },
];
const nodeEnv = [fieldEnv("K8S_NODE_NAME", "spec.nodeName"), fieldEnv("CILIUM_K8S_NAMESPACE", "metadata.namespace")];
const spcT = { seLinuxOptions: { level: "s0", type: "spc_t" } };
const caps = (add: string[]) => ({ capabilities: { add, drop: ["ALL"] } });
const hostPath = (name: string, path: string, type?: string) => ({
    name,
    hostPath: { path, ...(type ? { type } : {}) },
});
const healthProbe = (extra: Record<string, unknown>, headers: { name: string; value: string }[]) => ({
    httpGet: { host: "127.0.0.1", path: "/healthz", port: "health", scheme: "HTTP", httpHeaders: headers },
    ...extra,
});
const brief = { name: "brief", value: "true" };

function initContainers(args: CiliumWorkloadArgs): Container[] {
    const image = args.agentImage;
    const fallback = { terminationMessagePolicy: "FallbackToLogsOnError" };
    const onHost = (name: string, binary: string, script: string, env: Env[]): Container => ({
        name,
        image,
        env: [...env, { name: "BIN_PATH", value: "/opt/cni/bin" }],
        command: ["bash", "-ec", `cp /usr/bin/${binary} /hostbin/${binary};\n${script};\nrm /hostbin/${binary}\n`],
        volumeMounts: [
            { name: "hostproc", mountPath: "/hostproc" },
            { name: "cni-path", mountPath: "/hostbin" },
        ],
        securityContext: { ...spcT, ...caps(["SYS_ADMIN", "SYS_CHROOT", "SYS_PTRACE"]) },
        ...fallback,
    });
    const optionalConfig = (name: string, key: string): Env => ({
        name,
        valueFrom: { configMapKeyRef: { name: ciliumConfigName, key, optional: true } },
    });
    return [
        {
            name: "config",
            image,
            command: ["cilium-dbg", "build-config", "--k8s-api-server-urls="],
            env: [...nodeEnv, ...apiEnv(args.apiHost)],
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            securityContext: caps(["NET_ADMIN"]),
            ...fallback,
        },
        onHost(
            "mount-cgroup",
            "cilium-mount",
            'nsenter --cgroup=/hostproc/1/ns/cgroup --mount=/hostproc/1/ns/mnt "${BIN_PATH}/cilium-mount" $CGROUP_ROOT',
            [{ name: "CGROUP_ROOT", value: "/run/cilium/cgroupv2" }],
        ),
        onHost(
            "apply-sysctl-overwrites",
            "cilium-sysctlfix",
            'nsenter --mount=/hostproc/1/ns/mnt "${BIN_PATH}/cilium-sysctlfix"',
            [],
        ),
        {
            name: "mount-bpf-fs",
            image,
            command: ["/bin/bash", "-c", "--"],
            args: ['mount | grep "/sys/fs/bpf type bpf" || mount -t bpf bpf /sys/fs/bpf'],
            securityContext: { privileged: true },
            volumeMounts: [{ name: "bpf-maps", mountPath: "/sys/fs/bpf", mountPropagation: "Bidirectional" }],
            ...fallback,
        },
        {
            name: "clean-cilium-state",
            image,
            command: ["/init-container.sh"],
            env: [
                optionalConfig("CILIUM_ALL_STATE", "clean-cilium-state"),
                optionalConfig("CILIUM_BPF_STATE", "clean-cilium-bpf-state"),
                optionalConfig("WRITE_CNI_CONF_WHEN_READY", "write-cni-conf-when-ready"),
                ...apiEnv(args.apiHost),
            ],
            securityContext: { ...spcT, ...caps(["NET_ADMIN", "SYS_MODULE", "SYS_ADMIN", "SYS_RESOURCE"]) },
            volumeMounts: [
                { name: "bpf-maps", mountPath: "/sys/fs/bpf" },
                { name: "cilium-cgroup", mountPath: "/run/cilium/cgroupv2", mountPropagation: "HostToContainer" },
                { name: "cilium-run", mountPath: "/var/run/cilium" },
            ],
            ...fallback,
        },
        {
            name: "install-cni-binaries",
            image,
            command: ["/install-plugin.sh"],
            resources: { requests: { cpu: "100m", memory: "10Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            securityContext: { ...spcT, capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ name: "cni-path", mountPath: "/host/opt/cni/bin" }],
            ...fallback,
        },
    ];
}

function agentContainer(args: CiliumWorkloadArgs): Container {
    return {
        name: "cilium-agent",
        image: args.agentImage,
        command: ["cilium-agent"],
        args: ["--config-dir=/tmp/cilium/config-map"],
        startupProbe: healthProbe(
            { failureThreshold: 300, periodSeconds: 2, successThreshold: 1, initialDelaySeconds: 5 },
            [brief],
        ),
        livenessProbe: healthProbe(
            { periodSeconds: 30, successThreshold: 1, failureThreshold: 10, timeoutSeconds: 5 },
            [brief, { name: "require-k8s-connectivity", value: "false" }],
        ),
        readinessProbe: healthProbe(
            { periodSeconds: 30, successThreshold: 1, failureThreshold: 3, timeoutSeconds: 5 },
            [brief],
        ),
        env: [
            ...nodeEnv,
            { name: "GOMEMLIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1" } } },
            ...apiEnv(args.apiHost),
            { name: "KUBE_CLIENT_BACKOFF_BASE", value: "1" },
            { name: "KUBE_CLIENT_BACKOFF_DURATION", value: "120" },
        ],
        lifecycle: { preStop: { exec: { command: ["/cni-uninstall.sh"] } } },
        ports: [{ name: "health", containerPort: 9879, hostPort: 9879, protocol: "TCP" }],
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
        securityContext: {
            ...spcT,
            ...caps([
                "CHOWN",
                "KILL",
                "NET_ADMIN",
                "NET_RAW",
                "IPC_LOCK",
                "SYS_MODULE",
                "SYS_ADMIN",
                "SYS_RESOURCE",
                "DAC_OVERRIDE",
                "FOWNER",
                "SETGID",
                "SETUID",
                "SYSLOG",
            ]),
        },
        terminationMessagePolicy: "FallbackToLogsOnError",
        volumeMounts: [
            { name: "host-proc-sys-net", mountPath: "/host/proc/sys/net" },
            { name: "host-proc-sys-kernel", mountPath: "/host/proc/sys/kernel" },
            { name: "bpf-maps", mountPath: "/sys/fs/bpf", mountPropagation: "HostToContainer" },
            { name: "cilium-run", mountPath: "/var/run/cilium" },
            { name: "cilium-netns", mountPath: "/var/run/cilium/netns", mountPropagation: "HostToContainer" },
            { name: "etc-cni-netd", mountPath: "/host/etc/cni/net.d" },
            { name: "lib-modules", mountPath: "/lib/modules", readOnly: true },
            { name: "xtables-lock", mountPath: "/run/xtables.lock" },
            { name: "tmp", mountPath: "/tmp" },
        ],
    };
}

export function ciliumAgentDaemonSet(args: CiliumWorkloadArgs): k8s.apps.v1.DaemonSetArgs {
    return {
        metadata: { name: ciliumAgentName, namespace: kubeSystem, labels: agentLabels(), annotations: skipAwait },
        spec: {
            selector: { matchLabels: agentSelector },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } },
            template: {
                metadata: {
                    labels: agentLabels(),
                    annotations: {
                        "kubectl.kubernetes.io/default-container": "cilium-agent",
                        [checksumAnnotation]: args.configChecksum,
                    },
                },
                spec: {
                    securityContext: {
                        appArmorProfile: { type: "Unconfined" },
                        seccompProfile: { type: "Unconfined" },
                    },
                    initContainers: initContainers(args),
                    containers: [agentContainer(args)],
                    priorityClassName: "system-node-critical",
                    serviceAccountName: ciliumAgentName,
                    terminationGracePeriodSeconds: 1,
                    hostNetwork: true,
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    tolerations: [{ operator: "Exists" }],
                    volumes: [
                        { name: "tmp", emptyDir: {} },
                        hostPath("cilium-run", "/var/run/cilium", "DirectoryOrCreate"),
                        hostPath("cilium-netns", "/var/run/netns", "DirectoryOrCreate"),
                        hostPath("bpf-maps", "/sys/fs/bpf", "DirectoryOrCreate"),
                        hostPath("hostproc", "/proc", "Directory"),
                        hostPath("cilium-cgroup", "/run/cilium/cgroupv2", "DirectoryOrCreate"),
                        hostPath("cni-path", "/opt/cni/bin", "DirectoryOrCreate"),
                        hostPath("etc-cni-netd", "/etc/cni/net.d", "DirectoryOrCreate"),
                        hostPath("lib-modules", "/lib/modules"),
                        hostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                        hostPath("host-proc-sys-net", "/proc/sys/net", "Directory"),
                        hostPath("host-proc-sys-kernel", "/proc/sys/kernel", "Directory"),
                    ],
                },
            },
        },
    };
}

export function ciliumOperatorDeployment(args: CiliumWorkloadArgs): k8s.apps.v1.DeploymentArgs {
    const probe = (extra: Record<string, unknown>) => ({
        httpGet: { host: "127.0.0.1", path: "/healthz", port: "health", scheme: "HTTP" },
        timeoutSeconds: 3,
        ...extra,
    });
    return {
        metadata: { name: ciliumOperatorName, namespace: kubeSystem, labels: operatorLabels(), annotations: skipAwait },
        spec: {
            replicas: 2,
            selector: { matchLabels: operatorSelector },
            // Host network, one per node: a rollout frees a node before it starts the next.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
            template: {
                metadata: { labels: operatorLabels(), annotations: { [checksumAnnotation]: args.configChecksum } },
                spec: {
                    securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: ciliumOperatorName,
                            image: args.operatorImage,
                            command: ["cilium-operator-generic"],
                            args: ["--config-dir=/tmp/cilium/config-map", "--debug=$(CILIUM_DEBUG)"],
                            env: [
                                ...nodeEnv,
                                {
                                    name: "CILIUM_DEBUG",
                                    valueFrom: {
                                        configMapKeyRef: { key: "debug", name: ciliumConfigName, optional: true },
                                    },
                                },
                                ...apiEnv(args.apiHost),
                            ],
                            ports: [{ name: "health", containerPort: 9234, hostPort: 9234 }],
                            livenessProbe: probe({ initialDelaySeconds: 60, periodSeconds: 10 }),
                            readinessProbe: probe({ initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 5 }),
                            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                            volumeMounts: [
                                { name: "cilium-config-path", mountPath: "/tmp/cilium/config-map", readOnly: true },
                            ],
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                            terminationMessagePolicy: "FallbackToLogsOnError",
                        },
                    ],
                    hostNetwork: true,
                    priorityClassName: "system-cluster-critical",
                    serviceAccountName: ciliumOperatorName,
                    affinity: {
                        podAntiAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    labelSelector: { matchLabels: { "io.cilium/app": "operator" } },
                                    topologyKey: "kubernetes.io/hostname",
                                },
                            ],
                        },
                    },
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    tolerations: [
                        { key: "node.kubernetes.io/not-ready", operator: "Exists" },
                        { key: "node.cloudprovider.kubernetes.io/uninitialized", operator: "Exists" },
                        { key: "node.cilium.io/agent-not-ready", operator: "Exists" },
                    ],
                    volumes: [{ name: "cilium-config-path", configMap: { name: ciliumConfigName } }],
                },
            },
        },
    };
}
