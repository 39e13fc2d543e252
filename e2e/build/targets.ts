/**
 * What the end-to-end suite builds, derived from the program's versions table (never a second list):
 * one Go wrapper module per pinned Kubernetes patch, etcd version and apiserver-network-proxy tag,
 * because their dependency graphs differ, plus the suite's own kubelet stand-in.
 */
import * as path from "path";
import { defaults, supportedKubernetesVersions, versionPins } from "../../components/config";

export type Component = "kubernetes" | "etcd" | "konnectivity" | "kubelet-stand-in";

export interface Target {
    readonly component: Component;
    /** The version the binaries are keyed by, e.g. "v1.36.5", "v3.6.8", "v0.36.0". */
    readonly version: string;
    /** The upstream module built (the wrapper must require it at `version`), e.g. "k8s.io/kubernetes". */
    readonly module: string;
    /** The version of `module`: `version`, but for the stand-in (the staging modules' v0.Y.Z). */
    readonly moduleVersion: string;
    /** The wrapper module's folder in this repository, e.g. e2e/tools/kubernetes-v1.36.5. */
    readonly dir: string;
    /** Binary name -> main package; every binary the wrapper can build. */
    readonly tools: Readonly<Record<string, string>>;
    /** Whether the packages are upstream's (declared as `tool`s) rather than the wrapper's own code. */
    readonly upstreamTools: boolean;
    /** More modules the wrapper requires, as "path version". */
    readonly requires: readonly string[];
    /** The binaries a normal run builds: a subset of tools. */
    readonly build: readonly string[];
}

export const repoRoot = path.resolve(__dirname, "..", "..");
export const toolsDir = path.join(repoRoot, "e2e", "tools");
export const standInDir = path.join(toolsDir, "kubelet-stand-in");

const kubernetesTools = {
    "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
    kubectl: "k8s.io/kubernetes/cmd/kubectl",
    "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
    "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
    kubemark: "k8s.io/kubernetes/cmd/kubemark",
};

/**
 * Every minor gets kube-apiserver and kubectl (its smoke run and the server-side dry-run); the
 * default minor also gets what the full suite runs. Building all five for three minors does not fit
 * CI's time budget on two cores (see README, "End-to-end suite").
 */
const smokeBinaries = ["kube-apiserver", "kubectl"];

export const defaultMinor: string = defaults.kubernetesVersion;

/** The binary's version for an etcd image tag such as "3.6.8-0". */
export function etcdVersion(imageTag: string): string {
    return `v${imageTag.split("-")[0]}`;
}

/** The published version of a Kubernetes release's staging modules: v1.36.5 -> v0.36.5. */
export function stagingVersion(kubernetes: string): string {
    return kubernetes.replace(/^v1\./, "v0.");
}

export function targets(): Target[] {
    const byKey = new Map<string, Target>();
    const add = (t: Target) => {
        const key = `${t.component}-${t.version}`;
        const build = new Set([...(byKey.get(key)?.build ?? []), ...t.build]);
        byKey.set(key, { ...t, build: Object.keys(t.tools).filter((b) => build.has(b)) });
    };
    for (const minor of supportedKubernetesVersions) {
        const pins = versionPins(minor);
        const full = minor === defaultMinor;
        add({
            component: "kubernetes",
            version: pins.kubernetes,
            module: "k8s.io/kubernetes",
            moduleVersion: pins.kubernetes,
            dir: path.join(toolsDir, `kubernetes-${pins.kubernetes}`),
            tools: kubernetesTools,
            upstreamTools: true,
            requires: [],
            build: full ? Object.keys(kubernetesTools) : smokeBinaries,
        });
        const etcd = etcdVersion(pins.etcd);
        add({
            component: "etcd",
            version: etcd,
            module: "go.etcd.io/etcd/server/v3",
            moduleVersion: etcd,
            dir: path.join(toolsDir, `etcd-${etcd}`),
            tools: { etcd: "go.etcd.io/etcd/server/v3" },
            upstreamTools: true,
            requires: [],
            build: ["etcd"],
        });
        add({
            component: "konnectivity",
            version: pins.konnectivity,
            module: "sigs.k8s.io/apiserver-network-proxy",
            moduleVersion: pins.konnectivity,
            dir: path.join(toolsDir, `konnectivity-${pins.konnectivity}`),
            tools: {
                "proxy-server": "sigs.k8s.io/apiserver-network-proxy/cmd/server",
                "proxy-agent": "sigs.k8s.io/apiserver-network-proxy/cmd/agent",
            },
            upstreamTools: true,
            // Upstream replaces its konnectivity-client with ./konnectivity-client: the same
            // tag's published module is that code.
            requires: [`sigs.k8s.io/apiserver-network-proxy/konnectivity-client ${pins.konnectivity}`],
            build: ["proxy-server", "proxy-agent"],
        });
        if (full) {
            // The kubelet's own streaming server and client libraries, at the default minor.
            const staging = stagingVersion(pins.kubernetes);
            add({
                component: "kubelet-stand-in",
                version: pins.kubernetes,
                module: "k8s.io/cri-streaming",
                moduleVersion: staging,
                dir: standInDir,
                tools: { "kubelet-stand-in": "gks-e2e/tools/kubelet-stand-in" },
                upstreamTools: false,
                requires: ["k8s.io/api", "k8s.io/apimachinery", "k8s.io/client-go"].map((m) => `${m} ${staging}`),
                build: ["kubelet-stand-in"],
            });
        }
    }
    return [...byKey.values()];
}
