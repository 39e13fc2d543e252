/**
 * The Kubernetes versions this program can run, and the images each one pins.
 *
 * Every image comes from registry.k8s.io. Each pin was verified on 2026-12-01 (the e2e suite
 * builds exactly these versions from the Go module proxy, so a pin the proxy does not serve
 * fails that build by name):
 * - kubernetes: the newest patch of the minor that the module proxy serves
 *   (`go list -m k8s.io/kubernetes@vX.Y.Z`): v1.35.8 (v1.35.7 is not served), v1.36.5, v1.37.2;
 *   v1.38 has only a beta.
 * - etcd: kubeadm's pin at that tag, `DefaultEtcdVersion` in cmd/kubeadm/app/constants/constants.go
 *   (v1.35.8: 3.6.6-0, v1.36.5: 3.6.8-0, v1.37.2: 3.7.0-0).
 * - konnectivity (apiserver-network-proxy): "ANP 0.Y pairs with Kubernetes 1.Y" (ANP README,
 *   since 0.28). 1.36 gets v0.36.0. 1.37 has no ANP 0.37 yet: it gets v0.36.0, what upstream pairs
 *   with it (k8s.io/kubernetes v1.37.2 requires konnectivity-client v0.36.0, and its
 *   cluster/gce/manifests pin proxy-server/proxy-agent v0.36.0). 1.35 would pair with v0.35.0,
 *   which the module proxy does not serve, so it cannot be built and checked here: it gets
 *   v0.34.0, the newest served ANP not newer than its minor (upstream's own 1.35 manifests pin the
 *   older v0.31.2; ANP servers and agents of adjacent minors interoperate).
 * - coredns: kubeadm's pin at that tag, `CoreDNSVersion` in cmd/kubeadm/app/constants/constants.go
 *   (v1.35.8: v1.13.1, v1.36.5: v1.14.2, v1.37.2: v1.14.6); image registry.k8s.io/coredns/coredns.
 * - kube-proxy: the Kubernetes release itself (registry.k8s.io/kube-proxy), as kubeadm deploys it.
 * - cilium (the CNI, quay.io/cilium): v1.20.2, the newest release the module proxy serves
 *   (`go list -m github.com/cilium/cilium@v1.20.2`; v1.20.3 and v1.21.0 are not served). Its
 *   Documentation/network/kubernetes/requirements.rst lists 1.33 to 1.36 as e2e-tested; 1.37 is newer
 *   than its tested list and relies on Kubernetes' API compatibility (the APIs it uses, discovery,
 *   networking and CRDs v1, are GA and unchanged in 1.37).
 * - kubelet-csr-approver (postfinance, ghcr.io/postfinance/kubelet-csr-approver): v1.2.14, its newest
 *   tag (2026-04-09), built against client-go v0.35; it only reads and approves
 *   certificates.k8s.io/v1 CSRs, which every supported minor serves.
 */
export interface VersionPins {
    /** The minor a stack selects, e.g. "1.36". */
    readonly minor: string;
    /** The full Kubernetes release, e.g. "v1.36.5". */
    readonly kubernetes: string;
    /** The etcd image tag, e.g. "3.6.8-0" (the binary's version is the part before "-"). */
    readonly etcd: string;
    /** The apiserver-network-proxy release, e.g. "v0.36.0". */
    readonly konnectivity: string;
    /** The CoreDNS image tag kubeadm deploys at this release, e.g. "v1.14.2". */
    readonly coredns: string;
    /** The Cilium release (agent and operator), e.g. "v1.20.2". */
    readonly cilium: string;
    /** The kubelet-csr-approver release, e.g. "v1.2.14". */
    readonly kubeletCsrApprover: string;
}

const cilium = "v1.20.2";
const kubeletCsrApprover = "v1.2.14";

const pins: readonly VersionPins[] = [
    {
        minor: "1.35",
        kubernetes: "v1.35.8",
        etcd: "3.6.6-0",
        konnectivity: "v0.34.0",
        coredns: "v1.13.1",
        cilium,
        kubeletCsrApprover,
    },
    {
        minor: "1.36",
        kubernetes: "v1.36.5",
        etcd: "3.6.8-0",
        konnectivity: "v0.36.0",
        coredns: "v1.14.2",
        cilium,
        kubeletCsrApprover,
    },
    {
        minor: "1.37",
        kubernetes: "v1.37.2",
        etcd: "3.7.0-0",
        konnectivity: "v0.36.0",
        coredns: "v1.14.6",
        cilium,
        kubeletCsrApprover,
    },
];

/** Oldest first: an upgrade moves one step along this list. */
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

/**
 * Every image a cluster runs, by component, pinned by its versions: Kubernetes' own from
 * registry.k8s.io, the CNI from quay.io/cilium, the serving-certificate approver from ghcr.io.
 */
export function images(pins: VersionPins) {
    return {
        "kube-apiserver": `registry.k8s.io/kube-apiserver:${pins.kubernetes}`,
        "kube-controller-manager": `registry.k8s.io/kube-controller-manager:${pins.kubernetes}`,
        "kube-scheduler": `registry.k8s.io/kube-scheduler:${pins.kubernetes}`,
        etcd: `registry.k8s.io/etcd:${pins.etcd}`,
        "konnectivity-server": `registry.k8s.io/kas-network-proxy/proxy-server:${pins.konnectivity}`,
        "konnectivity-agent": `registry.k8s.io/kas-network-proxy/proxy-agent:${pins.konnectivity}`,
        "kube-proxy": `registry.k8s.io/kube-proxy:${pins.kubernetes}`,
        coredns: `registry.k8s.io/coredns/coredns:${pins.coredns}`,
        cilium: `quay.io/cilium/cilium:${pins.cilium}`,
        "cilium-operator": `quay.io/cilium/operator-generic:${pins.cilium}`,
        "kubelet-csr-approver": `ghcr.io/postfinance/kubelet-csr-approver:${pins.kubeletCsrApprover}`,
    } as const;
}
