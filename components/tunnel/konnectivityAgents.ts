import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentMode, defaults } from "../config";
import { configChecksum } from "../shared/checksum";
import {
    agentDaemonSet,
    agentDeployment,
    agentPodDisruptionBudget,
    agentSecret,
    agentServiceAccount,
    AgentCertificates,
    agentName,
    agentSecretName,
    kubeletApiClusterRoleBinding,
} from "./konnectivity";

export interface KonnectivityAgentsArgs {
    /** Kubeconfig of the user cluster (a secret): its API is what the agents' objects go to. */
    kubeconfig: pulumi.Input<string>;
    /** The agents' client certificate and key, and the CA that signed the server's --cluster-cert. */
    certificates: AgentCertificates;
    /** The host agents dial; a SAN of the server certificate. */
    proxyServerHost: pulumi.Input<string>;
    proxyServerPort: number;
    /** registry.k8s.io/kas-network-proxy/proxy-agent:<ANP version matching Kubernetes>. */
    image: string;
    mode?: AgentMode;
    /** Agents in Deployment mode (default 2). */
    replicas?: number;
    /** konnectivity-servers (= kube-apiserver replicas); every agent keeps a tunnel to each. */
    serverCount: number;
    keepaliveSeconds?: number;
    /** The user in kube-apiserver's --kubelet-client-certificate, which gets the kubelet API role. */
    kubeletClientUser: string;
}

/**
 * The konnectivity agents in the user cluster's kube-system: they dial out to the public
 * endpoint's tunnel port with mTLS and keep one tunnel to every server, so the control plane
 * reaches the kubelets while the workers expose nothing. Also grants kube-apiserver's kubelet
 * client the kubelet API. Pass `dependsOn: controlPlane`, so that the user cluster's API exists.
 */
export class KonnectivityAgents extends pulumi.ComponentResource {
    /** The Kubernetes provider for the user cluster. */
    public readonly provider: k8s.Provider;
    /** Tunnels the configuration yields: agents x servers (per node x servers in DaemonSet mode). */
    public readonly tunnels: pulumi.Output<number | string>;

    constructor(name: string, args: KonnectivityAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "gks:index:KonnectivityAgents",
            name,
            {
                ...args,
                kubeconfig: pulumi.secret(args.kubeconfig),
                certificates: { ...args.certificates, keyPem: pulumi.secret(args.certificates.keyPem) },
            },
            opts,
        );
        const { certificates, proxyServerHost, proxyServerPort, image, serverCount, kubeletClientUser } = args;
        const mode = args.mode ?? defaults.agentMode;
        const replicas = args.replicas ?? defaults.agentReplicas;
        const keepaliveSeconds = args.keepaliveSeconds ?? defaults.tunnelKeepaliveSeconds;
        if (!Number.isInteger(replicas) || replicas < 1) {
            throw new Error(
                `KonnectivityAgents ${name}: replicas must be a whole number of at least 1 (got ${replicas})`,
            );
        }

        this.provider = new k8s.Provider(
            name,
            { kubeconfig: pulumi.secret(args.kubeconfig), enableServerSideApply: true },
            // Children do not inherit a component's dependsOn; every agent object goes through
            // this provider, so it is where "after the control plane" takes effect.
            { parent: this, dependsOn: opts?.dependsOn },
        );
        const inCluster = { parent: this, provider: this.provider };

        const secret = new k8s.core.v1.Secret(`${name}-certificates`, agentSecret(certificates), inCluster);
        const serviceAccount = new k8s.core.v1.ServiceAccount(name, agentServiceAccount(), inCluster);
        const certificatesChecksum = pulumi
            .all([certificates.caCertPem, certificates.certPem, certificates.keyPem])
            .apply(([ca, cert, key]) =>
                configChecksum([
                    { source: agentSecretName, key: "ca.crt", content: ca },
                    { source: agentSecretName, key: "tls.crt", content: cert },
                    { source: agentSecretName, key: "tls.key", content: key },
                ]),
            );
        const workloadArgs = {
            image,
            mode,
            replicas,
            proxyServerHost,
            proxyServerPort,
            keepaliveSeconds,
            certificatesChecksum,
            secretName: agentSecretName,
            serviceAccountName: agentName,
        };
        const mounted = { ...inCluster, dependsOn: [secret, serviceAccount] };
        if (mode === "daemonset") {
            new k8s.apps.v1.DaemonSet(name, agentDaemonSet(workloadArgs), mounted);
        } else {
            new k8s.apps.v1.Deployment(name, agentDeployment(workloadArgs), mounted);
        }
        new k8s.policy.v1.PodDisruptionBudget(
            name,
            agentPodDisruptionBudget(mode === "daemonset" ? 2 : replicas),
            inCluster,
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-kubelet-api`,
            kubeletApiClusterRoleBinding(kubeletClientUser),
            inCluster,
        );

        this.tunnels = pulumi.output(mode === "daemonset" ? `${serverCount} per node` : replicas * serverCount);
        this.registerOutputs({ tunnels: this.tunnels });
    }
}
