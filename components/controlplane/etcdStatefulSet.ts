import { images } from "../config";
import type * as pulumi from "@pulumi/pulumi";
import { objectMeta, recommendedLabels, selectorLabels } from "../shared/seedLabels";
import { healthProbes, podTemplate } from "./podTemplate";
import { etcdClientPort, etcdMemberHost, etcdPeerPort, etcdServiceName } from "../shared/seedNames";
import { file, secretVolume, volumeMount } from "../shared/mounts";
import { files, mounts } from "./secrets";
import { containerSecurityContext } from "../shared/seedSecurity";
import { ControlPlaneLayout, StatefulSetArgs } from "../shared/seedObjects";

export const etcdMetricsPort = 2381;
const dataDir = "/var/lib/etcd";

export interface EtcdOptions {
    readonly layout: ControlPlaneLayout;
    readonly replicas: number;
    readonly storageSize: string;
    /** Empty: the seed's default StorageClass. */
    readonly storageClass: string;
    readonly checksum: pulumi.Input<string>;
}

/**
 * etcd's flags (valid for etcd 3.6 and 3.7; --snapshot-count, deprecated in 3.6 and gone in 3.7,
 * is left to its default). Each member is named after its pod and advertises
 * its stable name under the headless Service. The metrics listener is plain HTTP on all
 * addresses because the kubelet probes /livez and /readyz on the pod IP (kubeadm probes the
 * same paths on 127.0.0.1:2381 from the host network).
 */
export function etcdFlags(layout: ControlPlaneLayout, replicas: number): string[] {
    const { namespace } = layout;
    const pki = mounts.etcdPki;
    const self = `$(POD_NAME).${etcdServiceName}.${namespace}.svc`;
    const initialCluster = Array.from(
        { length: replicas },
        (_, i) => `${etcdServiceName}-${i}=https://${etcdMemberHost(namespace, i)}:${etcdPeerPort}`,
    );
    return [
        "--name=$(POD_NAME)",
        `--data-dir=${dataDir}/data`,
        `--initial-cluster=${initialCluster.join(",")}`,
        // Ignored once the data directory exists, so restarts rejoin the same cluster.
        "--initial-cluster-state=new",
        `--initial-cluster-token=${layout.clusterName}`,
        `--initial-advertise-peer-urls=https://${self}:${etcdPeerPort}`,
        `--listen-peer-urls=https://0.0.0.0:${etcdPeerPort}`,
        `--advertise-client-urls=https://${self}:${etcdClientPort}`,
        `--listen-client-urls=https://0.0.0.0:${etcdClientPort}`,
        `--listen-metrics-urls=http://0.0.0.0:${etcdMetricsPort}`,
        "--client-cert-auth=true",
        `--trusted-ca-file=${file(pki, files.ca)}`,
        `--cert-file=${file(pki, files.serverCert)}`,
        `--key-file=${file(pki, files.serverKey)}`,
        "--peer-client-cert-auth=true",
        `--peer-trusted-ca-file=${file(pki, files.ca)}`,
        `--peer-cert-file=${file(pki, files.peerCert)}`,
        `--peer-key-file=${file(pki, files.peerKey)}`,
    ];
}

export function etcdStatefulSet(o: EtcdOptions): StatefulSetArgs {
    const { layout } = o;
    return {
        metadata: objectMeta(layout, "etcd", etcdServiceName),
        spec: {
            serviceName: etcdServiceName,
            replicas: o.replicas,
            // A new cluster needs all members up to reach quorum: start them together.
            podManagementPolicy: "Parallel",
            updateStrategy: { type: "RollingUpdate" },
            selector: { matchLabels: selectorLabels("etcd", layout.clusterName) },
            template: podTemplate({
                layout,
                app: "etcd",
                checksum: o.checksum,
                containers: [
                    {
                        name: "etcd",
                        image: images(layout.versions).etcd,
                        command: ["etcd"],
                        args: etcdFlags(layout, o.replicas),
                        env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                        ports: [
                            { name: "client", containerPort: etcdClientPort, protocol: "TCP" },
                            { name: "peer", containerPort: etcdPeerPort, protocol: "TCP" },
                            { name: "metrics", containerPort: etcdMetricsPort, protocol: "TCP" },
                        ],
                        ...healthProbes({
                            port: etcdMetricsPort,
                            scheme: "HTTP",
                            live: "/livez",
                            ready: "/readyz",
                            startup: "/readyz",
                        }),
                        resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
                        securityContext: containerSecurityContext,
                        volumeMounts: [{ name: "data", mountPath: dataDir }, volumeMount(mounts.etcdPki)],
                    },
                ],
                volumes: [secretVolume(mounts.etcdPki)],
            }),
            volumeClaimTemplates: [
                {
                    metadata: { name: "data", labels: recommendedLabels("etcd", layout.clusterName) },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        // An empty storageClassName would mean "no class" and disable dynamic
                        // provisioning; leaving it out selects the seed's default class.
                        ...(o.storageClass === "" ? {} : { storageClassName: o.storageClass }),
                        resources: { requests: { storage: o.storageSize } },
                    },
                },
            ],
        },
    };
}
