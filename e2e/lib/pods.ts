/**
 * Runs a rendered pod the way a kubelet would, without a container runtime: each container gets
 * its own root (a directory holding what its image would: the binary where the image keeps it,
 * /etc files, /dev nodes, /proc), every volumeMount at its rendered path, backed by the keys of
 * the Secret or ConfigMap it names (mode defaultMode, group fsGroup, as the kubelet writes them),
 * emptyDirs shared by the pod's containers, a fresh data directory per volumeClaimTemplate; the
 * root read-only when readOnlyRootFilesystem says so; env with valueFrom and `$(VAR)` expansion;
 * the exact command and args; runAsUser/runAsGroup/fsGroup and no_new_privs; the pod's name as
 * hostname and its own network namespace, or with hostNetwork the node's (the caller places it in
 * the node's netns at the node's address). Nothing is remapped: the paths are the rendered ones,
 * inside the container's root. Containers that exit are restarted with a back-off (restartPolicy
 * Always), as a kubelet does.
 */
import * as fs from "fs";
import * as path from "path";
import { imageBinary, imagePath } from "./images";
import { inNetns } from "./netns";
import { Proc } from "./proc";
import { K8sObject } from "./render";
import { sleep } from "./wait";

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        fieldRef?: { fieldPath: string };
        secretKeyRef?: { name: string; key: string; optional?: boolean };
        configMapKeyRef?: { name: string; key: string; optional?: boolean };
    };
}

export interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: EnvVar[];
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
    ports?: { name?: string; containerPort: number; protocol?: string }[];
    readinessProbe?: Probe;
    startupProbe?: Probe;
    securityContext?: SecurityContext;
}

export interface Probe {
    exec?: { command: string[] };
    httpGet?: { path?: string; port: number | string; scheme?: string };
    tcpSocket?: { port: number | string };
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
}

export interface SecurityContext {
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
}

export interface Volume {
    name: string;
    secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string; mode?: number }[] };
    configMap?: { name: string; defaultMode?: number; items?: { key: string; path: string; mode?: number }[] };
    emptyDir?: Record<string, unknown>;
    persistentVolumeClaim?: { claimName: string };
}

export interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    volumes?: Volume[];
    securityContext?: SecurityContext & { fsGroup?: number; supplementalGroups?: number[] };
    hostNetwork?: boolean;
    automountServiceAccountToken?: boolean;
    serviceAccountName?: string;
}

/** What the ServiceAccount admission plugin projects into a pod: its token, the root CA, the namespace. */
export interface ServiceAccountFiles {
    readonly token: string;
    readonly "ca.crt": string;
    readonly namespace: string;
}

/** Where the ServiceAccount admission plugin mounts them, in every container. */
export const serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface PodTemplate {
    metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: PodSpec;
}

/** Where a pod runs and what it is called: what the API server and the kubelet would decide. */
export interface PodPlacement {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    /** The pod's network namespace (made by the caller) and its address there. */
    readonly netns: string;
    readonly podIP: string;
    readonly nodeName: string;
    readonly hostIP: string;
    /** Names -> addresses the pod resolves (/etc/hosts): the cluster's DNS, as far as it needs it. */
    readonly hosts: ReadonlyMap<string, string>;
}

/** The Secrets and ConfigMaps of the pod's namespace, by name: what its volumes and env refer to. */
export interface PodSources {
    readonly secrets: ReadonlyMap<string, Record<string, Buffer>>;
    readonly configMaps: ReadonlyMap<string, Record<string, Buffer>>;
}

/** Kubernetes' `$(VAR)` expansion: defined names are replaced, `$$` is a literal `$`, the rest stays. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
    return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
        if (name === undefined) return "$";
        return vars.get(name) ?? match;
    });
}

export function sourcesOf(objects: readonly K8sObject[], namespace: string): PodSources {
    const secrets = new Map<string, Record<string, Buffer>>();
    const configMaps = new Map<string, Record<string, Buffer>>();
    for (const o of objects) {
        if (o.metadata.namespace !== namespace) continue;
        const data = (o.data ?? {}) as Record<string, string>;
        const stringData = (o.stringData ?? {}) as Record<string, string>;
        if (o.kind === "Secret") {
            const decoded: Record<string, Buffer> = {};
            for (const [k, v] of Object.entries(data)) decoded[k] = Buffer.from(v, "base64");
            for (const [k, v] of Object.entries(stringData)) decoded[k] = Buffer.from(v);
            secrets.set(o.metadata.name, decoded);
        } else if (o.kind === "ConfigMap") {
            const plain: Record<string, Buffer> = {};
            for (const [k, v] of Object.entries(data)) plain[k] = Buffer.from(v);
            for (const [k, v] of Object.entries((o.binaryData ?? {}) as Record<string, string>)) {
                plain[k] = Buffer.from(v, "base64");
            }
            configMaps.set(o.metadata.name, plain);
        }
    }
    return { secrets, configMaps };
}

function fieldValue(placement: PodPlacement, fieldPath: string): string {
    const values: Record<string, string> = {
        "metadata.name": placement.name,
        "metadata.namespace": placement.namespace,
        "spec.nodeName": placement.nodeName,
        "status.podIP": placement.podIP,
        "status.podIPs": placement.podIP,
        "status.hostIP": placement.hostIP,
        "status.hostIPs": placement.hostIP,
        "spec.serviceAccountName": "default",
    };
    const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
    if (label) return placement.labels[label[1]] ?? "";
    const v = values[fieldPath];
    if (v === undefined) throw new Error(`pod ${placement.name}: fieldRef ${fieldPath} is not supported`);
    return v;
}

/** The container's environment as the kubelet computes it (in order; later entries see earlier ones). */
export function containerEnv(c: Container, placement: PodPlacement, sources: PodSources): Map<string, string> {
    const env = new Map<string, string>();
    for (const e of c.env ?? []) {
        let value: string | undefined;
        if (e.valueFrom?.fieldRef) value = fieldValue(placement, e.valueFrom.fieldRef.fieldPath);
        else if (e.valueFrom?.secretKeyRef) {
            const ref = e.valueFrom.secretKeyRef;
            value = sources.secrets.get(ref.name)?.[ref.key]?.toString("utf8");
            if (value === undefined && !ref.optional) {
                throw new Error(`pod ${placement.name}: env ${e.name} needs Secret ${ref.name} key ${ref.key}`);
            }
        } else if (e.valueFrom?.configMapKeyRef) {
            const ref = e.valueFrom.configMapKeyRef;
            value = sources.configMaps.get(ref.name)?.[ref.key]?.toString("utf8");
            if (value === undefined && !ref.optional) {
                throw new Error(`pod ${placement.name}: env ${e.name} needs ConfigMap ${ref.name} key ${ref.key}`);
            }
        } else value = expand(e.value ?? "", env);
        if (value !== undefined) env.set(e.name, value);
    }
    return env;
}

/** The volume the admission plugin adds (kube-api-access-<random> in a real pod). */
const serviceAccountVolume = "kube-api-access";

const passwd =
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
const group = "root:x:0:\nnogroup:x:65534:\nnonroot:x:65532:\n";

/** A shell word, quoted. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface ContainerState {
    readonly name: string;
    proc?: Proc;
    restarts: number;
}

export class Pod {
    readonly dir: string;
    readonly containers: ContainerState[];
    private running = false;
    private startedBefore = false;
    private serviceAccountProjected = false;
    private readonly supervisors: Promise<void>[] = [];

    constructor(
        readonly placement: PodPlacement,
        readonly spec: PodSpec,
        private readonly sources: PodSources,
        root: string,
    ) {
        if ((spec.initContainers ?? []).length > 0) {
            throw new Error(`pod ${placement.name}: init containers are not supported yet`);
        }
        this.dir = path.join(root, "pods", placement.name);
        this.containers = spec.containers.map((c) => ({ name: c.name, restarts: 0 }));
        this.prepareVolumes();
        for (const c of spec.containers) this.prepareRoot(c);
    }

    get name(): string {
        return this.placement.name;
    }

    /** The pod's hostname: its name, or on the host network the node's, as the kubelet sets it. */
    get hostname(): string {
        return this.spec.hostNetwork ? this.placement.nodeName : this.name;
    }

    container(name: string): Container {
        const c = this.spec.containers.find((x) => x.name === name);
        if (!c) throw new Error(`pod ${this.name} has no container ${name}`);
        return c;
    }

    state(name: string): ContainerState {
        const s = this.containers.find((x) => x.name === name);
        if (!s) throw new Error(`pod ${this.name} has no container ${name}`);
        return s;
    }

    logFile(container: string): string {
        return path.join(this.dir, `${container}.log`);
    }

    /** The argv the container runs: command (or the image's entrypoint) + args, `$(VAR)` expanded. */
    argv(c: Container): string[] {
        const env = containerEnv(c, this.placement, this.sources);
        const command = c.command ?? [...imageBinary(c.image).entrypoint];
        if (command.length === 0) throw new Error(`pod ${this.name}: container ${c.name} has no command`);
        return [...command, ...(c.args ?? [])].map((a) => expand(a, env));
    }

    /** Whether the pod gets a ServiceAccount token (the admission plugin's default is yes). */
    get automountsToken(): boolean {
        return this.spec.automountServiceAccountToken !== false;
    }

    /**
     * The projected token volume, as the kubelet writes it (files readable by the pod's fsGroup);
     * from then on every container mounts it read-only at the admission plugin's path.
     */
    projectServiceAccount(files: ServiceAccountFiles): void {
        const dir = this.volumeDir(serviceAccountVolume);
        fs.mkdirSync(dir, { recursive: true });
        const fsGroup = this.spec.securityContext?.fsGroup;
        for (const [name, content] of Object.entries(files)) {
            const file = path.join(dir, name);
            fs.writeFileSync(file, content, { mode: 0o640 });
            fs.chmodSync(file, 0o640);
            if (fsGroup !== undefined) fs.chownSync(file, 0, fsGroup);
        }
        for (const c of this.spec.containers)
            fs.mkdirSync(path.join(this.rootOf(c), serviceAccountMountPath), { recursive: true });
        this.serviceAccountProjected = true;
    }

    private volumeDir(name: string): string {
        return path.join(this.dir, "volumes", name);
    }

    private prepareVolumes(): void {
        const fsGroup = this.spec.securityContext?.fsGroup;
        for (const v of this.spec.volumes ?? []) {
            const dir = this.volumeDir(v.name);
            fs.mkdirSync(dir, { recursive: true });
            const source = v.secret
                ? {
                      kind: "Secret",
                      name: v.secret.secretName,
                      ...v.secret,
                      data: this.sources.secrets.get(v.secret.secretName),
                  }
                : v.configMap
                  ? {
                        kind: "ConfigMap",
                        ...v.configMap,
                        data: this.sources.configMaps.get(v.configMap.name),
                    }
                  : undefined;
            if (source) {
                if (!source.data)
                    throw new Error(`pod ${this.name}: volume ${v.name} needs ${source.kind} ${source.name}`);
                const mode = source.defaultMode ?? 0o644;
                const items =
                    source.items ?? Object.keys(source.data).map((key) => ({ key, path: key, mode: undefined }));
                for (const item of items) {
                    const value = source.data[item.key];
                    if (value === undefined) {
                        throw new Error(`pod ${this.name}: ${source.kind} ${source.name} has no key ${item.key}`);
                    }
                    const file = path.join(dir, item.path);
                    fs.mkdirSync(path.dirname(file), { recursive: true });
                    fs.writeFileSync(file, value);
                    fs.chmodSync(file, item.mode ?? mode);
                    if (fsGroup !== undefined) fs.chownSync(file, 0, fsGroup);
                }
                fs.chmodSync(dir, 0o755);
                if (fsGroup !== undefined) fs.chownSync(dir, 0, fsGroup);
            } else if (v.emptyDir) {
                fs.chmodSync(dir, 0o777);
                if (fsGroup !== undefined) fs.chownSync(dir, 0, fsGroup);
            } else if (v.persistentVolumeClaim) {
                this.prepareClaimDir(dir, fsGroup);
            } else {
                throw new Error(`pod ${this.name}: volume ${v.name} is of a kind the suite does not support`);
            }
        }
    }

    /** Empties the pod's emptyDir volumes (a replacement pod's are new). */
    private emptyEmptyDirs(): void {
        for (const v of this.spec.volumes ?? []) {
            if (!v.emptyDir) continue;
            const dir = this.volumeDir(v.name);
            for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
        }
    }

    /** A fresh volume as a provisioner makes it, with fsGroup applied (group rwx, setgid). */
    private prepareClaimDir(dir: string, fsGroup: number | undefined): void {
        fs.mkdirSync(dir, { recursive: true });
        if (fsGroup !== undefined) {
            fs.chownSync(dir, 0, fsGroup);
            fs.chmodSync(dir, 0o2775);
        }
    }

    /** Volumes from volumeClaimTemplates: the StatefulSet names them, the pod mounts them by name. */
    addClaim(name: string): void {
        this.prepareClaimDir(this.volumeDir(name), this.spec.securityContext?.fsGroup);
    }

    /**
     * An exec probe's command line: the command in the running container's mount namespace and
     * root, as its user (its mounts exist only there: `ip netns exec` gave it a namespace of its own).
     */
    execArgv(c: Container, command: readonly string[]): string[] | undefined {
        const pid = this.state(c.name).proc?.pid;
        if (pid === undefined) return undefined;
        const sc = { ...this.spec.securityContext, ...c.securityContext };
        const user = sc.runAsUser ?? 0;
        const ids = ["-S", String(user), "-G", String(sc.runAsGroup ?? user)];
        return ["/usr/bin/nsenter", "-t", String(pid), "-m", "-n", "-r", "-w", ...ids, "--", ...command];
    }

    private rootOf(c: Container): string {
        return path.join(this.dir, "containers", c.name, "root");
    }

    private prepareRoot(c: Container): void {
        const root = this.rootOf(c);
        const image = imageBinary(c.image);
        for (const d of ["etc", "dev", "proc", "tmp", "var/run", "usr/local/bin"]) {
            fs.mkdirSync(path.join(root, d), { recursive: true });
        }
        fs.chmodSync(path.join(root, "tmp"), 0o1777);
        const hosts = [
            "127.0.0.1\tlocalhost",
            `${this.placement.podIP}\t${this.hostname}`,
            ...[...this.placement.hosts].map(([name, ip]) => `${ip}\t${name}`),
        ];
        const etc: Record<string, string> = {
            hosts: hosts.join("\n") + "\n",
            hostname: `${this.hostname}\n`,
            // Resolution never leaves the pod: names the hosts file lacks fail on the pod's loopback.
            "resolv.conf": "nameserver 127.0.0.1\noptions ndots:1\n",
            "nsswitch.conf": "hosts: files dns\n",
            passwd,
            group,
        };
        for (const [f, content] of Object.entries(etc)) fs.writeFileSync(path.join(root, "etc", f), content);
        for (const dev of ["null", "zero", "random", "urandom"]) fs.writeFileSync(path.join(root, "dev", dev), "");
        const binary = path.join(root, image.pathInImage);
        fs.mkdirSync(path.dirname(binary), { recursive: true });
        fs.writeFileSync(binary, "");
        for (const link of image.links ?? []) {
            const at = path.join(root, link);
            if (at === binary || fs.existsSync(at)) continue;
            fs.mkdirSync(path.dirname(at), { recursive: true });
            fs.symlinkSync(image.pathInImage, at);
        }
        for (const lib of image.libraries ?? []) {
            fs.mkdirSync(path.dirname(path.join(root, lib)), { recursive: true });
            fs.copyFileSync(lib, path.join(root, lib));
        }
        for (const [file, content] of Object.entries(image.scripts ?? {})) {
            fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
            fs.writeFileSync(path.join(root, file), content, { mode: 0o755 });
        }
        for (const m of c.volumeMounts ?? []) {
            if (m.subPath) throw new Error(`pod ${this.name}: subPath mounts are not supported yet`);
            fs.mkdirSync(path.join(root, m.mountPath), { recursive: true });
        }
    }

    /** The script that sets up the container's mounts and becomes its process. */
    private launchScript(c: Container): string {
        const root = this.rootOf(c);
        const image = imageBinary(c.image);
        const sc = { ...this.spec.securityContext, ...c.securityContext };
        const lines = [
            "#!/bin/sh",
            "set -eu",
            `R=${q(root)}`,
            'mount --bind "$R" "$R"',
            ...["null", "zero", "random", "urandom"].map((d) => `mount --bind /dev/${d} "$R/dev/${d}"`),
            'mount -t proc proc "$R/proc"',
            `mount --bind ${q(image.file)} "$R"${q(image.pathInImage)}`,
            `mount -o remount,bind,ro "$R"${q(image.pathInImage)}`,
        ];
        for (const m of c.volumeMounts ?? []) {
            const target = `"$R"${q(m.mountPath)}`;
            lines.push(`mount --bind ${q(this.volumeDir(m.name))} ${target}`);
            if (m.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
        }
        if (this.serviceAccountProjected) {
            const target = `"$R"${q(serviceAccountMountPath)}`;
            lines.push(
                `mount --bind ${q(this.volumeDir(serviceAccountVolume))} ${target}`,
                `mount -o remount,bind,ro ${target}`,
            );
        }
        if (sc.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro "$R"');
        lines.push(`hostname ${q(this.hostname)}`);
        const user = sc.runAsUser ?? 0;
        const groupId = sc.runAsGroup ?? user;
        const groups = [
            ...new Set([
                groupId,
                ...(this.spec.securityContext?.fsGroup !== undefined ? [this.spec.securityContext.fsGroup] : []),
                ...(this.spec.securityContext?.supplementalGroups ?? []),
            ]),
        ];
        const noNewPrivs = sc.allowPrivilegeEscalation === false ? ["/usr/bin/setpriv", "--no-new-privs"] : [];
        const argv = this.argv(c);
        lines.push(
            `exec ${[
                ...noNewPrivs,
                "/usr/sbin/chroot",
                `--userspec=${user}:${groupId}`,
                `--groups=${groups.join(",")}`,
                root,
                ...argv,
            ]
                .map(q)
                .join(" ")}`,
        );
        return lines.join("\n") + "\n";
    }

    private startContainer(c: Container): Proc {
        const script = path.join(this.dir, `${c.name}.sh`);
        fs.writeFileSync(script, this.launchScript(c), { mode: 0o700 });
        const env = containerEnv(c, this.placement, this.sources);
        return new Proc(
            `${this.name}/${c.name}`,
            inNetns(this.placement.netns, ["/usr/bin/unshare", "--uts", "/bin/sh", script]),
            {
                log: this.logFile(c.name),
                env: { PATH: imagePath, HOSTNAME: this.hostname, ...Object.fromEntries(env) },
            },
        );
    }

    /** Starts every container (in order, as a kubelet does) and keeps them running. */
    start(): void {
        if (this.running) return;
        if (this.automountsToken && !this.serviceAccountProjected) {
            throw new Error(`pod ${this.name} mounts a ServiceAccount token, but none was projected`);
        }
        // Started again, it stands for the pod that replaces it: fresh emptyDirs, as the new pod
        // gets them (the tunnel gate's open marker is one); claims and Secrets stay.
        if (this.startedBefore) this.emptyEmptyDirs();
        this.startedBefore = true;
        this.running = true;
        for (const c of this.spec.containers) {
            const state = this.state(c.name);
            state.proc = this.startContainer(c);
            this.supervisors.push(this.supervise(c, state));
        }
    }

    private async supervise(c: Container, state: ContainerState): Promise<void> {
        let backoff = 1000;
        while (this.running) {
            const proc = state.proc;
            if (!proc) return;
            while (this.running && !(await proc.waitExit(500))) {
                // still running
            }
            if (!this.running) return;
            fs.appendFileSync(
                this.logFile(c.name),
                `\n[e2e] container exited (${proc.code}); restart in ${backoff} ms\n`,
            );
            await sleep(backoff);
            backoff = Math.min(backoff * 2, 10_000);
            if (!this.running) return;
            state.restarts++;
            state.proc = this.startContainer(c);
        }
    }

    /** Stops every container by PID (SIGTERM, then SIGKILL), as a pod deletion does. */
    async stop(graceMs = 10_000): Promise<void> {
        this.running = false;
        await Promise.all(this.containers.map((s) => s.proc?.stop(graceMs)));
        await Promise.all(this.supervisors.splice(0));
    }

    /** SIGKILLs every container: a crashed node, as the fault tests want it. */
    async kill(): Promise<void> {
        this.running = false;
        await Promise.all(this.containers.map((s) => s.proc?.kill()));
        await Promise.all(this.supervisors.splice(0));
    }

    get alive(): boolean {
        return this.running && this.containers.every((s) => s.proc?.alive);
    }
}
