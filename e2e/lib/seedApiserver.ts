/**
 * A second kube-apiserver (with its own one-member etcd) playing the seed cluster, for
 * server-side dry-runs of what the program applies to the seed. Its flags are the suite's, not
 * the render's: it stands for the seed's own control plane, with kube-apiserver's defaults
 * (PodSecurity admission on) and RBAC.
 */
import * as fs from "fs";
import * as path from "path";
import { issue, kubeconfig, newCa } from "./certs";
import { built } from "./images";
import { Fabric, inNetns } from "./netns";
import { must, Proc, runAsync, RunResult } from "./proc";
import { waitFor } from "./wait";

export interface SeedApiserverOptions {
    readonly fabric: Fabric;
    readonly network: string;
    /** Address and prefix on that network, e.g. "203.0.113.201/24". */
    readonly address: string;
    /** The Kubernetes release whose kube-apiserver and kubectl play the seed, e.g. "v1.36.5". */
    readonly kubernetes: string;
    /** The etcd version to run, e.g. "v3.6.8". */
    readonly etcd: string;
    readonly dir: string;
}

export class SeedApiserver {
    readonly netns: string;
    readonly kubeconfigFile: string;
    readonly kubectlBinary: string;
    private readonly procs: Proc[] = [];

    constructor(private readonly o: SeedApiserverOptions) {
        fs.mkdirSync(o.dir, { recursive: true });
        this.netns = o.fabric.addNamespace("seed-api");
        o.fabric.attach(this.netns, o.network, [o.address]);
        this.kubeconfigFile = path.join(o.dir, "admin.kubeconfig");
        this.kubectlBinary = built("kubernetes", o.kubernetes, "kubectl");
    }

    async start(): Promise<void> {
        const { dir } = this.o;
        const ip = this.o.address.split("/")[0];
        const ca = newCa(path.join(dir, "pki"), "seed-ca");
        const serving = issue(path.join(dir, "pki"), "seed-apiserver", ca, {
            commonName: "kube-apiserver",
            usage: "server",
            ipSans: [ip, "127.0.0.1"],
        });
        const admin = issue(path.join(dir, "pki"), "seed-admin", ca, {
            commonName: "seed-admin",
            organizations: ["system:masters"],
            usage: "client",
        });
        const saKey = path.join(dir, "pki", "sa.key");
        must(["/usr/bin/openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", saKey]);
        fs.writeFileSync(
            this.kubeconfigFile,
            kubeconfig(`https://${ip}:6443`, fs.readFileSync(ca.cert, "utf8"), admin, "seed-admin"),
            { mode: 0o600 },
        );
        const log = (n: string) => ({ log: path.join(dir, `${n}.log`) });
        this.procs.push(
            new Proc(
                "seed-etcd",
                inNetns(this.netns, [
                    built("etcd", this.o.etcd, "etcd"),
                    `--data-dir=${path.join(dir, "etcd")}`,
                    "--listen-client-urls=http://127.0.0.1:2379",
                    "--advertise-client-urls=http://127.0.0.1:2379",
                    "--listen-peer-urls=http://127.0.0.1:2380",
                    "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                    "--initial-cluster=default=http://127.0.0.1:2380",
                    "--listen-metrics-urls=http://127.0.0.1:2381",
                ]),
                log("seed-etcd"),
            ),
        );
        this.procs.push(
            new Proc(
                "seed-kube-apiserver",
                inNetns(this.netns, [
                    built("kubernetes", this.o.kubernetes, "kube-apiserver"),
                    "--etcd-servers=http://127.0.0.1:2379",
                    `--advertise-address=${ip}`,
                    "--secure-port=6443",
                    `--client-ca-file=${ca.cert}`,
                    `--tls-cert-file=${serving.cert}`,
                    `--tls-private-key-file=${serving.key}`,
                    `--service-account-issuer=https://${ip}:6443`,
                    `--service-account-key-file=${saKey}`,
                    `--service-account-signing-key-file=${saKey}`,
                    "--service-cluster-ip-range=10.96.0.0/12",
                    "--authorization-mode=Node,RBAC",
                ]),
                log("seed-kube-apiserver"),
            ),
        );
        await waitFor(
            "the seed's kube-apiserver to be ready",
            async () => {
                const r = await this.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 10_000 });
                if (r.stdout === "ok") return true;
                throw new Error(r.stderr.trim() || r.stdout.trim());
            },
            { timeoutMs: 120_000, intervalMs: 1000, describe: () => this.procs.map((p) => p.tail(5)).join("\n") },
        );
    }

    /** kubectl from the seed apiserver's own namespace (its loopback is a SAN too). */
    kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
        return runAsync(inNetns(this.netns, [this.kubectlBinary, "--kubeconfig", this.kubeconfigFile, ...args]), {
            ...options,
            env: { PATH: "/usr/bin:/bin", HOME: this.o.dir },
        });
    }

    async stop(): Promise<void> {
        for (const p of this.procs.reverse()) await p.stop(5000);
    }
}
