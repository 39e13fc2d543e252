import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { checksumAnnotation } from "../shared/checksum";
import { kubeSystem, nodesLabels, skipAwait } from "./labels";

/**
 * kube-proxy as kubeadm's addon deploys it (phases/addons/proxy/manifests.go), by the same names:
 * ConfigMap `kube-proxy` (config.conf, kubeconfig.conf; `kubeadm join` reads config.conf, so it
 * must be a valid KubeProxyConfiguration), ServiceAccount `kube-proxy` bound to the built-in
 * system:node-proxier, and a privileged host-network DaemonSet on every node.
 *
 * Its kubeconfig names the public endpoint, never the `kubernetes` Service: kube-proxy is what
 * programs that Service, so it cannot depend on it (kubeadm does the same with the control-plane
 * endpoint).
 */
export const kubeProxyName = "kube-proxy";
export const kubeProxyConfigKey = "config.conf";
export const kubeProxyKubeconfigKey = "kubeconfig.conf";
const configDir = "/var/lib/kube-proxy";
const saDir = "/var/run/secrets/kubernetes.io/serviceaccount";
// kubeadm's label beside the recommended ones: tools and policies select kube-proxy by it.
const legacy = { "k8s-app": kubeProxyName };
const labels = () => ({ ...nodesLabels(kubeProxyName, "networking"), ...legacy });

export interface KubeProxyArgs {
    readonly image: string;
    /** https://<public address>:6443 */
    readonly apiUrl: pulumi.Input<string>;
    /** The pod network: traffic from outside it to Services is masqueraded. */
    readonly podCidr: string;
}

export function kubeProxyConfiguration(podCidr: string) {
    return {
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        bindAddress: "0.0.0.0",
        clusterCIDR: podCidr,
        clientConnection: { kubeconfig: `${configDir}/${kubeProxyKubeconfigKey}` },
        mode: "iptables",
        // Metrics on loopback only; health (10256) stays on every address for load balancers.
        metricsBindAddress: "127.0.0.1:10249",
    };
}

export function kubeProxyKubeconfig(apiUrl: string): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "default", cluster: { server: apiUrl, "certificate-authority": `${saDir}/ca.crt` } }],
        contexts: [{ name: "default", context: { cluster: "default", namespace: "default", user: "default" } }],
        "current-context": "default",
        users: [{ name: "default", user: { tokenFile: `${saDir}/token` } }],
    });
}

export function kubeProxyConfigData(apiUrl: string, podCidr: string): Record<string, string> {
    return {
        [kubeProxyConfigKey]: stringify(kubeProxyConfiguration(podCidr)),
        [kubeProxyKubeconfigKey]: kubeProxyKubeconfig(apiUrl),
    };
}

export function kubeProxyConfigMap(args: KubeProxyArgs): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: kubeProxyName, namespace: kubeSystem, labels: labels() },
        data: pulumi.output(args.apiUrl).apply((url) => kubeProxyConfigData(url, args.podCidr)),
    };
}

export function kubeProxyServiceAccount(): k8s.core.v1.ServiceAccountArgs {
    return { metadata: { name: kubeProxyName, namespace: kubeSystem, labels: labels() } };
}

export function kubeProxyClusterRoleBinding(): k8s.rbac.v1.ClusterRoleBindingArgs {
    return {
        metadata: { name: "kubeadm:node-proxier", labels: labels() },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node-proxier" },
        subjects: [{ kind: "ServiceAccount", name: kubeProxyName, namespace: kubeSystem }],
    };
}

export function kubeProxyDaemonSet(
    args: KubeProxyArgs,
    configChecksum: pulumi.Input<string>,
): k8s.apps.v1.DaemonSetArgs {
    return {
        metadata: { name: kubeProxyName, namespace: kubeSystem, labels: labels(), annotations: skipAwait },
        spec: {
            selector: { matchLabels: legacy },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: {
                metadata: { labels: labels(), annotations: { [checksumAnnotation]: configChecksum } },
                spec: {
                    priorityClassName: "system-node-critical",
                    hostNetwork: true,
                    serviceAccountName: kubeProxyName,
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    tolerations: [{ operator: "Exists" }],
                    containers: [
                        {
                            name: kubeProxyName,
                            image: args.image,
                            command: [
                                "/usr/local/bin/kube-proxy",
                                `--config=${configDir}/${kubeProxyConfigKey}`,
                                "--hostname-override=$(NODE_NAME)",
                            ],
                            env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                            // It programs iptables and loads kernel modules on the node.
                            securityContext: { privileged: true },
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                            livenessProbe: {
                                httpGet: { host: "127.0.0.1", path: "/livez", port: 10256 },
                                initialDelaySeconds: 15,
                                periodSeconds: 10,
                            },
                            volumeMounts: [
                                { name: "kube-proxy", mountPath: configDir },
                                { name: "xtables-lock", mountPath: "/run/xtables.lock" },
                                { name: "lib-modules", mountPath: "/lib/modules", readOnly: true },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "kube-proxy", configMap: { name: kubeProxyName } },
                        { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                        { name: "lib-modules", hostPath: { path: "/lib/modules" } },
                    ],
                },
            },
        },
    };
}
