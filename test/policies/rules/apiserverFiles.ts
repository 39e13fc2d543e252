import { EngineResource } from "../engine";
import { resource, types, workload } from "./fixtures";

/**
 * kube-apiserver pods that read files from ConfigMaps and Secrets, for the rules that follow a
 * flag to the file it names (apiserver-audit-log, apiserver-encryption-at-rest).
 */
export interface ApiserverOptions {
    readonly name?: string;
    readonly namespace?: string;
    readonly volumeMounts?: readonly Record<string, unknown>[];
    readonly volumes?: unknown;
}

/** A kube-apiserver Deployment with these args, mounts and pod volumes. */
export function apiserver(args: readonly unknown[], options: ApiserverOptions = {}): EngineResource {
    const container = {
        name: "kube-apiserver",
        image: "registry.k8s.io/kube-apiserver:v1.36.5",
        command: ["kube-apiserver"],
        args,
        volumeMounts: options.volumeMounts ?? [],
    };
    return workload(types.deployment, [container], {
        name: options.name ?? "apiserver",
        namespace: options.namespace ?? "cluster-a",
        pod: { volumes: options.volumes ?? [] },
    });
}

/** A Secret whose stringData holds these files. */
export const secretFiles = (name: string, files: Record<string, string>, namespace = "cluster-a") =>
    resource(types.secret, { metadata: { name, namespace }, stringData: files }, { name });

/** A ConfigMap whose data holds these files. */
export const configMapFiles = (name: string, files: Record<string, string>, namespace = "cluster-a") =>
    resource(types.configMap, { metadata: { name, namespace }, data: files }, { name });

/** A directory mount of a whole Secret or ConfigMap volume. */
export const mountAt = (volume: string, mountPath: string) => ({ name: volume, mountPath });
export const secretVolume = (volume: string, secretName: string) => ({ name: volume, secret: { secretName } });
export const configMapVolume = (volume: string, name: string) => ({ name: volume, configMap: { name } });
