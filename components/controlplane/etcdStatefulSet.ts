import { AntiAffinity, images, storageBytes } from "../config";
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
    readonly priorityClassName: string;
    readonly antiAffinity: AntiAffinity;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** etcd warns above this quota (MaxQuotaBytes, server/storage/quota.go at v3.6.6, v3.6.8, v3.7.0). */
export const etcdMaxQuotaBytes = 8 * GiB;

/**
 * The backend quota for a volume of `storageSize`: what is left after 1Gi for the WAL (five 64MiB
 * segments kept, --max-wals) and snapshot files, halved, because a defragmentation writes a
 * complete copy of the database before it replaces the old one; at most etcd's 8GiB. 10Gi gives
 * 4.5GiB (etcd's default is 2GiB whatever the volume). Rounded down to MiB.
 */
export function etcdBackendQuotaBytes(storageSize: string): number {
    const bytes = storageBytes(storageSize);
    if (bytes === undefined) throw new Error(`etcd storage size "${storageSize}" is no quantity such as 10Gi`);
    const quota = Math.min(etcdMaxQuotaBytes, Math.floor((bytes - GiB) / 2 / MiB) * MiB);
    if (quota < 512 * MiB) {
        throw new Error(`etcd storage size ${storageSize} leaves a backend quota below 512Mi; use at least 2Gi`);
    }
    return quota;
}

/** etcd's full corruption check interval (KKP runs the same, pkg/resources/etcd/statefulset.go). */
export const etcdCorruptCheckInterval = "240m";

/**
 * etcd's flags (valid for etcd 3.6 and 3.7; --snapshot-count, deprecated in 3.6 and gone in 3.7,
 * is left to its default). Compaction is kube-apiserver's (--etcd-compaction-interval), so etcd's
 * own auto-compaction stays off; defragmentation is an operator's step (README). Each member is named after its pod and advertises
 * its stable name under the headless Service. The metrics listener is plain HTTP on all
 * addresses because the kubelet probes /livez and /readyz on the pod IP (kubeadm probes the
 * same paths on 127.0.0.1:2381 from the host network).
 */
export function etcdFlags(layout: ControlPlaneLayout, replicas: number, storageSize: string): string[] {
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
        `--quota-backend-bytes=${etcdBackendQuotaBytes(storageSize)}`,
        // Data corruption checks, as the etcd maintainers recommend since 3.5: a restarted member
        // compares its hash with its peers' before it serves (InitialCorruptCheck), the leader
        // compares followers' hashes at every compaction (CompactHashCheck, each minute), and a
        // full hash comparison runs every four hours. 3.6 and 3.7 take feature gates for the first
        // two; the --experimental-* flags are deprecated in 3.6 and gone in 3.7
        // (server/features/etcd_features.go, embed/config.go at v3.6.6, v3.6.8, v3.7.0).
        "--feature-gates=InitialCorruptCheck=true,CompactHashCheck=true",
        `--corrupt-check-time=${etcdCorruptCheckInterval}`,
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
                priorityClassName: o.priorityClassName,
                antiAffinity: o.antiAffinity,
                containers: [
                    {
                        name: "etcd",
                        image: images(layout.versions).etcd,
                        command: ["etcd"],
                        args: etcdFlags(layout, o.replicas, o.storageSize),
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
