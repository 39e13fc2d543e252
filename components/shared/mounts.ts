import { secretFileMode } from "./seedSecurity";
import type { Volume, VolumeMount } from "./seedObjects";

/** A Secret or ConfigMap mounted as a directory of files. */
export interface Mount {
    readonly volume: string;
    readonly source: string;
    readonly path: string;
}

/** The path of one file of a mount. */
export const file = (mount: Mount, key: string): string => `${mount.path}/${key}`;

export function secretVolume(mount: Mount): Volume {
    return { name: mount.volume, secret: { secretName: mount.source, defaultMode: secretFileMode } };
}

export function configMapVolume(mount: Mount): Volume {
    return { name: mount.volume, configMap: { name: mount.source } };
}

export function volumeMount(mount: Mount): VolumeMount {
    return { name: mount.volume, mountPath: mount.path, readOnly: true };
}
