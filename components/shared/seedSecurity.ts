import type * as k8s from "@pulumi/kubernetes";

/**
 * Every control-plane image here is distroless and runs as an unprivileged user: the Kubernetes
 * component images and etcd (registry.k8s.io, distroless/static base) and konnectivity's
 * (distroless/static-debian12:nonroot). One uid for all containers of a pod, so that the
 * konnectivity-server's socket is writable by kube-apiserver and fsGroup makes the mounted
 * Secrets and etcd's volume readable/writable.
 */
export const controlPlaneUid = 65534;

export const podSecurityContext: k8s.types.input.core.v1.PodSecurityContext = {
    runAsNonRoot: true,
    runAsUser: controlPlaneUid,
    runAsGroup: controlPlaneUid,
    fsGroup: controlPlaneUid,
    seccompProfile: { type: "RuntimeDefault" },
};

export const containerSecurityContext: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** Secret files: readable by the pod's group (fsGroup), nobody else. */
export const secretFileMode = 0o440;
