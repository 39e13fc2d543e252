import { apiserverPort } from "../config";
import { apiserverName } from "./apiserverDeployment";
import { objectMeta, selectorLabels } from "../shared/seedLabels";
import { etcdClientPort, etcdPeerPort, etcdServiceName } from "../shared/seedNames";
import { ControlPlaneLayout, ServiceArgs } from "../shared/seedObjects";

/**
 * kube-apiserver for the load balancer (the NodePort its :6443 listener forwards to) and for
 * the seed-side components (the ClusterIP, `apiserver.<namespace>.svc`). Same choices as the
 * tunnel's Service: no affinity; Cluster, so any seed node the load balancer picks reaches
 * every replica (the client address is the load balancer's anyway).
 */
export function apiserverService(layout: ControlPlaneLayout, nodePort: number): ServiceArgs {
    return {
        metadata: objectMeta(layout, "kube-apiserver", apiserverName),
        spec: {
            type: "NodePort",
            selector: selectorLabels("kube-apiserver", layout.clusterName),
            ports: [{ name: "https", protocol: "TCP", port: apiserverPort, targetPort: "https", nodePort }],
            sessionAffinity: "None",
            externalTrafficPolicy: "Cluster",
        },
    };
}

/**
 * The headless Service that gives every etcd member its stable name. Not-ready members are
 * published too: members must find each other before any of them can be ready.
 */
export function etcdService(layout: ControlPlaneLayout): ServiceArgs {
    return {
        metadata: objectMeta(layout, "etcd", etcdServiceName),
        spec: {
            clusterIP: "None",
            publishNotReadyAddresses: true,
            selector: selectorLabels("etcd", layout.clusterName),
            ports: [
                { name: "client", protocol: "TCP", port: etcdClientPort, targetPort: "client" },
                { name: "peer", protocol: "TCP", port: etcdPeerPort, targetPort: "peer" },
            ],
        },
    };
}
