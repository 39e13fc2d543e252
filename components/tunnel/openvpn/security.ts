import type * as k8s from "@pulumi/kubernetes";
import type { Mount } from "../../shared/mounts";
import type { Volume, VolumeMount } from "../../shared/seedObjects";

/**
 * OpenVPN needs a TUN device and the right to configure it: CAP_NET_ADMIN (addresses, routes,
 * iptables) and /dev/net/tun from the node. NET_RAW where the container runs iptables (the
 * legacy backend talks over a raw socket) or ping. Nothing else: not privileged, no privilege
 * escalation, read-only root filesystem, the runtime's seccomp profile. It runs as root in its
 * container because the kubelet grants added capabilities to uid 0 only. Both the added
 * capabilities and the hostPath device put such a pod outside the Pod Security Standards'
 * `baseline`: its namespace must allow `privileged`.
 */
export function tunnelContainerSecurity(
    capabilities: readonly ("NET_ADMIN" | "NET_RAW")[],
): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"], add: [...capabilities] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The node's TUN device, and an emptyDir for the status file. */
export const tunDevice = { volume: "dev-net-tun", path: "/dev/net/tun" } as const;
export const runVolume = "openvpn-run";

export function tunnelVolumes(): Volume[] {
    return [
        { name: tunDevice.volume, hostPath: { path: tunDevice.path, type: "CharDevice" } },
        { name: runVolume, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
    ];
}

export function tunnelVolumeMounts(runDir: string): VolumeMount[] {
    return [
        { name: tunDevice.volume, mountPath: tunDevice.path },
        { name: runVolume, mountPath: runDir },
    ];
}

/** A Secret of keys for a process that runs as root: readable by the owner only (OpenVPN warns otherwise). */
export function ownerOnlySecretVolume(mount: Mount): Volume {
    return { name: mount.volume, secret: { secretName: mount.source, defaultMode: 0o400 } };
}
