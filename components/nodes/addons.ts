import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { images, VersionPins } from "../config";
import { configChecksum } from "../shared/checksum";
import {
    agentRules,
    ciliumAgentConfigRole,
    ciliumAgentConfigRoleBinding,
    ciliumAgentDaemonSet,
    ciliumAgentName,
    ciliumClusterRole,
    ciliumClusterRoleBinding,
    ciliumConfigData,
    ciliumConfigMap,
    ciliumConfigName,
    ciliumOperatorDeployment,
    ciliumOperatorName,
    ciliumServiceAccount,
    operatorRules,
} from "./cilium";
import {
    coreDnsClusterRole,
    coreDnsClusterRoleBinding,
    coreDnsConfigMap,
    coreDnsDeployment,
    coreDnsName,
    coreDnsPodDisruptionBudget,
    coreDnsService,
    coreDnsServiceAccount,
    corefile,
} from "./coreDns";
import { apiEndpoint } from "./joinCommand";
import {
    kubeProxyClusterRoleBinding,
    kubeProxyConfigData,
    kubeProxyConfigMap,
    kubeProxyDaemonSet,
    kubeProxyName,
    kubeProxyServiceAccount,
} from "./kubeProxy";

export interface ClusterAddonsArgs {
    clusterName: string;
    versions: VersionPins;
    /** The API endpoint's public address: kube-proxy and Cilium reach the API there. */
    publicAddress: pulumi.Input<string>;
    podCidr: string;
    serviceCidr: string;
    clusterDomain: string;
}

/**
 * The add-ons every cluster needs, in the user cluster's kube-system: kube-proxy, CoreDNS and the
 * CNI (Cilium). Give it the user cluster's Kubernetes provider (`opts.provider`). Workloads carry
 * `pulumi.com/skipAwait` (as does the DNS Service, which has no endpoints before nodes exist):
 * a first `pulumi up` creates them and returns; they start as nodes join.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gks:index:ClusterAddons", name, args, opts);
        const { clusterName, versions, publicAddress, podCidr, serviceCidr, clusterDomain } = args;
        const image = images(versions);
        const child = { parent: this };
        const after = (...objects: pulumi.Resource[]) => ({ parent: this, dependsOn: objects });

        // kube-proxy
        const apiUrl = pulumi.output(publicAddress).apply((address) => `https://${apiEndpoint(address)}`);
        const proxyArgs = { image: image["kube-proxy"], apiUrl, podCidr };
        const proxyObjects = [
            new k8s.core.v1.ConfigMap(`${name}-kube-proxy`, kubeProxyConfigMap(proxyArgs), child),
            new k8s.core.v1.ServiceAccount(`${name}-kube-proxy`, kubeProxyServiceAccount(), child),
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-kube-proxy`, kubeProxyClusterRoleBinding(), child),
        ];
        const proxyChecksum = apiUrl.apply((url) =>
            configChecksum(
                Object.entries(kubeProxyConfigData(url, podCidr)).map(([key, content]) => ({
                    source: kubeProxyName,
                    key,
                    content,
                })),
            ),
        );
        new k8s.apps.v1.DaemonSet(
            `${name}-kube-proxy`,
            kubeProxyDaemonSet(proxyArgs, proxyChecksum),
            after(...proxyObjects),
        );

        // CoreDNS
        const dnsObjects = [
            new k8s.core.v1.ConfigMap(`${name}-coredns`, coreDnsConfigMap(clusterDomain), child),
            new k8s.core.v1.ServiceAccount(`${name}-coredns`, coreDnsServiceAccount(), child),
            new k8s.rbac.v1.ClusterRole(`${name}-coredns`, coreDnsClusterRole(), child),
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-coredns`, coreDnsClusterRoleBinding(), child),
        ];
        new k8s.core.v1.Service(`${name}-kube-dns`, coreDnsService(serviceCidr), child);
        new k8s.policy.v1.PodDisruptionBudget(`${name}-coredns`, coreDnsPodDisruptionBudget(), child);
        const dnsChecksum = configChecksum([
            { source: coreDnsName, key: "Corefile", content: corefile(clusterDomain) },
        ]);
        new k8s.apps.v1.Deployment(
            `${name}-coredns`,
            coreDnsDeployment({ image: image.coredns, serviceCidr, clusterDomain }, dnsChecksum),
            after(...dnsObjects),
        );

        // Cilium
        const ciliumObjects = [
            new k8s.core.v1.ConfigMap(`${name}-cilium-config`, ciliumConfigMap({ clusterName }), child),
            new k8s.core.v1.ServiceAccount(`${name}-cilium`, ciliumServiceAccount(ciliumAgentName), child),
            new k8s.core.v1.ServiceAccount(`${name}-cilium-operator`, ciliumServiceAccount(ciliumOperatorName), child),
            new k8s.rbac.v1.ClusterRole(`${name}-cilium`, ciliumClusterRole(ciliumAgentName, agentRules), child),
            new k8s.rbac.v1.ClusterRole(
                `${name}-cilium-operator`,
                ciliumClusterRole(ciliumOperatorName, operatorRules),
                child,
            ),
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-cilium`, ciliumClusterRoleBinding(ciliumAgentName), child),
            new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-cilium-operator`,
                ciliumClusterRoleBinding(ciliumOperatorName),
                child,
            ),
            new k8s.rbac.v1.Role(`${name}-cilium-config-agent`, ciliumAgentConfigRole(), child),
            new k8s.rbac.v1.RoleBinding(`${name}-cilium-config-agent`, ciliumAgentConfigRoleBinding(), child),
        ];
        const ciliumChecksum = configChecksum(
            Object.entries(ciliumConfigData({ clusterName })).map(([key, content]) => ({
                source: ciliumConfigName,
                key,
                content,
            })),
        );
        const ciliumArgs = {
            agentImage: image.cilium,
            operatorImage: image["cilium-operator"],
            apiHost: publicAddress,
            configChecksum: ciliumChecksum,
        };
        new k8s.apps.v1.DaemonSet(`${name}-cilium`, ciliumAgentDaemonSet(ciliumArgs), after(...ciliumObjects));
        new k8s.apps.v1.Deployment(
            `${name}-cilium-operator`,
            ciliumOperatorDeployment(ciliumArgs),
            after(...ciliumObjects),
        );
        this.registerOutputs({});
    }
}
