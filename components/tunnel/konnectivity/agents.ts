import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentMode, defaults, ServerCounting } from "../../config";
import { configChecksum } from "../../shared/checksum";
import {
    AgentCertificates,
    agentPodDisruptionBudget,
    agentSecret,
    agentSecretName,
    agentServiceAccount,
} from "./agentObjects";
import { agentDaemonSet, agentDeployment } from "./agentWorkload";
import { agentName } from "./labels";
import { agentLeasesRole, agentLeasesRoleBinding, serverLeasesRole, serverLeasesRoleBinding } from "./leases";

export interface KonnectivityAgentsArgs {
    /** The user cluster's Kubernetes provider: every agent object goes through it. */
    provider: k8s.Provider;
    /** The agents' client certificate and key, and the CA that signed the server's --cluster-cert. */
    certificates: AgentCertificates;
    /** The host agents dial; a SAN of the server certificate. */
    proxyServerHost: pulumi.Input<string>;
    proxyServerPort: number;
    /** The user cluster's public API address: with lease counting the agents list leases there, not through the CNI. */
    apiHost: pulumi.Input<string>;
    /** registry.k8s.io/kas-network-proxy/proxy-agent:<ANP version matching Kubernetes>. */
    image: string;
    mode?: AgentMode;
    /** Agents in Deployment mode (default 2). */
    replicas?: number;
    /** konnectivity-servers (= kube-apiserver replicas); every agent keeps a tunnel to each. */
    serverCount: number;
    keepaliveSeconds?: number;
    /** How agents count the servers (default leases): with leases, the RBAC for both ends too. */
    serverCounting?: ServerCounting;
}

/**
 * The konnectivity agents in the user cluster's kube-system: they dial out to the public
 * endpoint's tunnel port with mTLS and keep one tunnel to every server, so the control plane
 * reaches the kubelets while the workers expose nothing. Give it the user cluster's provider,
 * created after the control plane it talks to.
 */
export class KonnectivityAgents extends pulumi.ComponentResource {
    /** Tunnels the configuration yields: agents x servers (per node x servers in DaemonSet mode). */
    public readonly tunnels: pulumi.Output<number | string>;

    constructor(name: string, args: KonnectivityAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
        const { provider, ...stored } = args;
        super(
            "gks:index:KonnectivityAgents",
            name,
            { ...stored, certificates: { ...args.certificates, keyPem: pulumi.secret(args.certificates.keyPem) } },
            opts,
        );
        const { certificates, proxyServerHost, proxyServerPort, apiHost, image, serverCount } = args;
        const mode = args.mode ?? defaults.agentMode;
        const replicas = args.replicas ?? defaults.agentReplicas;
        const keepaliveSeconds = args.keepaliveSeconds ?? defaults.tunnelKeepaliveSeconds;
        const serverCounting = args.serverCounting ?? defaults.tunnelServerCounting;
        if (!Number.isInteger(replicas) || replicas < 1) {
            throw new Error(
                `KonnectivityAgents ${name}: replicas must be a whole number of at least 1 (got ${replicas})`,
            );
        }

        const inCluster = { parent: this, provider };

        const secret = new k8s.core.v1.Secret(`${name}-certificates`, agentSecret(certificates), inCluster);
        const serviceAccount = new k8s.core.v1.ServiceAccount(name, agentServiceAccount(), inCluster);
        // Leases: the servers write theirs, the agents read them; both need their Role first
        // (an agent waits at start until it could list the leases once).
        const leaseAccess =
            serverCounting === "leases"
                ? [
                      new k8s.rbac.v1.Role(`${name}-server-leases`, serverLeasesRole(), inCluster),
                      new k8s.rbac.v1.RoleBinding(`${name}-server-leases`, serverLeasesRoleBinding(), inCluster),
                      new k8s.rbac.v1.Role(`${name}-agent-leases`, agentLeasesRole(), inCluster),
                      new k8s.rbac.v1.RoleBinding(`${name}-agent-leases`, agentLeasesRoleBinding(), inCluster),
                  ]
                : [];
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
            apiHost,
            keepaliveSeconds,
            serverCounting,
            certificatesChecksum,
            secretName: agentSecretName,
            serviceAccountName: agentName,
        };
        const mounted = { ...inCluster, dependsOn: [secret, serviceAccount, ...leaseAccess] };
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

        this.tunnels = pulumi.output(mode === "daemonset" ? `${serverCount} per node` : replicas * serverCount);
        this.registerOutputs({ tunnels: this.tunnels });
    }
}
