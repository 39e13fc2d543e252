import * as fs from "fs";
import * as path from "path";
import { at, RecordedContainer, RecordedResource } from "../harness";

/**
 * A container of a recorded workload, made runnable on this machine the way the kubelet would
 * run it: the files of the Secrets and ConfigMaps it mounts written out, a shell snippet that
 * mounts them (and its emptyDirs) in a private mount namespace, its command, and the
 * capabilities its securityContext adds.
 */
export interface Runnable {
    readonly mounts: string;
    readonly command: string[];
    readonly capabilities: string[];
    readonly container: RecordedContainer;
}

interface PodVolume {
    name: string;
    secret?: { secretName: string; defaultMode?: number };
    configMap?: { name: string };
    emptyDir?: object;
    hostPath?: { path: string };
}

/** Secret and ConfigMap files live under one folder the host has, so a tmpfs over it holds them. */
const filesRoot = "/etc/openvpn";

export function runnable(
    resources: readonly RecordedResource[],
    workload: RecordedResource,
    container: RecordedContainer,
    scratch: string,
): Runnable {
    const volumes = at(workload.inputs, "spec.template.spec.volumes") as PodVolume[];
    const objectData = (type: string, name: string) => {
        const found = resources.find(
            (r) => r.type === type && r.provider === workload.provider && at(r.inputs, "metadata.name") === name,
        );
        if (!found) throw new Error(`${workload.name}: no ${type} ${name}`);
        return (found.inputs.stringData ?? found.inputs.data) as Record<string, string>;
    };
    const lines = ["set -e", `mount -t tmpfs tmpfs ${filesRoot}`];
    for (const mount of (container.volumeMounts ?? []) as { name: string; mountPath: string }[]) {
        const volume = volumes.find((v) => v.name === mount.name);
        if (!volume) throw new Error(`${workload.name}/${container.name}: no volume ${mount.name}`);
        if (volume.secret || volume.configMap) {
            if (!mount.mountPath.startsWith(`${filesRoot}/`)) {
                throw new Error(
                    `${container.name} mounts ${mount.mountPath}; the lab holds files under ${filesRoot} only`,
                );
            }
            const data = volume.secret
                ? objectData("kubernetes:core/v1:Secret", volume.secret.secretName)
                : objectData("kubernetes:core/v1:ConfigMap", volume.configMap!.name);
            const local = path.join(scratch, container.name, mount.name);
            fs.mkdirSync(local, { recursive: true });
            for (const [key, content] of Object.entries(data)) fs.writeFileSync(path.join(local, key), content);
            lines.push(`mkdir -p ${mount.mountPath}`, `cp ${local}/* ${mount.mountPath}/`);
            // As the kubelet writes a Secret volume (a ConfigMap's files are 0644).
            const mode = volume.secret?.defaultMode ?? (volume.secret ? 0o644 : undefined);
            if (mode !== undefined) lines.push(`chmod ${mode.toString(8)} ${mount.mountPath}/*`);
        } else if (volume.emptyDir) {
            lines.push(`mount -t tmpfs tmpfs ${mount.mountPath}`);
        } else if (volume.hostPath?.path !== mount.mountPath) {
            throw new Error(
                `${container.name}: volume ${mount.name} is neither a file source, an emptyDir nor a host device`,
            );
        }
    }
    const capabilities = (at(container, "securityContext.capabilities.add") as string[] | undefined) ?? [];
    return {
        mounts: lines.join("\n"),
        command: [...((container.command as string[] | undefined) ?? []), ...(container.args ?? [])],
        capabilities,
        container,
    };
}

/** An exec probe's command. */
export function probeCommand(
    container: RecordedContainer,
    probe: "readinessProbe" | "livenessProbe" | "startupProbe",
): string[] {
    const command = at(container, `${probe}.exec.command`) as string[] | undefined;
    if (!command) throw new Error(`${container.name} has no exec ${probe}`);
    return command;
}
