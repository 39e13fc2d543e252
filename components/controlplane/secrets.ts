import type * as pulumi from "@pulumi/pulumi";
import type { Mount } from "../shared/mounts";
import type { ConfigMapSpec, SecretSpec } from "../shared/seedObjects";
import type { ControlPlanePki } from "./types";

export const mounts = {
    apiserverPki: { volume: "pki", source: "apiserver-pki", path: "/etc/kubernetes/pki" },
    serviceAccount: {
        volume: "service-account",
        source: "service-account-key",
        path: "/etc/kubernetes/service-account",
    },
    encryption: { volume: "encryption", source: "encryption-configuration", path: "/etc/kubernetes/encryption" },
    auditPolicy: { volume: "audit-policy", source: "audit-policy", path: "/etc/kubernetes/audit" },
    etcdPki: { volume: "pki", source: "etcd-pki", path: "/etc/etcd/pki" },
    controllerManager: { volume: "config", source: "controller-manager", path: "/etc/kubernetes/controller-manager" },
    scheduler: { volume: "config", source: "scheduler", path: "/etc/kubernetes/scheduler" },
} as const satisfies Record<string, Mount>;

/** File names inside the mounts. */
export const files = {
    ca: "ca.crt",
    caKey: "ca.key",
    apiserverCert: "apiserver.crt",
    apiserverKey: "apiserver.key",
    kubeletClientCert: "kubelet-client.crt",
    kubeletClientKey: "kubelet-client.key",
    etcdCa: "etcd-ca.crt",
    etcdClientCert: "etcd-client.crt",
    etcdClientKey: "etcd-client.key",
    frontProxyCa: "front-proxy-ca.crt",
    frontProxyClientCert: "front-proxy-client.crt",
    frontProxyClientKey: "front-proxy-client.key",
    saKey: "sa.key",
    saPub: "sa.pub",
    serverCert: "server.crt",
    serverKey: "server.key",
    peerCert: "peer.crt",
    peerKey: "peer.key",
    kubeconfig: "kubeconfig",
    encryptionConfig: "encryption-configuration.yaml",
    auditPolicy: "audit-policy.yaml",
} as const;

/** kube-apiserver's certificates: serving, kubelet client, etcd client, front proxy. */
export function apiserverPkiSecret(pki: ControlPlanePki): SecretSpec {
    return {
        name: mounts.apiserverPki.source,
        data: {
            [files.ca]: pki.clusterCa.certPem,
            [files.apiserverCert]: pki.apiserver.certPem,
            [files.apiserverKey]: pki.apiserver.keyPem,
            [files.kubeletClientCert]: pki.apiserverKubeletClient.certPem,
            [files.kubeletClientKey]: pki.apiserverKubeletClient.keyPem,
            [files.etcdCa]: pki.etcdCaCertPem,
            [files.etcdClientCert]: pki.apiserverEtcdClient.certPem,
            [files.etcdClientKey]: pki.apiserverEtcdClient.keyPem,
            [files.frontProxyCa]: pki.frontProxyCaCertPem,
            [files.frontProxyClientCert]: pki.frontProxyClient.certPem,
            [files.frontProxyClientKey]: pki.frontProxyClient.keyPem,
        },
    };
}

export function serviceAccountSecret(pki: ControlPlanePki): SecretSpec {
    return {
        name: mounts.serviceAccount.source,
        data: { [files.saKey]: pki.serviceAccount.privateKeyPem, [files.saPub]: pki.serviceAccount.publicKeyPem },
    };
}

/** kube-apiserver's EncryptionConfiguration, built from the keys once they exist (a secret). */
export function encryptionSecret(yaml: pulumi.Input<string>): SecretSpec {
    return { name: mounts.encryption.source, data: { [files.encryptionConfig]: yaml } };
}

export function auditPolicyConfigMap(yaml: string): ConfigMapSpec {
    return { name: mounts.auditPolicy.source, data: { [files.auditPolicy]: yaml } };
}

export function etcdPkiSecret(pki: ControlPlanePki): SecretSpec {
    return {
        name: mounts.etcdPki.source,
        data: {
            [files.ca]: pki.etcdCaCertPem,
            [files.serverCert]: pki.etcdServer.certPem,
            [files.serverKey]: pki.etcdServer.keyPem,
            [files.peerCert]: pki.etcdPeer.certPem,
            [files.peerKey]: pki.etcdPeer.keyPem,
        },
    };
}

/** Its kubeconfig, and the cluster CA with key for signing kubelet certificates (CSRs). */
export function controllerManagerSecret(pki: ControlPlanePki, kubeconfig: pulumi.Input<string>): SecretSpec {
    return {
        name: mounts.controllerManager.source,
        data: {
            [files.kubeconfig]: kubeconfig,
            [files.ca]: pki.clusterCa.certPem,
            [files.caKey]: pki.clusterCa.keyPem,
            [files.saKey]: pki.serviceAccount.privateKeyPem,
        },
    };
}

export function schedulerSecret(kubeconfig: pulumi.Input<string>): SecretSpec {
    return { name: mounts.scheduler.source, data: { [files.kubeconfig]: kubeconfig } };
}
