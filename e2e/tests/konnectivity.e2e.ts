/**
 * The default minor, Konnectivity mode: the rendered dev stack (with a one-minute LB idle timeout)
 * running on the real binaries. Numbered as in issue #11.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { newCa, issue } from "../lib/certs";
import { Lab } from "../lib/lab";
import { agentConnections, agentContainer, flagValue, mesh, serverBackends, waitMesh } from "../lib/konnectivity";
import { Pod, PodTemplate, sourcesOf } from "../lib/pods";
import { runAsync } from "../lib/proc";
import { httpStatus, inNetns } from "../lib/netns";
import { portForward, startTarget, target } from "../lib/target";
import { sleep, waitFor } from "../lib/wait";
import { checkCommandLines, checkEgress, checkReadyz, checkVersions } from "./checks";
import { figure, labOf, LabContext, meshBoundMs, suiteChanges, withLab } from "./harness";
import { dryRunSeed, dryRunUserCluster } from "./dryRun";
import { X509Certificate } from "crypto";
import { CsrObject, decodeCsr, refusalOf } from "../lib/csr";
import { caCertHash, clusterInfoServer, parseJoinCommand, verifyDetachedJws } from "../lib/join";
import { output } from "../lib/render";

const ctx: LabContext = {};
const lab = (): Lab => labOf(ctx);

async function startAgentsTogether(l: Lab): Promise<void> {
    for (const a of l.agents()) a.start();
}

withLab(ctx, suiteChanges, { kubelet: "hollow" }, async (l) => {
    await startAgentsTogether(l);
    await waitMesh(l, meshBoundMs);
    await startTarget(l);
});

describe("1. every component runs what the render says", function () {
    this.timeout(120_000);

    it("runs each container's exact rendered command line, from its image path, as its runAsUser", () => {
        const checked = checkCommandLines(lab());
        assert.ok(checked.length >= 13, `only ${checked.join(", ")}`);
    });

    it("runs the pinned versions", () => checkVersions(lab()));

    it("serves /readyz through the load balancer and on every kube-apiserver", () => checkReadyz(lab()));

    it("controller-manager and scheduler reach the apiserver and hold their leases", async () => {
        const l = lab();
        for (const [lease, prefix] of [
            ["kube-controller-manager", "controller-manager-"],
            ["kube-scheduler", "scheduler-"],
        ]) {
            const get = ["-n", "kube-system", "get", "lease", lease, "-o", "jsonpath={.spec.holderIdentity}"];
            const holder = await waitFor(`lease ${lease}`, async () => (await l.kubectlOk(get)) || false, {
                timeoutMs: 60_000,
                intervalMs: 1000,
            });
            assert.ok(holder.startsWith(prefix), `lease ${lease} is held by ${holder}`);
        }
    });

    it("has every konnectivity-server publish its lease in the user cluster, which the agents may read", async () => {
        const l = lab();
        const agent = l.agents()[0].container(agentContainer).args ?? [];
        const label = agent
            .find((a) => a.startsWith("--lease-label="))
            ?.split("=")
            .slice(1)
            .join("=");
        const namespace = agent.find((a) => a.startsWith("--lease-namespace="))?.split("=")[1];
        assert.ok(label && namespace, `the agents count no leases: ${agent.join(" ")}`);
        const holders = await waitFor(
            "a lease per konnectivity-server",
            async () => {
                const out = await l.kubectlOk([
                    "-n",
                    namespace,
                    "get",
                    "leases",
                    "-l",
                    label,
                    "-o",
                    "jsonpath={.items[*].spec.holderIdentity}",
                ]);
                const names = out.split(" ").filter(Boolean);
                return names.length === l.apiservers().length ? names : false;
            },
            { timeoutMs: 60_000, intervalMs: 1000 },
        );
        assert.deepEqual(
            holders.sort(),
            l
                .apiservers()
                .map((p) => p.name)
                .sort(),
        );
        for (const a of l.agents()) {
            assert.doesNotMatch(fs.readFileSync(a.logFile(agentContainer), "utf8"), /forbidden/i, a.name);
        }
    });

    it("sends `cluster` egress over gRPC on the unix socket of every replica's konnectivity-server", () =>
        checkEgress(lab(), target.node));
});

describe("2. every agent holds a tunnel to every server", function () {
    this.timeout(600_000);

    it("has the load balancer and the seed's Services spread strictly round robin, with nothing random", () => {
        const l = lab();
        const octavia = fs.readFileSync(l.lb!.config, "utf8");
        const kubeProxy = l.kubeProxies.map((k) => fs.readFileSync(k.config, "utf8")).join("\n");
        assert.match(octavia, /backend \S*konnectivity\S*\n(?: {4}.*\n)*? {4}balance roundrobin/);
        for (const k of l.kubeProxies) {
            const text = fs.readFileSync(k.config, "utf8");
            if (text.includes("listen konnectivity-server")) {
                assert.match(text, /listen konnectivity-server\S*\n(?: {4}.*\n)*? {4}balance roundrobin/);
            }
        }
        assert.doesNotMatch(octavia + kubeProxy, /balance (random|source)|stick/);
    });

    it("forms the full mesh from agents started at the same moment, within the bound, every time", async () => {
        const l = lab();
        const times: number[] = [];
        for (let round = 0; round < 3; round++) {
            await Promise.all(l.agents().map((a) => a.stop(5000)));
            await waitFor(
                "the servers to drop the stopped agents",
                async () => (await Promise.all(l.apiservers().map((s) => serverBackends(l, s)))).every((n) => n === 0),
                { timeoutMs: 30_000 },
            );
            await startAgentsTogether(l);
            times.push(await waitMesh(l, meshBoundMs));
        }
        figure(
            `full mesh (${l.agents().length} agents x ${l.apiservers().length} servers, agents started together, strict round robin): ${times.map((t) => (t / 1000).toFixed(1)).join(" s, ")} s (bound ${meshBoundMs / 1000} s)`,
        );
    });

    it("refuses an agent with another CA's certificate, one without a certificate, and dials from outside the allowlist", async () => {
        const l = lab();
        const template = l.agentWorkload().template;
        const secretName = template.spec.volumes!.find((v) => v.secret)!.secret!.secretName;
        const foreignCa = newCa(path.join(l.root, "foreign"), "foreign-ca");
        const foreign = issue(path.join(l.root, "foreign"), "foreign-agent", foreignCa, {
            commonName: "konnectivity-agent",
            usage: "client",
        });
        const secrets = new Map(l.userClusterSources.secrets);
        secrets.set(secretName, {
            ...secrets.get(secretName)!,
            "tls.crt": fs.readFileSync(foreign.cert),
            "tls.key": fs.readFileSync(foreign.key),
        });
        const withoutCert: PodTemplate = {
            ...template,
            spec: {
                ...template.spec,
                containers: template.spec.containers.map((c) => ({
                    ...c,
                    args: (c.args ?? []).filter((a) => !/^--agent-(cert|key)=/.test(a)),
                })),
            },
        };
        const rogues = [
            l.addWorkerPod("agent-foreign-ca", template, { sources: { ...l.userClusterSources, secrets } }),
            l.addWorkerPod("agent-no-cert", withoutCert),
            l.addWorkerPod("agent-outside", template, { outside: true }),
        ];
        for (const r of rogues) r.start();
        // Outside the allowlist the tunnel port is silent; from the router it answers.
        const fip = l.render.loadBalancer.floatingIp;
        const port = Number(flagValue(l.agents()[0], agentContainer, "proxy-server-port"));
        const connect = (ns: string) =>
            runAsync(inNetns(ns, ["/usr/bin/timeout", "3", "/usr/bin/bash", "-c", `exec 3<>/dev/tcp/${fip}/${port}`]), {
                timeoutMs: 10_000,
            });
        assert.notEqual((await connect(l.ns.client)).code, 0, "a dial from outside the tunnel allowlist got through");
        assert.equal((await connect(l.ns.router)).code, 0, "a dial from the worker router was refused");
        await sleep(20_000);
        for (const r of rogues) {
            assert.equal(await agentConnections(l, r), 0, `${r.name} holds a tunnel`);
        }
        const m = await mesh(l);
        assert.ok(m.complete, `the rendered agents' mesh changed: ${JSON.stringify(m)}`);
        assert.match(rogues[0].containers[0].proc!.tail(50), /certificate|tls/i);
        assert.match(rogues[1].containers[0].proc!.tail(50), /certificate|tls|handshake/i);
        for (const r of rogues) await r.stop(5000);
    });
});

async function tunnelRequests(l: Lab): Promise<Record<string, { ok: boolean; out: string }>> {
    const logs = await l.kubectl(["logs", target.name, "-c", target.container, "--tail=3"], { timeoutMs: 30_000 });
    const exec = await l.kubectl(["exec", target.name, "-c", target.container, "--", "echo", "through-the-tunnel"], {
        timeoutMs: 30_000,
    });
    const proxy = await l.kubectl(["get", "--raw", `/api/v1/nodes/${target.node}/proxy/healthz`], {
        timeoutMs: 30_000,
    });
    const pods = await l.kubectl(["get", "--raw", `/api/v1/nodes/${target.node}/proxy/pods`], { timeoutMs: 30_000 });
    return {
        logs: {
            ok:
                logs.code === 0 &&
                logs.stdout.includes(`${target.namespace}/${target.name}/${target.container} line 100`),
            out: logs.stdout + logs.stderr,
        },
        exec: { ok: exec.code === 0 && exec.stdout === "through-the-tunnel\n", out: exec.stdout + exec.stderr },
        proxy: { ok: proxy.code === 0 && proxy.stdout === "ok", out: proxy.stdout + proxy.stderr },
        pods: {
            ok: pods.code === 0 && pods.stdout.includes(`"name":"${target.name}"`),
            out: (pods.stdout + pods.stderr).slice(0, 300),
        },
    };
}

describe("3. logs, exec, port-forward and node proxy go through the tunnel", function () {
    this.timeout(300_000);

    it("reach the kubelet, which sees them come from an agent", async () => {
        const l = lab();
        const results = await tunnelRequests(l);
        for (const [what, r] of Object.entries(results)) assert.ok(r.ok, `${what}: ${r.out}`);
        const pf = await portForward(l, 1_000_000);
        assert.ok(pf.ok, `port-forward: ${pf.out}`);
        const standInLog = l.workers[0].standIn!.tail(40);
        const agentIPs = l.agents().map((a) => a.placement.podIP);
        const sources = [
            ...standInLog.matchAll(/request \S+ \S+ user=kube-apiserver-kubelet-client from=([\d.]+):/g),
        ].map((m) => m[1]);
        assert.ok(sources.length > 0, `the kubelet saw no request from kube-apiserver:\n${standInLog}`);
        assert.deepEqual(
            [...new Set(sources)].filter((s) => !agentIPs.includes(s)),
            [],
            "requests reached the kubelet from outside the agents",
        );
    });

    it("reach a kubelet that admits kube-apiserver's certificate through its RBAC only", async () => {
        const l = lab();
        const node = l.workers.find((w) => w.name === target.node)!;
        const dir = path.join(l.root, "kubelet-clients");
        const stranger = issue(dir, "stranger", l.clusterCaPair, { commonName: "e2e-stranger", usage: "client" });
        const secrets = sourcesOf(l.render.seed, l.seedNamespace).secrets;
        const pki = [...secrets.values()].find((d) => d["kubelet-client.crt"] !== undefined)!;
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "apiserver.crt"), pki["kubelet-client.crt"]);
        fs.writeFileSync(path.join(dir, "apiserver.key"), pki["kubelet-client.key"], { mode: 0o600 });
        const status = (cert: string[]) => httpStatus(l.ns.router, `https://${node.address}:10250/healthz`, cert, 10);
        assert.equal(await status([]), "401", "a client without a certificate");
        assert.equal(
            await status(["--cert", stranger.cert, "--key", stranger.key]),
            "403",
            "a cluster-CA user without the binding",
        );
        assert.equal(
            await status(["--cert", path.join(dir, "apiserver.crt"), "--key", path.join(dir, "apiserver.key")]),
            "200",
            "kube-apiserver's kubelet client",
        );
    });

    it("fail with Konnectivity's own error while the agents are stopped, and work again after", async () => {
        const l = lab();
        await Promise.all(l.agents().map((a) => a.stop(5000)));
        await waitFor(
            "the servers to have no agent",
            async () => (await Promise.all(l.apiservers().map((s) => serverBackends(l, s)))).every((n) => n === 0),
            { timeoutMs: 30_000 },
        );
        const results = await tunnelRequests(l);
        for (const [what, r] of Object.entries(results)) {
            assert.ok(!r.ok, `${what} worked without agents: ${r.out}`);
            assert.match(r.out, /No agent available/, `${what} failed otherwise: ${r.out}`);
        }
        const pf = await portForward(l, 1000);
        assert.ok(!pf.ok, "port-forward worked without agents");
        await startAgentsTogether(l);
        await waitMesh(l, meshBoundMs);
        const again = await tunnelRequests(l);
        for (const [what, r] of Object.entries(again)) assert.ok(r.ok, `${what} after the agents came back: ${r.out}`);
    });
});

describe("5. the seed and user-cluster objects pass a real apiserver's server-side dry-run", function () {
    this.timeout(300_000);

    it("accepts every seed object, and every pod template under the namespace's Pod Security level", async () => {
        await dryRunSeed(lab());
    });

    it("accepts every user-cluster object", async () => {
        await dryRunUserCluster(lab());
    });
});

describe("7. nodes join with the rendered tokens, as kubeadm join and the kubelet do", function () {
    this.timeout(300_000);

    it("serves kube-public/cluster-info to anonymous readers, signed for every rendered token", async () => {
        const l = lab();
        const shared = parseJoinCommand(output(l.render, "joinCommand"));
        for (const w of l.workers) {
            const info = await l.clusterInfo(w);
            assert.equal(info.status, "200", `${w.name}: anonymous GET of cluster-info`);
            for (const j of [shared, w.join]) {
                const jws = info.data[`jws-kubeconfig-${j.tokenId}`];
                assert.ok(jws, `no signature for token ${j.tokenId}: ${Object.keys(info.data).join(", ")}`);
                assert.ok(verifyDetachedJws(info.data.kubeconfig, jws, j.tokenId, j.tokenSecret), j.tokenId);
                assert.ok(!verifyDetachedJws(info.data.kubeconfig, jws, j.tokenId, "0123456789abcdef"), "any key");
                const { server, caPem } = clusterInfoServer(info.data.kubeconfig);
                assert.equal(server, output(l.render, "apiUrl"));
                assert.equal(caCertHash(caPem), j.caCertHash, "the join command's CA pin");
            }
        }
    });

    it("joins each node with its VM's token: the client CSR auto-approved and signed, the Node registered", async () => {
        const l = lab();
        const csrs = (JSON.parse(await l.kubectlOk(["get", "csr", "-o", "json"])) as { items: CsrObject[] }).items;
        const nodes = await l.kubectlOk(["get", "nodes", "-o", "name"]);
        for (const w of l.workers) {
            const mine = csrs.filter((c) => c.spec.username === `system:bootstrap:${w.join.tokenId}`);
            assert.equal(mine.length, 1, `${w.name}: CSRs of its token`);
            const csr = decodeCsr(mine[0]);
            assert.equal(csr.signerName, "kubernetes.io/kube-apiserver-client-kubelet");
            assert.ok(csr.groups.includes("system:bootstrappers:kubeadm:default-node-token"), csr.groups.join());
            assert.equal(csr.commonName, `system:node:${w.name}`);
            assert.deepEqual(csr.organizations, ["system:nodes"]);
            assert.equal(csr.approved, "AutoApproved", `${csr.name}: approved by the csrapproving controller`);
            assert.ok(csr.issued, `${csr.name} signed`);
            assert.ok(nodes.includes(`node/${w.name}`), `${w.name} registered`);
            const cert = new X509Certificate(fs.readFileSync(path.join(w.certDir, "kubelet-client-current.pem")));
            assert.ok(cert.verify(new X509Certificate(fs.readFileSync(l.clusterCaPair.cert)).publicKey));
            assert.match(cert.subject, new RegExp(`CN=system:node:${w.name}`));
        }
    });

    it("shows each joined node Ready (the hollow kubelet's status, posted with its approved client certificate)", async () => {
        const l = lab();
        const names = l.workers.map((w) => `node/${w.name}`);
        await l.kubectlOk(["wait", "--for=condition=Ready", ...names, "--timeout=120s"], { timeoutMs: 150_000 });
    });

    it("has each kubelet serving on a certificate from its own CSR, admitted by the rendered approver's rules", async () => {
        const l = lab();
        const rules = l.servingCsrRules();
        for (const w of l.workers) {
            const csr = l.joined.servingCsrs.find((c) => c.username === `system:node:${w.name}`);
            assert.ok(csr, `${w.name}: no kubelet-serving CSR`);
            assert.equal(csr.commonName, `system:node:${w.name}`);
            assert.deepEqual(csr.organizations, ["system:nodes"]);
            assert.deepEqual([...csr.usages].sort(), ["digital signature", "server auth"]);
            assert.deepEqual(csr.dnsNames, [w.name]);
            assert.deepEqual(csr.ipAddresses, [w.address]);
            assert.equal(refusalOf(csr, rules), undefined);
            // Verified against the cluster CA, as kube-apiserver's --kubelet-certificate-authority does.
            const status = await httpStatus(
                l.ns.router,
                `https://${w.address}:10250/healthz`,
                ["--cacert", l.clusterCaPair.cert],
                10,
            );
            assert.equal(status, "401", `${w.name}: TLS verified, no client certificate`);
        }
    });

    it("refuses an unknown and an expired bootstrap token (401), accepts the rendered one", async () => {
        const l = lab();
        const w = l.workers[0];
        const api = `https://${w.join.endpoint}/api`;
        const bearer = (token: string) =>
            httpStatus(w.netns, api, ["--cacert", l.clusterCaPair.cert, "-H", `Authorization: Bearer ${token}`], 10);
        assert.equal(await bearer(`${w.join.tokenId}.${w.join.tokenSecret}`), "200", "the rendered token");
        assert.equal(await bearer("zzzzzz.0123456789abcdef"), "401", "an unknown token");
        const rendered = l.render.userCluster.find(
            (o) => o.kind === "Secret" && o.metadata.name === `bootstrap-token-${w.join.tokenId}`,
        )!;
        const data = (rendered as unknown as { stringData: Record<string, string> }).stringData;
        const expired = {
            ...rendered,
            metadata: { ...rendered.metadata, name: "bootstrap-token-e2eold" },
            stringData: { ...data, "token-id": "e2eold", expiration: new Date(Date.now() - 60_000).toISOString() },
        };
        await l.kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(expired) });
        assert.equal(await bearer(`e2eold.${data["token-secret"]}`), "401", "an expired token");
    });
});

/** The local ports of an agent's established connections to the tunnel address. */
async function tunnelPorts(l: Lab, agent: Pod): Promise<string[]> {
    const lb = l.render.loadBalancer;
    const port = flagValue(agent, agentContainer, "proxy-server-port");
    const r = await runAsync(
        inNetns(agent.placement.netns, [
            "/usr/bin/ss",
            "-Htn",
            "state",
            "established",
            "dst",
            `${lb.floatingIp}:${port}`,
        ]),
        { timeoutMs: 10_000 },
    );
    return r.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/)[2]);
}

describe("6. an idle tunnel outlives the load balancer's idle timeout", function () {
    this.timeout(600_000);

    it("keeps every agent's tunnels (keepalive) while an idle plain connection is cut at the rendered timeout", async () => {
        const l = lab();
        const listener = l.render.loadBalancer.listeners.find(
            (x) => x.port === Number(flagValue(l.agents()[0], agentContainer, "proxy-server-port")),
        )!;
        const idleMs = listener.timeoutClientDataMs!;
        const keepalive = flagValue(l.agents()[0], agentContainer, "keepalive-time");
        await waitMesh(l, meshBoundMs);
        const before = new Map(
            await Promise.all(l.agents().map(async (a) => [a.name, await tunnelPorts(l, a)] as const)),
        );
        // The control: a connection through the same listener that says nothing.
        const fip = l.render.loadBalancer.floatingIp;
        const control = runAsync(
            inNetns(l.ns.router, [
                "/usr/bin/bash",
                "-c",
                `exec 3<>/dev/tcp/${fip}/${listener.port}; t0=$(date +%s%N); cat <&3 >/dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 ))`,
            ]),
            { timeoutMs: idleMs * 3 },
        );
        await sleep(idleMs * 2);
        const cutAfter = Number((await control).stdout.trim());
        assert.ok(
            cutAfter > idleMs * 0.9 && cutAfter < idleMs * 1.3,
            `the idle control connection was cut after ${cutAfter} ms, not at the ${idleMs} ms timeout`,
        );
        for (const a of l.agents()) {
            const now = await tunnelPorts(l, a);
            const lost = before.get(a.name)!.filter((p) => !now.includes(p));
            assert.deepEqual(
                lost,
                [],
                `${a.name} lost tunnels ${lost.join(", ")} (had ${before.get(a.name)!.join(", ")}, now ${now.join(", ")})`,
            );
        }
        assert.ok((await mesh(l)).complete);
        figure(
            `idle tunnels kept for ${(idleMs * 2) / 1000} s behind a ${idleMs / 1000} s LB idle timeout (keepalive ${keepalive}); a silent connection was cut after ${(cutAfter / 1000).toFixed(1)} s`,
        );
    });
});

async function keepsAnswering(l: Lab, forMs: number): Promise<{ total: number; failed: string[] }> {
    const failed: string[] = [];
    let total = 0;
    const end = Date.now() + forMs;
    while (Date.now() < end) {
        const r = await tunnelRequests(l);
        for (const [what, x] of Object.entries(r)) {
            total++;
            if (!x.ok) failed.push(`${what}: ${x.out.trim().slice(0, 200)}`);
        }
    }
    return { total, failed };
}

describe("4. faults: requests pass through the survivors, and the mesh comes back", function () {
    this.timeout(600_000);

    it("survives losing one kube-apiserver with its konnectivity-server", async () => {
        const l = lab();
        const victim = l.apiservers()[0];
        await l.killPod(victim);
        const r = await keepsAnswering(l, 20_000);
        assert.deepEqual(r.failed, [], `${r.failed.length} of ${r.total} requests failed`);
        const gate = victim.spec.containers.find((c) => c.name === "tunnel-gate");
        const gateLog = () => (gate ? fs.readFileSync(victim.logFile(gate.name), "utf8") : "");
        const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
        const before = gateLog();
        const t0 = Date.now();
        await l.startPod(victim);
        const ready = Date.now() - t0;
        const meshMs = await waitMesh(l, meshBoundMs);
        if (gate) {
            // The gate held the new pod back until its server had an agent, not until the deadline.
            const after = gateLog();
            assert.equal(count(after, /tunnel-gate: open after/g), count(before, /tunnel-gate: open after/g) + 1);
            assert.equal(count(after, /not up after/g), count(before, /not up after/g), after.slice(before.length));
        }
        figure(
            `server restart: pod ready (its tunnel gate open on an agent) after ${(ready / 1000).toFixed(1)} s, full mesh ${(meshMs / 1000).toFixed(1)} s later`,
        );
    });

    it("survives losing one agent", async () => {
        const l = lab();
        const victim = l.agents()[0];
        await l.killPod(victim);
        const r = await keepsAnswering(l, 15_000);
        assert.deepEqual(r.failed, [], `${r.failed.length} of ${r.total} requests failed`);
        await l.startPod(victim);
        await waitMesh(l, meshBoundMs);
    });

    it("survives losing one etcd member", async () => {
        const l = lab();
        const victim = l.podsOf("etcd")[1];
        await l.killPod(victim);
        const r = await keepsAnswering(l, 15_000);
        const write = await l.kubectl(["annotate", "--overwrite", "pod", target.name, `e2e/fault=${Date.now()}`]);
        assert.deepEqual(r.failed, [], `${r.failed.length} of ${r.total} requests failed`);
        assert.equal(write.code, 0, `a write failed with one etcd member down: ${write.stderr}`);
        await l.startPod(victim);
        assert.ok((await mesh(l)).complete);
    });
});
