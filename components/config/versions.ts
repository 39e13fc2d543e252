/**
 * The Kubernetes versions this program can run, and the images each one pins.
 *
 * Every image comes from registry.k8s.io. The konnectivity images follow the
 * apiserver-network-proxy rule "ANP 0.Y pairs with Kubernetes 1.Y" (ANP README, since 0.28),
 * and etcd is the version kubeadm pins for that Kubernetes minor at the pinned release
 * (cmd/kubeadm/app/constants/constants.go, DefaultEtcdVersion / SupportedEtcdVersion).
 *
 * Checked: v1.33.5 and v1.34.1 are releases (CHANGELOG-1.33.md, CHANGELOG-1.34.md); kubeadm
 * shipped etcd 3.5.21-0 for 1.33 (release-1.33 stayed there until the 3.5.24 backport of
 * Nov 2025, after v1.33.5) and 3.6.4-0 for 1.34 (etcd 3.6.5 was released after v1.34.1);
 * tags v0.33.1 and v0.34.0 exist in kubernetes-sigs/apiserver-network-proxy with identical
 * server flag sets. A newer patch release must move its etcd pin with kubeadm's.
 */
export interface VersionPins {
    /** The minor a stack selects, e.g. "1.34". */
    readonly minor: string;
    /** The full Kubernetes release, e.g. "v1.34.1". */
    readonly kubernetes: string;
    /** The etcd image tag, e.g. "3.6.4-0". */
    readonly etcd: string;
    /** The apiserver-network-proxy release, e.g. "v0.34.0". */
    readonly konnectivity: string;
}

const pins: readonly VersionPins[] = [
    { minor: "1.33", kubernetes: "v1.33.5", etcd: "3.5.21-0", konnectivity: "v0.33.1" },
    { minor: "1.34", kubernetes: "v1.34.1", etcd: "3.6.4-0", konnectivity: "v0.34.0" },
];

export const supportedKubernetesVersions: readonly string[] = pins.map((p) => p.minor);

export function versionPins(minor: string): VersionPins {
    const found = pins.find((p) => p.minor === minor);
    if (!found) {
        throw new Error(
            `Kubernetes version "${minor}" is not supported; supported: ${supportedKubernetesVersions.join(", ")}`,
        );
    }
    return found;
}

/** Every image a cluster runs, by component, pinned by its versions; all from registry.k8s.io. */
export function images(pins: VersionPins) {
    return {
        "kube-apiserver": `registry.k8s.io/kube-apiserver:${pins.kubernetes}`,
        "kube-controller-manager": `registry.k8s.io/kube-controller-manager:${pins.kubernetes}`,
        "kube-scheduler": `registry.k8s.io/kube-scheduler:${pins.kubernetes}`,
        etcd: `registry.k8s.io/etcd:${pins.etcd}`,
        "konnectivity-server": `registry.k8s.io/kas-network-proxy/proxy-server:${pins.konnectivity}`,
        "konnectivity-agent": `registry.k8s.io/kas-network-proxy/proxy-agent:${pins.konnectivity}`,
    } as const;
}
