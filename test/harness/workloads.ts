import { at } from "./find";
import { RecordedResource } from "./recorder";

/** A container of a recorded workload, as its inputs give it. */
export interface RecordedContainer {
    name: string;
    image: string;
    args: string[];
    volumeMounts?: { name: string; mountPath: string }[];
    [key: string]: unknown;
}

/** The named container of a Deployment/StatefulSet/DaemonSet (the first when no name is given). */
export function containerOf(workload: RecordedResource, name?: string): RecordedContainer {
    const containers = at(workload.inputs, "spec.template.spec.containers") as RecordedContainer[];
    const found = name === undefined ? containers[0] : containers.find((c) => c.name === name);
    if (!found) throw new Error(`${workload.name} has no container ${name}`);
    return found;
}

/** The value of `--name=value` in a container's args. */
export function flagOf(container: RecordedContainer, name: string): string | undefined {
    const arg = container.args.find((a) => a.startsWith(`--${name}=`));
    return arg?.slice(name.length + 3);
}

/**
 * The content of the file a container reads at `path`: the key of the Secret or ConfigMap mounted
 * at the file's directory, found among the resources of the workload's own provider (cluster).
 */
export function mountedFile(
    resources: readonly RecordedResource[],
    workload: RecordedResource,
    container: RecordedContainer,
    path: string,
): string {
    const dir = path.slice(0, path.lastIndexOf("/"));
    const mount = container.volumeMounts?.find((m) => m.mountPath === dir);
    const volumes = at(workload.inputs, "spec.template.spec.volumes") as {
        name: string;
        secret?: { secretName: string };
        configMap?: { name: string };
    }[];
    const volume = volumes.find((v) => v.name === mount?.name);
    const [type, name] = volume?.secret
        ? ["kubernetes:core/v1:Secret", volume.secret.secretName]
        : ["kubernetes:core/v1:ConfigMap", volume?.configMap?.name];
    const source = resources.find(
        (r) => r.type === type && r.provider === workload.provider && at(r.inputs, "metadata.name") === name,
    );
    if (!source) throw new Error(`${workload.name}/${container.name}: no Secret or ConfigMap mounted at ${dir}`);
    const data = (source.inputs.stringData ?? source.inputs.data) as Record<string, string>;
    return data[path.slice(path.lastIndexOf("/") + 1)];
}
