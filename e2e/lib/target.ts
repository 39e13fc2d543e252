/**
 * A user-cluster pod pinned to the first worker node: what logs, exec and port-forward aim at. The
 * hollow kubelet runs it (fake runtime); the kubelet stand-in serves its logs, exec and ports.
 */
import * as fs from "fs";
import * as path from "path";
import { Lab } from "./lab";
import { inNetns } from "./netns";
import { Proc, runAsync } from "./proc";
import { waitFor } from "./wait";

/** The target pod; `node` is the first worker's name (a rendered VM's), set when it starts. */
export const target = { name: "e2e-target", namespace: "default", container: "main", node: "", port: 8080 };

export async function startTarget(l: Lab): Promise<void> {
    target.node = l.workers[0].name;
    const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: target.name, namespace: target.namespace },
        spec: {
            nodeName: target.node,
            containers: [
                {
                    name: target.container,
                    image: "registry.k8s.io/pause:3.10",
                    ports: [{ containerPort: target.port }],
                },
            ],
        },
    };
    await l.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(pod) });
    await waitFor(
        "the target pod to run on the hollow node",
        async () => (await l.kubectlOk(["get", "pod", target.name, "-o", "jsonpath={.status.phase}"])) === "Running",
        { timeoutMs: 90_000, intervalMs: 1000 },
    );
}

export interface Transfer {
    readonly ok: boolean;
    /** Bytes per second, as curl measured the download. */
    readonly bytesPerSecond: number;
    readonly out: string;
}

/**
 * `kubectl port-forward` to the target's port from the operator's namespace, and a download of
 * `bytes` through it (the stand-in's payload: GET /bytes/<n>).
 */
export async function portForward(l: Lab, bytes: number, maxSeconds = 20): Promise<Transfer> {
    const local = 18080;
    const log = path.join(l.root, `port-forward-${Date.now()}.log`);
    const pf = new Proc(
        "port-forward",
        inNetns(l.ns.client, [
            l.kubectlBinary,
            "--kubeconfig",
            l.kubeconfigFile,
            "port-forward",
            `pod/${target.name}`,
            `${local}:${target.port}`,
        ]),
        { log, env: { PATH: "/usr/bin:/bin", HOME: l.root } },
    );
    try {
        await waitFor(
            "kubectl port-forward to listen",
            () => {
                if (!pf.alive) throw new Error(pf.tail());
                return fs.readFileSync(log, "utf8").includes("Forwarding from");
            },
            { timeoutMs: 20_000 },
        );
        return await download(l.ns.client, `http://127.0.0.1:${local}/bytes/${bytes}`, bytes, maxSeconds);
    } catch (e) {
        return { ok: false, bytesPerSecond: 0, out: `${String(e)}\n${pf.tail(5)}` };
    } finally {
        await pf.stop(5000);
    }
}

/** A download with curl inside a namespace: whether all bytes came, and how fast. */
export async function download(netns: string, url: string, bytes: number, maxSeconds = 20): Promise<Transfer> {
    const r = await runAsync(
        inNetns(netns, [
            "/usr/bin/curl",
            "-sS",
            "--max-time",
            String(maxSeconds),
            "-o",
            "/dev/null",
            "-w",
            "%{size_download} %{speed_download}",
            url,
        ]),
        { timeoutMs: (maxSeconds + 10) * 1000 },
    );
    const [size, speed] = r.stdout.trim().split(" ").map(Number);
    return { ok: r.code === 0 && size === bytes, bytesPerSecond: speed || 0, out: r.stdout + r.stderr };
}
