/**
 * One rendered cluster, running: the seed's pods (etcd, kube-apiserver with its tunnel sidecar,
 * controller-manager, scheduler) each in its own network namespace on the seed network, the seed
 * nodes' kube-proxy (HAProxy) for the Services, the Octavia load balancer (HAProxy + nftables)
 * on the public and seed networks, the worker router (SNAT to the rendered router address), the
 * worker nodes (kubemark's hollow kubelet + the kubelet stand-in) and the user cluster's pods
 * (the agents) on the worker network, and an operator's netns on the public network for kubectl.
 *
 * Addresses: the rendered ones wherever the render has them (floating IP, VIP, seed nodes,
 * subnets and gateways, router address, pod CIDR); the seed's own pod and Service networks,
 * which the program does not render, are `seedPodCidr` and `seedServiceCidr`.
 */
import * as fs from "fs";
import * as ipaddr from "ipaddr.js";
import * as os from "os";
import * as path from "path";
import { versionPins } from "../../components/config";
import { defaultMinor } from "../build/targets";
import { built } from "./images";
import { issue, KeyPair, kubeconfig } from "./certs";
import { Haproxy, kubeProxyHaproxyConfig, octaviaHaproxyConfig, octaviaNftables, ServiceRoute } from "./haproxy";
import { Fabric, httpStatus, inNetns, netnsPrefix } from "./netns";
import {
    Container,
    Pod,
    PodPlacement,
    PodSources,
    PodSpec,
    PodTemplate,
    Probe,
    ServiceAccountFiles,
    sourcesOf,
} from "./pods";
import { must, Proc, runAsync, RunResult } from "./proc";
import { K8sObject, output, Rendered } from "./render";
import { waitFor } from "./wait";
import {
    bootstrapKubeconfig,
    caCertHash,
    clusterInfoServer,
    JoinCommand,
    parseJoinCommand,
    verifyDetachedJws,
} from "./join";
import { CsrObject, decodeCsr, refusalOf, ServingCsr, ServingCsrRules, servingCsrRulesOf } from "./csr";

export const seedPodCidr = "10.244.0.0/24";
export const seedServiceCidr = "10.245.0.0/24";

export interface LabOptions {
    /** Where pods' files and logs go; default a new directory under /tmp. */
    readonly root?: string;
    /** Worker nodes; default 2 (the agents' hostname anti-affinity wants one per agent). */
    readonly workers?: number;
    /**
     * What serves each worker node: "hollow" = kubemark's hollow kubelet registers the Node and runs
     * its pods (fake runtime) and the stand-in serves the kubelet API; "stand-in" = the suite
     * registers the Node itself and the stand-in serves the kubelet API (for minors without kubemark).
     */
    readonly kubelet?: "hollow" | "stand-in";
    /** Run the controller-manager and scheduler; default with "hollow" nodes. */
    readonly controllers?: boolean;
}

interface Workload {
    readonly kind: "StatefulSet" | "Deployment" | "DaemonSet";
    readonly object: K8sObject;
    readonly template: PodTemplate;
    readonly replicas: number;
}

export interface WorkerNode {
    readonly name: string;
    readonly netns: string;
    readonly address: string;
    readonly podCidr: string;
    /** The kubelet's kubeconfig: written by the join (hollow) or by the suite (stand-in). */
    readonly kubeconfig: string;
    /** Its certificates, logs and bootstrap kubeconfig. */
    readonly certDir: string;
    /** The `kubeadm join` of its VM's cloud-init. */
    readonly join: JoinCommand;
    standIn?: Proc;
    hollow?: Proc;
}

const cidrOf = (c: string) => ipaddr.parseCIDR(c) as [ipaddr.IPv4, number];

/** The n-th address of a CIDR (0 = the network address). */
export function nth(cidr: string, n: number): string {
    const base = ipaddr.IPv4.networkAddressFromCIDR(cidr);
    const v = base.toByteArray().reduce((a, b) => a * 256 + b, 0) + n;
    return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join(".");
}

const prefixOf = (cidr: string) => cidrOf(cidr)[1];

function overlaps(a: string, b: string): boolean {
    const [na, pa] = cidrOf(a);
    const [nb, pb] = cidrOf(b);
    return na.match(nb, Math.min(pa, pb));
}

function workloads(objects: readonly K8sObject[], namespace: string): Workload[] {
    return objects
        .filter(
            (o) => o.metadata.namespace === namespace && ["StatefulSet", "Deployment", "DaemonSet"].includes(o.kind),
        )
        .map((o) => {
            const spec = o.spec as { replicas?: number; template: PodTemplate };
            return {
                kind: o.kind as Workload["kind"],
                object: o,
                template: spec.template,
                replicas: o.kind === "DaemonSet" ? -1 : (spec.replicas ?? 1),
            };
        });
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
    Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** A container port by number or name. */
function portNumber(spec: PodSpec, port: number | string): number {
    if (typeof port === "number") return port;
    if (/^\d+$/.test(port)) return Number(port);
    for (const c of spec.containers) {
        const p = c.ports?.find((x) => x.name === port);
        if (p) return p.containerPort;
    }
    throw new Error(`no container port named ${port}`);
}

export class Lab {
    readonly root: string;
    readonly fabric: Fabric;
    readonly seedNamespace: string;
    readonly pods = new Map<string, Pod>();
    readonly workers: WorkerNode[] = [];
    readonly ns: { lb: string; nodes: string; router: string; client: string };
    readonly publicCidr: string;
    readonly clientAddress: string;
    readonly seedNodeAddresses: string[];
    readonly kubeconfigFile: string;
    readonly kubectlBinary: string;
    lb?: Haproxy;
    /** One kube-proxy per seed node, each with its own round-robin state, as each node has. */
    readonly kubeProxies: Haproxy[] = [];
    readonly seedNodeNetns: string[] = [];
    private routes: ServiceRoute[] = [];
    private readonly agentNames: string[] = [];
    private extraPods = 0;
    private readonly options: Required<Omit<LabOptions, "root">>;
    private readonly seedSources: PodSources;
    private readonly userSources: PodSources;
    private readonly clusterCa: KeyPair;
    /** Tokens of the user cluster's kube-system ServiceAccounts, made once the objects are applied. */
    private readonly serviceAccounts = new Map<string, ServiceAccountFiles>();

    constructor(
        readonly render: Rendered,
        options: LabOptions = {},
    ) {
        if (process.getuid?.() !== 0) {
            throw new Error("the e2e lab needs root: it makes network namespaces, mounts and nftables rules");
        }
        this.root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), "gks-e2e-"));
        const kubelet = options.kubelet ?? "hollow";
        this.options = {
            workers: options.workers ?? 2,
            kubelet,
            controllers: options.controllers ?? kubelet === "hollow",
        };
        this.seedNamespace = output(render, "seedNamespace");
        const lb = render.loadBalancer;
        this.publicCidr = `${nth(`${lb.floatingIp}/24`, 0)}/24`;
        const routerAddress = output(render, "workerRouterAddress");
        if (!overlaps(`${routerAddress}/32`, this.publicCidr)) {
            throw new Error(`the worker router ${routerAddress} is not in the floating IP's /24 ${this.publicCidr}`);
        }
        this.clientAddress = nth(this.publicCidr, 200);
        this.seedNodeAddresses = [...new Set(lb.listeners.flatMap((l) => l.pool.members.map((m) => m.address)))];
        for (const [a, b] of [
            [seedPodCidr, render.seedSubnet.cidr],
            [seedPodCidr, render.workerSubnet.cidr],
            [seedServiceCidr, render.seedSubnet.cidr],
            [seedServiceCidr, render.workerSubnet.cidr],
        ]) {
            if (overlaps(a, b)) throw new Error(`the suite's seed network ${a} overlaps the rendered ${b}`);
        }
        this.seedSources = sourcesOf(render.seed, this.seedNamespace);
        this.userSources = sourcesOf(render.userCluster, "kube-system");
        this.clusterCa = this.writeClusterCa();
        this.kubectlBinary = built("kubernetes", output(render, "kubernetesVersion"), "kubectl");
        this.kubeconfigFile = path.join(this.root, "admin.kubeconfig");
        fs.writeFileSync(this.kubeconfigFile, output(render, "kubeconfig"), { mode: 0o600 });
        this.ns = {
            lb: "lb",
            nodes: "seed-node-0",
            router: "router",
            client: "client",
        };
        // Last: from here on there are namespaces to remove (stop() does).
        this.fabric = new Fabric();
    }

    /** The cluster CA (from the rendered PKI: the CA in the apiserver's Secret, with its key). */
    private writeClusterCa(): KeyPair {
        const apiserverPki = [...this.seedSources.secrets.values()].find((d) => d["apiserver.crt"] !== undefined);
        const ca = apiserverPki?.["ca.crt"]?.toString();
        const crt = this.render.pki.find((p) => p.file.endsWith(".crt") && p.content.trim() === ca?.trim());
        const key = crt && this.render.pki.find((p) => p.file === crt.file.replace(/\.crt$/, ".key"));
        if (!crt || !key)
            throw new Error("render: the cluster CA (the apiserver Secret's ca.crt) and its key are missing");
        const dir = path.join(this.root, "pki");
        fs.mkdirSync(dir, { recursive: true });
        const pair = { cert: path.join(dir, "cluster-ca.crt"), key: path.join(dir, "cluster-ca.key") };
        fs.writeFileSync(pair.cert, crt.content);
        fs.writeFileSync(pair.key, key.content, { mode: 0o600 });
        return pair;
    }

    get clusterCaPair(): KeyPair {
        return this.clusterCa;
    }

    // ---- the networks -------------------------------------------------------------------------

    private buildNetworks(): void {
        const { render, fabric } = this;
        const lb = render.loadBalancer;
        const seed = render.seedSubnet;
        const worker = render.workerSubnet;
        const podCidr = this.userPodCidr();
        fabric.addNetwork("public");
        fabric.addNetwork("seed");
        fabric.addNetwork("worker");

        const lbNs = (this.ns.lb = fabric.addNamespace("lb"));
        fabric.attach(lbNs, "public", [`${lb.floatingIp}/${prefixOf(this.publicCidr)}`]);
        fabric.attach(lbNs, "seed", [`${lb.vipAddress}/${prefixOf(seed.cidr)}`]);

        // The seed's pods run on (and route through) the first seed node.
        this.seedNodeAddresses.forEach((a, i) => {
            const ns = fabric.addNamespace(`seed-node-${i}`);
            fabric.attach(ns, "seed", [
                `${a}/${prefixOf(seed.cidr)}`,
                ...(i === 0 ? [`${nth(seedPodCidr, 1)}/${prefixOf(seedPodCidr)}`] : []),
            ]);
            this.seedNodeNetns.push(ns);
        });
        this.ns.nodes = this.seedNodeNetns[0];
        // The other nodes reach the pods through the first, as a CNI routes to a node's pods.
        fabric.sysctl(this.ns.nodes, "net.ipv4.ip_forward", "1");
        for (const ns of this.seedNodeNetns.slice(1)) fabric.route(ns, seedPodCidr, this.seedNodeAddresses[0]);

        const router = (this.ns.router = fabric.addNamespace("router"));
        const routerAddress = output(render, "workerRouterAddress");
        fabric.attach(router, "public", [`${routerAddress}/${prefixOf(this.publicCidr)}`]);
        fabric.attach(router, "worker", [
            `${worker.gatewayIp}/${prefixOf(worker.cidr)}`,
            `${nth(podCidr, 1)}/${prefixOf(podCidr)}`,
        ]);
        fabric.sysctl(router, "net.ipv4.ip_forward", "1");
        this.nft(
            router,
            [
                "table ip gks_e2e_router {",
                "    chain postrouting {",
                "        type nat hook postrouting priority srcnat;",
                `        oifname "public" snat to ${routerAddress}`,
                "    }",
                "}",
                "",
            ].join("\n"),
        );

        const client = (this.ns.client = fabric.addNamespace("client"));
        fabric.attach(client, "public", [`${this.clientAddress}/${prefixOf(this.publicCidr)}`]);
    }

    /** The user cluster's pod network, from the rendered controller-manager flag. */
    userPodCidr(): string {
        const kcm = this.seedWorkloads().find((w) =>
            w.template.spec.containers.some((c) => (c.args ?? []).some((a) => a.startsWith("--cluster-cidr="))),
        );
        const flag = kcm?.template.spec.containers
            .flatMap((c) => c.args ?? [])
            .find((a) => a.startsWith("--cluster-cidr="));
        if (!flag) throw new Error("render: no controller-manager --cluster-cidr");
        return flag.split("=")[1];
    }

    private nft(netns: string, rules: string): void {
        const file = path.join(this.root, `${netns}.nft`);
        fs.writeFileSync(file, rules);
        must(inNetns(netns, ["/usr/sbin/nft", "-f", file]));
    }

    // ---- the seed -----------------------------------------------------------------------------

    seedWorkloads(): Workload[] {
        return workloads(this.render.seed, this.seedNamespace);
    }

    /** Pod names and addresses of the seed's workloads, as the controllers would create them. */
    private planSeedPods(): { name: string; workload: Workload; podIP: string }[] {
        let k = 10;
        const controllers = ["kube-controller-manager", "kube-scheduler"];
        const run = (w: Workload) =>
            this.options.controllers ||
            !controllers.includes(w.template.metadata.labels?.["app.kubernetes.io/name"] ?? "");
        return this.seedWorkloads()
            .filter(run)
            .flatMap((w) =>
                Array.from({ length: w.replicas }, (_, i) => ({
                    name: `${w.object.metadata.name}-${i}`,
                    workload: w,
                    podIP: nth(seedPodCidr, k++),
                })),
            );
    }

    /** The seed's Services as kube-proxy would route them, and the names the seed's DNS answers. */
    private seedServices(plan: ReturnType<Lab["planSeedPods"]>): {
        routes: ServiceRoute[];
        dns: Map<string, string>;
        clusterIPs: string[];
    } {
        const dns = new Map<string, string>();
        const clusterIPs: string[] = [];
        const routes: ServiceRoute[] = [];
        const ns = this.seedNamespace;
        const names = (base: string) => [base, `${base}.svc`, `${base}.svc.cluster.local`];
        let k = 10;
        for (const svc of this.render.seed.filter((o) => o.kind === "Service" && o.metadata.namespace === ns)) {
            const spec = svc.spec as {
                clusterIP?: string;
                selector?: Record<string, string>;
                type?: string;
                publishNotReadyAddresses?: boolean;
                ports: { name?: string; port: number; targetPort?: number | string; nodePort?: number }[];
            };
            const publishNotReady = spec.publishNotReadyAddresses === true;
            const selected = plan.filter(
                (p) => spec.selector && matches(spec.selector, p.workload.template.metadata.labels),
            );
            if (spec.clusterIP === "None") {
                for (const p of selected) {
                    for (const n of names(`${p.name}.${svc.metadata.name}.${ns}`)) dns.set(n, p.podIP);
                }
                continue;
            }
            const clusterIP = nth(seedServiceCidr, k++);
            clusterIPs.push(clusterIP);
            for (const n of names(`${svc.metadata.name}.${ns}`)) dns.set(n, clusterIP);
            for (const port of spec.ports) {
                const binds = [`${clusterIP}:${port.port}`];
                if (spec.type === "NodePort" && port.nodePort) {
                    binds.push(...this.seedNodeAddresses.map((a) => `${a}:${port.nodePort}`));
                }
                routes.push({
                    name: `${svc.metadata.name}-${port.name ?? port.port}`,
                    binds,
                    publishNotReady,
                    endpoints: selected.map((p) => ({
                        name: p.name,
                        address: p.podIP,
                        port: portNumber(p.workload.template.spec, port.targetPort ?? port.port),
                        check: publishNotReady ? undefined : readinessCheck(p.workload.template.spec),
                    })),
                });
            }
        }
        return { routes, dns, clusterIPs };
    }

    private addPod(
        template: PodTemplate,
        placement: Omit<PodPlacement, "labels">,
        sources: PodSources,
        claims: string[] = [],
    ): Pod {
        const pod = new Pod(
            { ...placement, labels: template.metadata.labels ?? {} },
            template.spec,
            sources,
            this.root,
        );
        for (const c of claims) pod.addClaim(c);
        this.pods.set(pod.name, pod);
        return pod;
    }

    pod(name: string): Pod {
        const p = this.pods.get(name);
        if (!p) throw new Error(`no pod ${name}`);
        return p;
    }

    /** The pods of a workload, by app.kubernetes.io/name. */
    podsOf(appName: string): Pod[] {
        return [...this.pods.values()].filter((p) => p.placement.labels["app.kubernetes.io/name"] === appName);
    }

    // ---- probes -------------------------------------------------------------------------------

    /** Runs a probe the way the kubelet does: from the node, to the pod's address. */
    async probe(pod: Pod, probe: Probe, container?: Container): Promise<boolean> {
        const worker = this.workers.find((w) => w.name === pod.placement.nodeName);
        const node = worker ? worker.netns : this.ns.nodes;
        if (probe.httpGet) {
            const port = portNumber(pod.spec, probe.httpGet.port);
            const scheme = (probe.httpGet.scheme ?? "HTTP").toLowerCase();
            const url = `${scheme}://${pod.placement.podIP}:${port}${probe.httpGet.path ?? "/"}`;
            const code = Number(await httpStatus(node, url, [], probe.timeoutSeconds ?? 1));
            return code >= 200 && code < 400;
        }
        if (probe.tcpSocket) {
            const port = portNumber(pod.spec, probe.tcpSocket.port);
            const r = await runAsync(
                inNetns(node, ["/usr/bin/bash", "-c", `exec 3<>/dev/tcp/${pod.placement.podIP}/${port}`]),
                {
                    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000 + 1000,
                },
            );
            return r.code === 0;
        }
        if (probe.exec && container) {
            const argv = pod.execArgv(container, probe.exec.command);
            if (!argv) return false;
            const r = await runAsync(argv, { timeoutMs: (probe.timeoutSeconds ?? 1) * 1000 + 1000 });
            return r.code === 0;
        }
        throw new Error(`pod ${pod.name}: probe kind not supported`);
    }

    /**
     * Ready as the kubelet would say: every container running, its startup probe passed once (the
     * kubelet stops probing it then) and its readiness probe passing.
     */
    async ready(pod: Pod): Promise<boolean> {
        if (!pod.alive) return false;
        for (const c of pod.spec.containers) {
            const started = this.started.get(pod)?.has(c.name) ?? false;
            if (c.startupProbe && !started) {
                if (!(await this.probe(pod, c.startupProbe, c))) return false;
                this.started.set(pod, (this.started.get(pod) ?? new Set()).add(c.name));
            }
            if (c.readinessProbe && !(await this.probe(pod, c.readinessProbe, c))) return false;
        }
        return true;
    }

    /** Containers whose startup probe has passed, per pod (forgotten when the pod restarts). */
    private readonly started = new Map<Pod, Set<string>>();

    async waitReady(pods: readonly Pod[], timeoutMs = 120_000): Promise<void> {
        await Promise.all(
            pods.map((p) =>
                waitFor(`pod ${p.name} to be ready`, () => this.ready(p), {
                    timeoutMs,
                    intervalMs: 500,
                    describe: () =>
                        p.containers.map((c) => `${c.name}: ${c.proc?.tail(5) ?? "not started"}`).join("\n"),
                }),
            ),
        );
    }

    // ---- commands -----------------------------------------------------------------------------

    /** kubectl as the operator runs it: from the public network, with the rendered admin kubeconfig. */
    kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
        return runAsync(inNetns(this.ns.client, [this.kubectlBinary, "--kubeconfig", this.kubeconfigFile, ...args]), {
            ...options,
            env: { PATH: "/usr/bin:/bin", HOME: this.root },
        });
    }

    async kubectlOk(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
        const r = await this.kubectl(args, options);
        if (r.code !== 0)
            throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
        return r.stdout;
    }

    /** kubectl against one apiserver replica, on its pod's loopback (a SAN of its certificate). */
    kubectlOn(pod: Pod, args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
        return runAsync(
            inNetns(pod.placement.netns, [
                this.kubectlBinary,
                "--kubeconfig",
                this.kubeconfigFile,
                "--server",
                "https://127.0.0.1:6443",
                ...args,
            ]),
            { timeoutMs, env: { PATH: "/usr/bin:/bin", HOME: this.root } },
        );
    }

    /** An HTTP GET from inside a pod's network namespace (admin and metrics ports bind loopback). */
    async getInPod(pod: Pod, url: string, timeoutS = 5): Promise<string> {
        const r = await runAsync(
            inNetns(pod.placement.netns, ["/usr/bin/curl", "-sS", "--fail", "--max-time", String(timeoutS), url]),
            {
                timeoutMs: timeoutS * 1000 + 5000,
            },
        );
        if (r.code !== 0) throw new Error(`GET ${url} in ${pod.name}: ${r.stderr.trim()}`);
        return r.stdout;
    }

    // ---- workers ------------------------------------------------------------------------------

    /** The workers: the rendered pools' VMs (names, join commands), at addresses of the worker subnet. */
    private planWorkers(): void {
        const worker = this.render.workerSubnet;
        const podCidr = this.userPodCidr();
        if (this.render.vms.length < this.options.workers) {
            throw new Error(
                `the lab wants ${this.options.workers} workers, the render has ${this.render.vms.length} VMs`,
            );
        }
        this.render.vms.slice(0, this.options.workers).forEach((vm, i) => {
            const dir = path.join(this.root, "nodes", vm.name);
            fs.mkdirSync(dir, { recursive: true });
            this.workers.push({
                name: vm.name,
                netns: `${netnsPrefix}-${vm.name}`,
                address: nth(worker.cidr, 10 + i),
                podCidr: `${nth(podCidr, i * 256)}/24`,
                kubeconfig: path.join(dir, "kubelet.kubeconfig"),
                certDir: dir,
                join: parseJoinCommand(vm.userData),
            });
        });
    }

    private startWorkerNetworks(): void {
        const worker = this.render.workerSubnet;
        for (const w of this.workers) {
            this.fabric.addNamespace(w.netns, new Map([[w.name, w.address]]));
            this.fabric.attach(w.netns, "worker", [`${w.address}/${prefixOf(worker.cidr)}`]);
            this.fabric.route(w.netns, "default", worker.gatewayIp);
        }
    }

    /** kube-public/cluster-info as a joining node reads it: anonymously, from its own network. */
    async clusterInfo(w: WorkerNode): Promise<{ status: string; data: Record<string, string> }> {
        const url = `https://${w.join.endpoint}/api/v1/namespaces/kube-public/configmaps/cluster-info`;
        // -k: discovery trusts nothing yet; the JWS and the CA pin are what it checks.
        const r = await runAsync(
            inNetns(w.netns, ["/usr/bin/curl", "-sk", "--max-time", "10", "-w", "\n%{http_code}", url]),
            { timeoutMs: 20_000 },
        );
        const lines = r.stdout.trimEnd().split("\n");
        const status = lines.pop() ?? "";
        const body = lines.join("\n");
        const data = status === "200" ? ((JSON.parse(body) as { data?: Record<string, string> }).data ?? {}) : {};
        return { status, data };
    }

    /**
     * kubeadm join's discovery for the node's token: cluster-info signed for its token id (the
     * bootstrapsigner signs within seconds of the token's Secret), the CA matching the pin; then the
     * bootstrap kubeconfig for the kubelet.
     */
    private async discover(w: WorkerNode): Promise<string> {
        const { tokenId, tokenSecret, caCertHash: pin } = w.join;
        const data = await waitFor(
            `cluster-info signed for token ${tokenId}`,
            async () => {
                const info = await this.clusterInfo(w);
                return info.data[`jws-kubeconfig-${tokenId}`] ? info.data : false;
            },
            { timeoutMs: 60_000, intervalMs: 1000 },
        );
        const content = data.kubeconfig;
        if (!verifyDetachedJws(content, data[`jws-kubeconfig-${tokenId}`], tokenId, tokenSecret)) {
            throw new Error(`${w.name}: cluster-info's signature for token ${tokenId} does not verify`);
        }
        const { server, caPem } = clusterInfoServer(content);
        if (caCertHash(caPem) !== pin) throw new Error(`${w.name}: cluster-info's CA does not match the pin ${pin}`);
        const file = path.join(w.certDir, "bootstrap-kubelet.kubeconfig");
        fs.writeFileSync(file, bootstrapKubeconfig(server, caPem, `${tokenId}.${tokenSecret}`), { mode: 0o600 });
        return file;
    }

    /**
     * For minors run without the controller-manager: the node's client and serving certificates
     * issued directly from the cluster CA, as its csrsigning controller would sign them.
     */
    private issueNodeCertificates(w: WorkerNode): KeyPair {
        const identity = { commonName: `system:node:${w.name}`, organizations: ["system:nodes"] };
        const client = issue(w.certDir, "kubelet-client", this.clusterCa, { ...identity, usage: "client" });
        const caPem = fs.readFileSync(this.clusterCa.cert, "utf8");
        fs.writeFileSync(w.kubeconfig, kubeconfig(output(this.render, "apiUrl"), caPem, client, w.name), {
            mode: 0o600,
        });
        return issue(w.certDir, "kubelet-server", this.clusterCa, {
            ...identity,
            usage: "server",
            ipSans: [w.address],
            dnsSans: [w.name],
        });
    }

    /** The kubelet API: with `serving`, that certificate; without, its own CSR (serverTLSBootstrap). */
    startStandIn(w: WorkerNode, serving?: KeyPair): void {
        const standIn = built("kubelet-stand-in", standInVersion, "kubelet-stand-in");
        const certificates = serving
            ? [`--tls-cert-file=${serving.cert}`, `--tls-private-key-file=${serving.key}`]
            : ["--rotate-server-certificates", `--cert-dir=${w.certDir}`];
        w.standIn = new Proc(
            `${w.name}/kubelet-stand-in`,
            inNetns(w.netns, [
                standIn,
                `--node-name=${w.name}`,
                `--listen=${w.address}:10250`,
                `--client-ca-file=${this.clusterCa.cert}`,
                `--kubeconfig=${w.kubeconfig}`,
                ...certificates,
            ]),
            // exec runs commands as processes on the node, which finds them on PATH.
            { log: path.join(w.certDir, "kubelet-stand-in.log"), env: { PATH: "/usr/bin:/bin" } },
        );
    }

    /** kubemark's hollow kubelet, joining with the bootstrap kubeconfig as a kubelet does. */
    startHollow(w: WorkerNode, bootstrap: string): void {
        const version = output(this.render, "kubernetesVersion");
        const kubemark = built("kubernetes", version, "kubemark");
        w.hollow = new Proc(
            `${w.name}/hollow-kubelet`,
            inNetns(w.netns, [
                kubemark,
                "--morph=kubelet",
                `--name=${w.name}`,
                `--bootstrap-kubeconfig=${bootstrap}`,
                `--kubeconfig=${w.kubeconfig}`,
                `--cert-dir=${w.certDir}`,
                // Its own kubelet server has neither TLS nor authentication (see the stand-in): an
                // ephemeral port nobody dials. The Node then reports port 0, so kube-apiserver dials
                // its default 10250, where the stand-in serves.
                "--kubelet-port=0",
                "--kubelet-read-only-port=0",
                "--use-host-image-service=false",
            ]),
            {
                log: path.join(w.certDir, "hollow-kubelet.log"),
                env: { PATH: "/usr/bin:/bin", TMPDIR: w.certDir },
            },
        );
    }

    /** A Node object as the kubelet would register it, for runs without kubemark. */
    private async registerNode(w: WorkerNode): Promise<void> {
        const node = {
            apiVersion: "v1",
            kind: "Node",
            metadata: { name: w.name, labels: { "kubernetes.io/hostname": w.name } },
        };
        await this.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(node) });
        const status = {
            status: {
                addresses: [
                    { type: "InternalIP", address: w.address },
                    { type: "Hostname", address: w.name },
                ],
            },
        };
        await this.kubectlOk([
            "patch",
            "node",
            w.name,
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify(status),
        ]);
    }

    /** The rendered kubelet-csr-approver's rules (its flags), which the suite applies in its place. */
    servingCsrRules(): ServingCsrRules {
        const approver = workloads(this.render.userCluster, "kube-system").find(
            (x) => x.template.metadata.labels?.["app.kubernetes.io/name"] === "kubelet-csr-approver",
        );
        if (!approver) throw new Error("render: no kubelet-csr-approver in the user cluster");
        return servingCsrRulesOf(approver.template.spec.containers[0].args ?? []);
    }

    /**
     * Approves each node's pending kubelet-serving CSR if kubelet-csr-approver's rendered rules
     * admit it (that controller's image is not built here), then waits for the signer; returns the
     * CSRs as approved. A CSR the rules refuse stays pending and fails the bring-up.
     */
    private async approveServingCsrs(): Promise<ServingCsr[]> {
        const rules = this.servingCsrRules();
        const approved = new Map<string, ServingCsr>();
        await waitFor(
            "every node's kubelet-serving CSR, approved and signed",
            async () => {
                const csrs = await this.servingCsrs();
                for (const csr of csrs) {
                    const w = this.workers.find((x) => csr.username === `system:node:${x.name}`);
                    if (!w || csr.approved || approved.has(w.name)) continue;
                    const refusal = refusalOf(csr, rules);
                    if (refusal) throw new Error(`${csr.name} of ${w.name} would not be approved: ${refusal}`);
                    await this.kubectlOk(["certificate", "approve", csr.name]);
                    approved.set(w.name, csr);
                }
                return this.workers.every((w) => csrs.some((c) => c.username === `system:node:${w.name}` && c.issued));
            },
            {
                timeoutMs: 90_000,
                intervalMs: 1000,
                describe: () => this.workers.map((w) => w.standIn?.tail(3) ?? "").join("\n"),
            },
        );
        return [...approved.values()];
    }

    /** The cluster's kubelet-serving CSRs, decoded. */
    async servingCsrs(): Promise<ServingCsr[]> {
        const list = JSON.parse(await this.kubectlOk(["get", "csr", "-o", "json"])) as { items: CsrObject[] };
        return list.items.filter((c) => c.spec.signerName === "kubernetes.io/kubelet-serving").map(decodeCsr);
    }

    /** The nodes' CSRs and certificates as the join made them, for the tests. */
    joined: { servingCsrs: ServingCsr[] } = { servingCsrs: [] };

    // ---- the user cluster's agents ------------------------------------------------------------

    agentWorkload(): Workload {
        const w = workloads(this.render.userCluster, "kube-system").find(
            (x) => x.template.metadata.labels?.["app.kubernetes.io/name"] === "konnectivity-agent",
        );
        if (!w) throw new Error("render: no konnectivity-agent workload in the user cluster");
        return w;
    }

    private planAgents(): void {
        const w = this.agentWorkload();
        const replicas = w.kind === "DaemonSet" ? this.workers.length : w.replicas;
        const hostNetwork = w.template.spec.hostNetwork === true;
        if (hostNetwork && replicas > this.workers.length) {
            throw new Error(
                `${replicas} host-network agents need as many worker nodes (the lab has ${this.workers.length})`,
            );
        }
        for (let i = 0; i < replicas; i++) {
            const node = this.workers[i % this.workers.length];
            const name = `konnectivity-agent-${i}`;
            if (hostNetwork) {
                this.addUserPod(w.template, name, node.netns, node.address, node, this.userSources);
            } else {
                const podIP = nth(node.podCidr, 10 + Math.floor(i / this.workers.length));
                const netns = this.fabric.addNamespace(name);
                this.fabric.attach(netns, "worker", [`${podIP}/${prefixOf(this.userPodCidr())}`]);
                this.fabric.route(netns, "default", nth(this.userPodCidr(), 1));
                this.addUserPod(w.template, name, netns, podIP, node, this.userSources);
            }
            this.agentNames.push(name);
        }
    }

    /** A pod of the user cluster's kube-system on a worker node (the agents' namespace). */
    private addUserPod(
        template: PodTemplate,
        name: string,
        netns: string,
        podIP: string,
        node: WorkerNode,
        sources: PodSources,
    ): Pod {
        const placement = { name, namespace: "kube-system", netns, podIP, nodeName: node.name, hostIP: node.address };
        const pod = this.addPod(template, { ...placement, hosts: new Map() }, sources);
        if (pod.automountsToken) {
            const account = template.spec.serviceAccountName ?? "default";
            const files = this.serviceAccounts.get(account);
            if (!files) throw new Error(`pod ${name}: no token for ServiceAccount kube-system/${account}`);
            pod.projectServiceAccount(files);
        }
        return pod;
    }

    /** The rendered agents' pods (not the extra ones a test adds). */
    agents(): Pod[] {
        return this.agentNames.map((n) => this.pod(n));
    }

    get userClusterSources(): PodSources {
        return this.userSources;
    }

    /**
     * A user-cluster pod the render does not have (e.g. an agent with another certificate): on a
     * worker node's pod network, or with `outside` on the public network, away from the router.
     * Always in a netns of its own, also for a host-network template: beside the rendered agent on
     * its node it would only collide on the agent's ports, which is not what such a test is about.
     */
    addWorkerPod(name: string, template: PodTemplate, options: { sources?: PodSources; outside?: boolean } = {}): Pod {
        template = { ...template, spec: { ...template.spec, hostNetwork: false } };
        const k = this.extraPods++;
        const netns = this.fabric.addNamespace(name);
        const node = this.workers[0];
        let podIP: string;
        if (options.outside) {
            podIP = nth(this.publicCidr, 210 + k);
            this.fabric.attach(netns, "public", [`${podIP}/${prefixOf(this.publicCidr)}`]);
        } else {
            podIP = nth(node.podCidr, 200 + k);
            this.fabric.attach(netns, "worker", [`${podIP}/${prefixOf(this.userPodCidr())}`]);
            this.fabric.route(netns, "default", nth(this.userPodCidr(), 1));
        }
        return this.addUserPod(template, name, netns, podIP, node, options.sources ?? this.userSources);
    }

    apiservers(): Pod[] {
        return this.podsOf("kube-apiserver");
    }

    // ---- bring-up -----------------------------------------------------------------------------

    async start(): Promise<void> {
        this.buildNetworks();
        const plan = this.planSeedPods();
        const { routes, dns, clusterIPs } = this.seedServices(plan);
        this.routes = routes;
        this.fabric.addAddresses(
            this.ns.nodes,
            "seed",
            clusterIPs.map((a) => `${a}/32`),
        );
        for (const p of plan) {
            const netns = this.fabric.addNamespace(p.name);
            this.fabric.attach(netns, "seed", [`${p.podIP}/${prefixOf(seedPodCidr)}`]);
            this.fabric.route(netns, "default", nth(seedPodCidr, 1));
            const claims = (
                (p.workload.object.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] })
                    .volumeClaimTemplates ?? []
            ).map((t) => t.metadata.name);
            this.addPod(
                p.workload.template,
                {
                    name: p.name,
                    namespace: this.seedNamespace,
                    netns,
                    podIP: p.podIP,
                    nodeName: "seed-node",
                    hostIP: this.seedNodeAddresses[0],
                    hosts: dns,
                },
                this.seedSources,
                claims,
            );
        }
        const etcd = this.podsOf("etcd");
        const apiservers = this.apiservers();
        for (const p of [...etcd, ...apiservers]) p.start();
        await this.waitReady([...etcd, ...apiservers], 180_000);
        // The Services' kube-proxy and the load balancer come up once their endpoints are: HAProxy
        // starts servers as up, so nothing waits for its checks to rise.
        const infra = path.join(this.root, "infra");
        this.seedNodeNetns.forEach((ns, i) => {
            // Each node's kube-proxy serves its own NodePorts; the first also the ClusterIPs its pods use.
            const own = (bind: string) => {
                const address = bind.split(":")[0];
                return address === this.seedNodeAddresses[i] || (i === 0 && overlaps(`${address}/32`, seedServiceCidr));
            };
            const mine = routes.map((r) => ({ ...r, binds: r.binds.filter(own) })).filter((r) => r.binds.length > 0);
            this.kubeProxies.push(
                new Haproxy(`kube-proxy-${i}`, ns, infra, (sock) => kubeProxyHaproxyConfig(mine, sock)),
            );
        });
        this.lb = new Haproxy("octavia", this.ns.lb, infra, (s) => octaviaHaproxyConfig(this.render.loadBalancer, s));
        this.nft(this.ns.lb, octaviaNftables(this.render.loadBalancer));
        for (const k of this.kubeProxies) k.start();
        this.lb.start();
        await waitFor(
            "the API through the load balancer",
            async () => {
                const r = await this.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 10_000 });
                if (r.stdout === "ok") return true;
                throw new Error(r.stderr.trim() || r.stdout.trim());
            },
            { timeoutMs: 60_000, intervalMs: 1000 },
        );
        if (this.options.controllers) {
            const controllers = [...this.podsOf("kube-controller-manager"), ...this.podsOf("kube-scheduler")];
            for (const p of controllers) p.start();
            await this.waitReady(controllers);
        }
        await this.applyUserCluster();
        await this.makeServiceAccountTokens();

        this.planWorkers();
        this.startWorkerNetworks();
        const hollow = this.options.kubelet === "hollow";
        for (const w of this.workers) {
            if (hollow) this.startHollow(w, await this.discover(w));
            else {
                this.startStandIn(w, this.issueNodeCertificates(w));
                await this.registerNode(w);
            }
        }
        await waitFor(
            "every worker Node to be registered",
            async () => {
                const r = await this.kubectl(["get", "nodes", "-o", "name"]);
                return this.workers.every((w) => r.stdout.includes(`node/${w.name}`));
            },
            {
                timeoutMs: 90_000,
                intervalMs: 1000,
                describe: () => this.workers.map((w) => w.hollow?.tail(3) ?? "").join("\n"),
            },
        );
        if (hollow) {
            // The kubelet API with the node's joined credentials, its serving certificate by CSR.
            for (const w of this.workers) this.startStandIn(w);
            this.joined = { servingCsrs: await this.approveServingCsrs() };
        }
        this.planAgents();
    }

    // ---- pods coming and going, with the Services' endpoints following -------------------------

    /**
     * Takes a pod out of its Services' endpoints at once, as the endpoints controller does when the
     * kubelet reports the pod gone (HAProxy's own checks would take a few periods).
     */
    private async setEndpoints(pod: Pod, enabled: boolean, onlyNotReady = false): Promise<void> {
        for (const k of this.kubeProxies) {
            const config = fs.readFileSync(k.config, "utf8");
            const routes = this.routes.filter((x) => !onlyNotReady || x.publishNotReady);
            for (const r of routes.filter((x) => x.endpoints.some((e) => e.name === pod.name))) {
                if (config.includes(`listen ${r.name}\n`)) {
                    await k.command(`${enabled ? "enable" : "disable"} server ${r.name}/${pod.name}`);
                }
            }
        }
    }

    /** Deletes a pod gracefully (SIGTERM, then SIGKILL after the grace period). */
    async stopPod(pod: Pod, graceMs = 10_000): Promise<void> {
        await this.setEndpoints(pod, false);
        await pod.stop(graceMs);
    }

    /** Crashes a pod: SIGKILL to every container, as a node failure does. */
    async killPod(pod: Pod): Promise<void> {
        await this.setEndpoints(pod, false);
        await pod.kill();
    }

    /**
     * Starts a pod (again) and puts it back into its Services: at once into those that publish
     * not-ready addresses (the agents' Service: a new server gets its agents before it is
     * Ready), into the others once it is ready.
     */
    async startPod(pod: Pod, timeoutMs = 120_000): Promise<void> {
        this.started.delete(pod);
        pod.start();
        await this.setEndpoints(pod, true, true);
        await this.waitReady([pod], timeoutMs);
        await this.setEndpoints(pod, true);
    }

    /** What `pulumi up` applies to the user cluster, applied with kubectl. */
    async applyUserCluster(): Promise<void> {
        const list = { apiVersion: "v1", kind: "List", items: this.render.userCluster };
        await this.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(list), timeoutMs: 60_000 });
    }

    /**
     * A token for the agents' ServiceAccount (the only user-cluster pods the lab runs), from the
     * TokenRequest API as the kubelet gets one (not bound to a pod object: the lab's pods have
     * none), with the cluster CA as ca.crt (what kube-root-ca.crt publishes).
     */
    private async makeServiceAccountTokens(): Promise<void> {
        const spec = this.agentWorkload().template.spec;
        if (spec.automountServiceAccountToken === false) return;
        const account = spec.serviceAccountName ?? "default";
        const token = await this.kubectlOk(["-n", "kube-system", "create", "token", account]);
        const ca = fs.readFileSync(this.clusterCa.cert, "utf8");
        this.serviceAccounts.set(account, { token: token.trim(), "ca.crt": ca, namespace: "kube-system" });
    }

    /**
     * Stops everything by PID and removes the namespaces; the files (keys among them) go too
     * unless `keepFiles`, for a failed run's inspection.
     */
    async stop(keepFiles = false): Promise<void> {
        await Promise.all([...this.pods.values()].map((p) => p.stop(5000)));
        await Promise.all(this.workers.flatMap((w) => [w.hollow?.stop(5000), w.standIn?.stop(5000)]));
        await Promise.all([this.lb?.stop(), ...this.kubeProxies.map((k) => k.stop())]);
        this.fabric.teardown();
        if (!keepFiles) fs.rmSync(this.root, { recursive: true, force: true });
    }

    /** Every log the lab wrote, for a failed run's report. */
    logs(): string[] {
        const out: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory() && e.name !== "root" && e.name !== "volumes") walk(p);
                else if (e.isFile() && e.name.endsWith(".log")) out.push(p);
            }
        };
        walk(this.root);
        return out;
    }
}

/** The pod's readiness as a kube-proxy endpoint check: its first container with a readiness probe. */
function readinessCheck(spec: PodSpec): ServiceRoute["endpoints"][number]["check"] {
    const probes = spec.containers.filter((c) => c.readinessProbe).map((c) => c.readinessProbe!);
    if (probes.length > 1) throw new Error("pods with more than one readiness probe are not modelled");
    const p = probes[0];
    if (!p) return undefined;
    if (p.httpGet) {
        return {
            port: portNumber(spec, p.httpGet.port),
            path: p.httpGet.path ?? "/",
            https: (p.httpGet.scheme ?? "HTTP") === "HTTPS",
            periodSeconds: p.periodSeconds ?? 10,
            failureThreshold: p.failureThreshold ?? 3,
        };
    }
    if (p.tcpSocket) {
        return {
            port: portNumber(spec, p.tcpSocket.port),
            https: false,
            periodSeconds: p.periodSeconds ?? 10,
            failureThreshold: p.failureThreshold ?? 3,
        };
    }
    return undefined;
}

/** The stand-in is built once, against the default minor's client libraries; every run uses it. */
const standInVersion = versionPins(defaultMinor).kubernetes;
