import type { Pki } from "../pki/pki";
import { ControlPlanePki } from "./types";

/** The part of a cluster's PKI that its control plane mounts (not the admin's or agents' keys). */
export function controlPlanePki(pki: Pki): ControlPlanePki {
    const { authorities: ca, certificates: c } = pki;
    return {
        clusterCa: ca.cluster,
        etcdCaCertPem: ca.etcd.certPem,
        frontProxyCaCertPem: ca.frontProxy.certPem,
        konnectivityCaCertPem: ca.konnectivity.certPem,
        apiserver: c.apiserver,
        apiserverKubeletClient: c.apiserverKubeletClient,
        apiserverEtcdClient: c.apiserverEtcdClient,
        frontProxyClient: c.frontProxyClient,
        etcdServer: c.etcdServer,
        etcdPeer: c.etcdPeer,
        controllerManager: c.controllerManager,
        scheduler: c.scheduler,
        konnectivityServer: c.konnectivityServer,
        serviceAccount: pki.serviceAccountKey,
    };
}
