/**
 * Which built binary stands for which image, and where that image keeps it, so that a pod's
 * command resolves inside its root exactly as in the image:
 * - registry.k8s.io/kube-apiserver, -controller-manager, -scheduler: /usr/local/bin/<name>
 *   (k8s.io/kubernetes build/server-image/kube-apiserver/Dockerfile, "COPY ... /usr/local/bin/${BINARY}");
 * - registry.k8s.io/etcd: /usr/local/bin/etcd (cluster/images/etcd);
 * - registry.k8s.io/kas-network-proxy/proxy-server, proxy-agent: /proxy-server, /proxy-agent, also
 *   their ENTRYPOINT (apiserver-network-proxy artifacts/images/{server,agent}-build.Dockerfile).
 */
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
    const anp = /^kas-network-proxy\/(proxy-server|proxy-agent)$/.exec(repo);
    if (anp) {
        const name = anp[1];
        return { file: built("konnectivity", tag, name), pathInImage: `/${name}`, entrypoint: [`/${name}`] };
    }
    throw new Error(`the suite has no binary for image ${image}`);
}
