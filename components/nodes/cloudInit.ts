import { stringify } from "yaml";
import { kubeletSysctls } from "./kubeletConfig";

/**
 * The cloud-init user-data that turns a fresh Ubuntu VM (22.04 or newer, as cloud images boot)
 * into a node of the cluster: containerd from Ubuntu with the systemd cgroup driver (what the
 * kubelet config names), kubelet and kubeadm at the cluster's exact release from the upstream
 * repository of its minor (pkgs.k8s.io/core:/stable:/v1.X, following kubeadm's install docs;
 * versions held), swap off, the kernel modules and sysctls Kubernetes and the kubelet's
 * protectKernelDefaults need, then the join command. It holds the join token: a secret.
 *
 * Everything that must happen in order is in runcmd, which runs after packages are installed:
 * the upstream repository is added only once its key is in place, so no apt run sees it unsigned.
 */
export interface UserDataArgs {
    /** e.g. "v1.36.5" */
    readonly kubernetesVersion: string;
    /** The full `kubeadm join ...` command. */
    readonly joinCommand: string;
}

const keyring = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";

/** The upstream repository of a release's minor, e.g. https://pkgs.k8s.io/core:/stable:/v1.36/deb/. */
export function packageRepository(kubernetesVersion: string): string {
    const match = /^v(\d+)\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
    if (!match) throw new Error(`user-data: "${kubernetesVersion}" is not a Kubernetes release such as v1.36.5`);
    return `https://pkgs.k8s.io/core:/stable:/v${match[1]}.${match[2]}/deb/`;
}

/** The Debian package version pattern of a release: pkgs.k8s.io builds are `<version>-<revision>`. */
export function packageVersion(kubernetesVersion: string): string {
    return `${kubernetesVersion.replace(/^v/, "")}-*`;
}

export const kernelModules = ["overlay", "br_netfilter"] as const;

/** What Kubernetes networking needs (kubeadm's install docs) and what the kubelet checks. */
export const nodeSysctls: Readonly<Record<string, number>> = {
    "net.bridge.bridge-nf-call-iptables": 1,
    "net.bridge.bridge-nf-call-ip6tables": 1,
    "net.ipv4.ip_forward": 1,
    ...kubeletSysctls,
};

export function userData({ kubernetesVersion, joinCommand }: UserDataArgs): string {
    const repository = packageRepository(kubernetesVersion);
    const version = packageVersion(kubernetesVersion);
    const config = {
        package_update: true,
        packages: ["apt-transport-https", "ca-certificates", "curl", "gpg", "containerd"],
        write_files: [
            {
                path: "/etc/modules-load.d/kubernetes.conf",
                permissions: "0644",
                content: kernelModules.map((m) => `${m}\n`).join(""),
            },
            {
                path: "/etc/sysctl.d/90-kubernetes.conf",
                permissions: "0644",
                content: Object.entries(nodeSysctls)
                    .map(([key, value]) => `${key} = ${value}\n`)
                    .join(""),
            },
        ],
        runcmd: [
            ["swapoff", "-a"],
            ["sed", "-i", "-E", "/\\sswap\\s/ s/^/#/", "/etc/fstab"],
            ...kernelModules.map((m) => ["modprobe", m]),
            ["sysctl", "--system"],
            ["mkdir", "-p", "/etc/containerd"],
            "containerd config default > /etc/containerd/config.toml",
            ["sed", "-i", "s/SystemdCgroup = false/SystemdCgroup = true/", "/etc/containerd/config.toml"],
            ["systemctl", "restart", "containerd"],
            ["install", "-d", "-m", "0755", "/etc/apt/keyrings"],
            `curl -fsSL ${repository}Release.key | gpg --dearmor -o ${keyring}`,
            `echo 'deb [signed-by=${keyring}] ${repository} /' > /etc/apt/sources.list.d/kubernetes.list`,
            ["apt-get", "update"],
            ["apt-get", "install", "-y", `kubelet=${version}`, `kubeadm=${version}`],
            ["apt-mark", "hold", "kubelet", "kubeadm"],
            joinCommand,
        ],
    };
    return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}
