import { createHash } from "crypto";

/** The pod-template annotation that changes whenever a mounted certificate or config changes. */
export const checksumAnnotation = "gks.io/config-checksum";

/** A file a pod mounts: the Secret or ConfigMap it comes from, its key and content. */
export interface MountedFile {
    readonly source: string;
    readonly key: string;
    readonly content: string;
}

/**
 * sha256 over every mounted file, independent of order. Certificates are loaded only at start
 * (konnectivity-server, etcd), so a new checksum must roll the pods.
 */
export function configChecksum(files: readonly MountedFile[]): string {
    const hash = createHash("sha256");
    const sorted = [...files].sort((a, b) => `${a.source}/${a.key}`.localeCompare(`${b.source}/${b.key}`));
    for (const f of sorted) hash.update(`${f.source}/${f.key}\0${f.content}\0`);
    return hash.digest("hex");
}
