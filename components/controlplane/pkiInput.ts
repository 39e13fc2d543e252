import * as pulumi from "@pulumi/pulumi";
import type { Pki } from "../pki/pki";
import { ControlPlanePki } from "./types";
import { Pem } from "../shared/seedObjects";

/** The part of a cluster's PKI that its control plane mounts (not the admin's, nor the tunnel's: its mode mounts those). */
export function controlPlanePki(pki: Pki): ControlPlanePki {
    const { authorities: ca, certificates: c } = pki;
    return {
        clusterCa: ca.cluster,
        etcdCaCertPem: ca.etcd.certPem,
        frontProxyCaCertPem: ca.frontProxy.certPem,
        apiserver: c.apiserver,
        apiserverKubeletClient: c.apiserverKubeletClient,
        apiserverEtcdClient: c.apiserverEtcdClient,
        frontProxyClient: c.frontProxyClient,
        etcdServer: c.etcdServer,
        etcdPeer: c.etcdPeer,
        controllerManager: c.controllerManager,
        scheduler: c.scheduler,
        serviceAccount: pki.serviceAccountKey,
    };
}

/** The same PKI with every private key a secret and the certificates left readable. */
export function withSecretKeys(pki: ControlPlanePki): ControlPlanePki {
    const pem = (p: Pem): Pem => ({ ...p, keyPem: pulumi.secret(p.keyPem) });
    return {
        ...pki,
        clusterCa: pem(pki.clusterCa),
        apiserver: pem(pki.apiserver),
        apiserverKubeletClient: pem(pki.apiserverKubeletClient),
        apiserverEtcdClient: pem(pki.apiserverEtcdClient),
        frontProxyClient: pem(pki.frontProxyClient),
        etcdServer: pem(pki.etcdServer),
        etcdPeer: pem(pki.etcdPeer),
        controllerManager: pem(pki.controllerManager),
        scheduler: pem(pki.scheduler),
        serviceAccount: { ...pki.serviceAccount, privateKeyPem: pulumi.secret(pki.serviceAccount.privateKeyPem) },
    };
}
