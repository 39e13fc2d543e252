/**
 * Which built binary stands for which image, and where that image keeps it, so that a pod's
 * command resolves inside its root exactly as in the image:
 * - registry.k8s.io/kube-apiserver, -controller-manager, -scheduler: /usr/local/bin/<name>
 *   (k8s.io/kubernetes build/server-image/kube-apiserver/Dockerfile, "COPY ... /usr/local/bin/${BINARY}");
 * - registry.k8s.io/etcd: /usr/local/bin/etcd (cluster/images/etcd);
 * - registry.k8s.io/kas-network-proxy/proxy-server, proxy-agent: /proxy-server, /proxy-agent, also
 *   their ENTRYPOINT (apiserver-network-proxy artifacts/images/{server,agent}-build.Dockerfile);
 * - registry.k8s.io/e2e-test-images/busybox (the tunnel gate): /bin/busybox with its applets linked
 *   in /bin (k8s.io/kubernetes test/images/busybox). Not built from Go: Debian's busybox (1.35,
 *   where the image has 1.37; the dynamic build, with its libraries copied into the root, since
 *   the static one's shell runs its own applets before PATH) stands for it; the gate uses only sh, test, date, sleep,
 *   touch, kill and wget, which both have. One difference: Debian builds busybox (before
 *   1.36.1-5) without FEATURE_WGET_TIMEOUT, and its wget crashes on -T; upstream's default
 *   config, which the image uses, has it. So the lab's /bin/wget is a script that runs busybox's
 *   wget under busybox's timeout for -T, and the rendered command line stays as it is.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { binDir } from "../build/cache";
import { etcdVersion } from "../build/targets";

export interface ImageBinary {
    /** The built binary on this machine. */
    readonly file: string;
    /** Where the image has it. */
    readonly pathInImage: string;
    /** The image's ENTRYPOINT, used when a container gives no command. */
    readonly entrypoint: readonly string[];
    /** Paths in the image that are links to the binary (a multi-call binary's applets). */
    readonly links?: readonly string[];
    /** Shared libraries the binary needs, at the same paths in the image. */
    readonly libraries?: readonly string[];
    /** Executable scripts at paths in the image. */
    readonly scripts?: Readonly<Record<string, string>>;
}

/** wget -T as upstream busybox has it: busybox's wget under busybox's timeout. */
const wgetWithTimeout = [
    "#!/bin/sh",
    't=""; next=""',
    "for a do",
    "    shift",
    '    if [ -n "$next" ]; then t="$a"; next=""; continue; fi',
    '    if [ "$a" = -T ]; then next=1; continue; fi',
    '    set -- "$@" "$a"',
    "done",
    'if [ -n "$t" ]; then exec /bin/busybox timeout "$t" /bin/busybox wget "$@"; fi',
    'exec /bin/busybox wget "$@"',
    "",
].join("\n");

const debianBusybox = "/bin/busybox";
let applets: string[] | undefined;
let libraries: string[] | undefined;

/** Debian's busybox, its applets and its libraries (e2e/setup.sh installs it). */
function busybox(): ImageBinary {
    if (!fs.existsSync(debianBusybox)) throw new Error(`${debianBusybox} is missing: run e2e/setup.sh`);
    applets ??= spawnSync(debianBusybox, ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    // ldd's lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".
    libraries ??= [
        ...spawnSync("/usr/bin/ldd", [debianBusybox], { encoding: "utf8" }).stdout.matchAll(/(\/\S+) \(0x/g),
    ].map((m) => m[1]);
    return {
        file: debianBusybox,
        pathInImage: "/bin/busybox",
        entrypoint: [],
        links: applets.filter((a) => a !== "wget").map((a) => `/bin/${a}`),
        libraries,
        scripts: { "/bin/wget": wgetWithTimeout },
    };
}

/** Distroless's PATH, which every one of these images has. */
export const imagePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function built(component: string, version: string, name: string): string {
    const file = path.join(binDir(component, version), name);
    if (!fs.existsSync(file)) {
        throw new Error(`${file} is missing: run \`npm run e2e:build\` (builds ${component} ${version})`);
    }
    return file;
}

export function imageBinary(image: string): ImageBinary {
    const m = /^registry\.k8s\.io\/(.+):([^:]+)$/.exec(image);
    if (!m) throw new Error(`the suite has no binary for image ${image}`);
    const [, repo, tag] = m;
    if (["kube-apiserver", "kube-controller-manager", "kube-scheduler"].includes(repo)) {
        return { file: built("kubernetes", tag, repo), pathInImage: `/usr/local/bin/${repo}`, entrypoint: [] };
    }
    if (repo === "etcd") {
        return { file: built("etcd", etcdVersion(tag), "etcd"), pathInImage: "/usr/local/bin/etcd", entrypoint: [] };
    }
    if (repo === "e2e-test-images/busybox") return busybox();
    const anp = /^kas-network-proxy\/(proxy-server|proxy-agent)$/.exec(repo);
    if (anp) {
        const name = anp[1];
        return { file: built("konnectivity", tag, name), pathInImage: `/${name}`, entrypoint: [`/${name}`] };
    }
    throw new Error(`the suite has no binary for image ${image}`);
}
