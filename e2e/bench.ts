/**
 * `npm run bench:tunnel`: figures of the Konnectivity tunnel on the rendered dev stack (root, Go,
 * the e2e build): latency of `kubectl logs` and of node-proxy GETs through the tunnel against the
 * same requests sent straight to the kubelet from the worker network, port-forward throughput
 * against a download on the node itself, and how long the full mesh takes to come back after a
 * konnectivity-server (with its kube-apiserver) restarts. It prints figures; it asserts nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { waitMesh } from "./lib/konnectivity";
import { Lab } from "./lib/lab";
import { inNetns } from "./lib/netns";
import { sourcesOf } from "./lib/pods";
import { runAsync } from "./lib/proc";
import { render, suiteChanges } from "./lib/render";
import { download, portForward, startTarget, target } from "./lib/target";

const rounds = Number(process.env.GKS_BENCH_ROUNDS ?? 40);
const payload = 64 << 20;

function percentile(values: number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const line = (what: string, values: number[]) =>
    console.log(
        `${what.padEnd(58)} p50 ${ms(percentile(values, 50)).padStart(7)}   p95 ${ms(percentile(values, 95)).padStart(7)}`,
    );

/** Wall time of a command, in ms; fails the bench when the command fails. */
async function timed(argv: string[], expect: (out: string) => boolean): Promise<number> {
    const t0 = process.hrtime.bigint();
    const r = await runAsync(argv, { timeoutMs: 30_000, env: { PATH: "/usr/bin:/bin", HOME: "/tmp" } });
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.code !== 0 || !expect(r.stdout)) throw new Error(`${argv.join(" ")}: ${r.stderr || r.stdout}`);
    return elapsed;
}

/** curl's own total time for a GET, in ms (no process start-up in it). */
async function curlTime(netns: string, args: string[], url: string, expect: (out: string) => boolean): Promise<number> {
    const r = await runAsync(
        inNetns(netns, ["/usr/bin/curl", "-sS", "--fail", ...args, "-w", "\n%{time_total}", url]),
        {
            timeoutMs: 30_000,
        },
    );
    const lines = r.stdout.trimEnd().split("\n");
    const seconds = Number(lines.pop());
    if (r.code !== 0 || !expect(lines.join("\n"))) throw new Error(`GET ${url}: ${r.stderr || r.stdout}`);
    return seconds * 1000;
}

async function series(n: number, f: () => Promise<number>): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await f());
    return out;
}

/** The client certificate and key of a kubeconfig, as files. */
function clientFiles(kubeconfigText: string, dir: string, name: string): string[] {
    const cert = /client-certificate-data:\s*(\S+)/.exec(kubeconfigText)?.[1];
    const key = /client-key-data:\s*(\S+)/.exec(kubeconfigText)?.[1];
    if (!cert || !key) throw new Error(`${name}: no client certificate in the kubeconfig`);
    const certFile = path.join(dir, `${name}.crt`);
    const keyFile = path.join(dir, `${name}.key`);
    fs.writeFileSync(certFile, Buffer.from(cert, "base64"));
    fs.writeFileSync(keyFile, Buffer.from(key, "base64"), { mode: 0o600 });
    return ["--cert", certFile, "--key", keyFile];
}

async function main(): Promise<void> {
    const rendered = await render(suiteChanges);
    const lab = new Lab(rendered, { kubelet: "hollow" });
    try {
        await lab.start();
        for (const a of lab.agents()) a.start();
        await waitMesh(lab, 120_000);
        await startTarget(lab);
        const dir = path.join(lab.root, "bench");
        fs.mkdirSync(dir, { recursive: true });
        const apiUrl = String(rendered.outputs.apiUrl);
        const admin = clientFiles(fs.readFileSync(lab.kubeconfigFile, "utf8"), dir, "admin");
        const ca = ["--cacert", lab.clusterCaPair.cert];
        // kube-apiserver's own kubelet client identity, from its rendered Secret, for the direct GETs.
        const secrets = sourcesOf(rendered.seed, lab.seedNamespace).secrets;
        const pki = [...secrets.values()].find((d) => d["kubelet-client.crt"] !== undefined)!;
        fs.writeFileSync(path.join(dir, "kubelet-client.crt"), pki["kubelet-client.crt"]);
        fs.writeFileSync(path.join(dir, "kubelet-client.key"), pki["kubelet-client.key"], { mode: 0o600 });
        const kubeletClient = [
            "-k",
            "--cert",
            path.join(dir, "kubelet-client.crt"),
            "--key",
            path.join(dir, "kubelet-client.key"),
        ];
        const node = lab.workers.find((w) => w.name === target.node)!;
        const kubelet = `https://${node.address}:10250`;
        const logPath = `/containerLogs/${target.namespace}/${target.name}/${target.container}?tailLines=10`;
        const hasLines = (out: string) => out.includes(`${target.name}/${target.container} line 100`);

        console.log(
            `\nTunnel bench: ${rounds} requests each, ${lab.agents().length} agents x ${lab.apiservers().length} servers`,
        );
        line(
            "kubectl logs --tail=10 (operator -> LB -> apiserver -> tunnel)",
            await series(rounds, () =>
                timed(
                    inNetns(lab.ns.client, [
                        lab.kubectlBinary,
                        "--kubeconfig",
                        lab.kubeconfigFile,
                        "logs",
                        target.name,
                        "--tail=10",
                    ]),
                    hasLines,
                ),
            ),
        );
        line(
            "GET pods/log?tailLines=10 through the tunnel (curl)",
            await series(rounds, () =>
                curlTime(
                    lab.ns.client,
                    [...ca, ...admin],
                    `${apiUrl}/api/v1/namespaces/${target.namespace}/pods/${target.name}/log?tailLines=10`,
                    hasLines,
                ),
            ),
        );
        line(
            "GET containerLogs direct to the kubelet (curl, worker network)",
            await series(rounds, () => curlTime(lab.ns.router, kubeletClient, `${kubelet}${logPath}`, hasLines)),
        );
        line(
            "GET nodes/proxy/healthz through the tunnel (curl)",
            await series(rounds, () =>
                curlTime(
                    lab.ns.client,
                    [...ca, ...admin],
                    `${apiUrl}/api/v1/nodes/${node.name}/proxy/healthz`,
                    (o) => o === "ok",
                ),
            ),
        );
        line(
            "GET /healthz direct to the kubelet (curl, worker network)",
            await series(rounds, () => curlTime(lab.ns.router, kubeletClient, `${kubelet}/healthz`, (o) => o === "ok")),
        );

        const mb = (bps: number) => `${(bps / 1e6).toFixed(1)} MB/s`;
        const through = await portForward(lab, payload, 120);
        if (!through.ok) throw new Error(`port-forward: ${through.out}`);
        const direct = await download(node.netns, `http://127.0.0.1:${target.port}/bytes/${payload}`, payload, 120);
        if (!direct.ok) throw new Error(`direct download: ${direct.out}`);
        console.log(`${"port-forward download of 64 MiB through the tunnel".padEnd(58)} ${mb(through.bytesPerSecond)}`);
        console.log(`${"the same download on the node itself (no tunnel)".padEnd(58)} ${mb(direct.bytesPerSecond)}`);

        const restarts: string[] = [];
        for (let i = 0; i < 3; i++) {
            const victim = lab.apiservers()[i % lab.apiservers().length];
            await lab.killPod(victim);
            const t0 = Date.now();
            await lab.startPod(victim);
            const ready = Date.now() - t0;
            const meshMs = await waitMesh(lab, 300_000);
            restarts.push(
                `${((ready + meshMs) / 1000).toFixed(1)} s (ready ${(ready / 1000).toFixed(1)} s + ${(meshMs / 1000).toFixed(1)} s)`,
            );
        }
        console.log(`${"full mesh back after a server restart (kill -> start)".padEnd(58)} ${restarts.join(", ")}`);
    } finally {
        await lab.stop();
    }
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
