import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { agentLabels, agentName, agentNamespace, agentSelector } from "./labels";

export interface AgentCertificates {
    /** The CA that signed the server's --cluster-cert: the agents' --ca-cert. */
    readonly caCertPem: pulumi.Input<string>;
    readonly certPem: pulumi.Input<string>;
    readonly keyPem: pulumi.Input<string>;
}

export const agentSecretName = `${agentName}-certificates`;

/** The agents' certificates. The whole data map is a secret. */
export function agentSecret(certs: AgentCertificates): k8s.core.v1.SecretArgs {
    return {
        metadata: { name: agentSecretName, namespace: agentNamespace, labels: agentLabels() },
        type: "kubernetes.io/tls",
        stringData: pulumi.secret(
            pulumi.all([certs.caCertPem, certs.certPem, certs.keyPem]).apply(([ca, cert, key]) => ({
                "ca.crt": ca,
                "tls.crt": cert,
                "tls.key": key,
            })),
        ),
    };
}

/** The agents' service account; its token is mounted only where the pods use it (lease counting). */
export function agentServiceAccount(): k8s.core.v1.ServiceAccountArgs {
    return {
        metadata: { name: agentName, namespace: agentNamespace, labels: agentLabels() },
        automountServiceAccountToken: false,
    };
}

/**
 * Keeps one agent through voluntary disruptions (node drains), so the tunnel never drops to zero.
 * A single agent cannot be kept and drained at once: then the budget allows one down, not none.
 */
export function agentPodDisruptionBudget(replicas: number): k8s.policy.v1.PodDisruptionBudgetArgs {
    return {
        metadata: { name: agentName, namespace: agentNamespace, labels: agentLabels() },
        spec: {
            ...(replicas > 1 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
            selector: { matchLabels: agentSelector() },
        },
    };
}
