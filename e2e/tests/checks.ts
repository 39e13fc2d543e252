/**
 * Checks every lab passes, whatever its minor: the processes run the rendered command lines from
 * the pinned builds, kube-apiserver is ready, and `cluster` egress goes over the tunnel.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { Lab } from "../lib/lab";
import { metricValue } from "../lib/metrics";
import { Pod } from "../lib/pods";
import { run } from "../lib/proc";

/** The rendered argv of a container: command + args, with its env's `$(VAR)` values put in. */
export function renderedArgv(pod: Pod, container: string): string[] {
    const c = pod.container(container);
    const values = new Map<string, string>();
    for (const e of c.env ?? []) {
        if (e.value !== undefined) values.set(e.name, e.value);
        else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") values.set(e.name, pod.name);
        else if (e.valueFrom?.fieldRef?.fieldPath === "status.hostIP") values.set(e.name, pod.placement.hostIP);
    }
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    return argv.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (m, n: string) => values.get(n) ?? m));
}

function procStatus(pid: number): Record<string, string> {
    return Object.fromEntries(
        fs
            .readFileSync(`/proc/${pid}/status`, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => [l.split(":")[0], l.split(":").slice(1).join(":").trim()]),
    );
}

export const seedAndAgents = (l: Lab) => [...l.pods.values()].filter((p) => p.alive);

/** Each running container's argv is the rendered command + args; it runs as its runAsUser, without privilege gain. */
export function checkCommandLines(l: Lab): string[] {
    const checked: string[] = [];
    for (const pod of seedAndAgents(l)) {
        for (const c of pod.spec.containers) {
            const pid = pod.state(c.name).proc!.pid;
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
            const expected = renderedArgv(pod, c.name);
            // Only $(NAME) of a variable the container defines is Kubernetes' to expand; the rest
            // (a shell's $(date +%s), say) stays as written.
            const names = new Set((c.env ?? []).map((e) => e.name));
            const left = [...expected.join(" ").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].filter((m) =>
                names.has(m[1]),
            );
            assert.deepEqual(
                left.map((m) => m[0]),
                [],
                `${pod.name}/${c.name}: unexpanded in ${expected.join(" ")}`,
            );
            assert.deepEqual(argv, expected, `${pod.name}/${c.name}: the process's argv is not the rendered one`);
            const uid = procStatus(pid).Uid.split(/\s+/)[0];
            const runAsUser = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
            assert.equal(uid, String(runAsUser), `${pod.name}/${c.name}: runs as uid ${uid}, not ${runAsUser}`);
            assert.equal(procStatus(pid).NoNewPrivs, "1", `${pod.name}/${c.name}: may gain privileges`);
            checked.push(`${pod.name}/${c.name}`);
        }
    }
    return checked;
}

/**
 * The server and kubectl report the pin; each binary is built from its module at the image's tag
 * (`go version -m`), and Kubernetes' own --version says the pin (the release build's ldflags).
 */
/** Images whose binary the suite does not build from the pinned module, but takes from Debian. */
const standsIn = /^registry\.k8s\.io\/e2e-test-images\/busybox:/;

export async function checkVersions(l: Lab): Promise<void> {
    const pin = String(l.render.outputs.kubernetesVersion);
    const version = JSON.parse(await l.kubectlOk(["version", "-o", "json"])) as {
        serverVersion: { gitVersion: string };
        clientVersion: { gitVersion: string };
    };
    assert.equal(version.serverVersion.gitVersion, pin);
    assert.equal(version.clientVersion.gitVersion, pin);
    const modules: [RegExp, string, (tag: string) => string][] = [
        [/\/kube-/, "k8s.io/kubernetes", (t) => t],
        [/\/etcd:/, "go.etcd.io/etcd/server/v3", (t) => `v${t.split("-")[0]}`],
        [/\/kas-network-proxy\//, "sigs.k8s.io/apiserver-network-proxy", (t) => t],
    ];
    for (const pod of seedAndAgents(l)) {
        for (const c of pod.spec.containers) {
            // Debian's busybox stands for the tunnel gate's image (e2e/lib/images.ts): no pin to check.
            if (standsIn.test(c.image)) continue;
            const found = modules.find(([re]) => re.test(c.image));
            assert.ok(found, `${pod.name}/${c.name}: the suite builds no binary for ${c.image}`);
            const [, module, version] = found;
            const expected = version(c.image.split(":").pop()!);
            const exe = `/proc/${pod.state(c.name).proc!.pid}/exe`;
            const info = run(["go", "version", "-m", exe]).stdout;
            assert.ok(
                new RegExp(`\\t(mod|dep)\\t${module}\\t${expected}\\t`).test(info),
                `${pod.name}/${c.name}: not built from ${module} ${expected}:\n${info.slice(0, 400)}`,
            );
            if (module === "k8s.io/kubernetes") {
                assert.equal(run([exe, "--version"]).stdout.trim(), `Kubernetes ${expected}`);
            }
        }
    }
}

export async function checkReadyz(l: Lab): Promise<void> {
    assert.equal(await l.kubectlOk(["get", "--raw", "/readyz"]), "ok");
    for (const a of l.apiservers()) {
        const r = await l.kubectlOn(a, ["get", "--raw", "/readyz"]);
        assert.equal(r.stdout, "ok", `${a.name}: ${r.stderr}`);
    }
}

/** A node proxy GET on each replica is a gRPC dial on the unix socket (the egress metrics say so) and answers. */
export async function checkEgress(l: Lab, node: string): Promise<void> {
    const metric = async (a: Pod) => {
        const text = (await l.kubectlOn(a, ["get", "--raw", "/metrics"])).stdout;
        const labels = { protocol: "grpc", transport: "uds" };
        return {
            started: metricValue(text, "apiserver_egress_dialer_dial_start_total", labels) ?? 0,
            failed: metricValue(text, "apiserver_egress_dialer_dial_failure_count", labels) ?? 0,
        };
    };
    for (const a of l.apiservers()) {
        const before = await metric(a);
        const r = await l.kubectlOn(a, ["get", "--raw", `/api/v1/nodes/${node}/proxy/healthz`]);
        assert.equal(r.stdout, "ok", `${a.name}: ${r.stderr}`);
        const after = await metric(a);
        assert.ok(after.started > before.started, `${a.name}: no gRPC/UDS egress dial (${JSON.stringify(after)})`);
        assert.equal(after.failed, before.failed, `${a.name}: egress dials failed`);
    }
}
