/** Binary suffixes of the Kubernetes quantities etcdStorageSize accepts. */
const units: Record<string, number> = { Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes of a quantity such as "10Gi" (Mi, Gi, Ti); undefined for anything else. */
export function storageBytes(quantity: string): number | undefined {
    const match = /^([1-9][0-9]*)(Mi|Gi|Ti)$/.exec(quantity);
    return match ? Number(match[1]) * units[match[2]] : undefined;
}

/**
 * The smallest etcd volume: etcd's backend quota is sized to the volume (etcdBackendQuotaBytes,
 * components/controlplane/etcdStatefulSet.ts), and this leaves it 512Mi.
 */
export const minimumEtcdStorage = "2Gi";
