import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { argumentsOf, parseDirectives } from "../components/tunnel/openvpn/directives";
import { at, containerOf, one, ProgramRun, RecordedResource } from "./harness";
import { tlsMock } from "./harness/providers/tls";
import { openvpnRun } from "./fixtures";
import { Lab, labUnavailable, Started } from "./openvpn/lab";
import { probeCommand, Runnable, runnable } from "./openvpn/workload";

/**
 * The OpenVPN tunnel the openvpn stack renders, run with the real openvpn binary (Debian's;
 * .ci/run installs it) in network namespaces this test makes: the seed's server, the user
 * cluster's client and an apiserver pod's sidecar, each with exactly the files it mounts, the
 * command it runs and only the capabilities its securityContext adds; a "node" with a kubelet
 * port behind the user cluster's client; a "seed network" behind the server. iptables is the
 * legacy backend, like the image's. Skipped, saying why, where namespaces or the tools are missing.
 */

const tools = ["openvpn", "ip", "unshare", "nsenter", "setpriv", "iptables-legacy", "ping"];
const deployment = "kubernetes:apps/v1:Deployment";

/** The kubelet's stand-in answers with the address it saw; the seed's says it was reached. */
const echoServer = (address: string, port: number, body: string) => [
    process.execPath,
    "-e",
    `require("http").createServer((q, s) => s.end(${JSON.stringify(body)} + " " + q.socket.remoteAddress)).listen(${port}, ${JSON.stringify(address)})`,
];

describe("the OpenVPN tunnel with the real openvpn binary (network namespaces)", function () {
    this.timeout(90_000);
    const unavailable = labUnavailable(tools);
    let run: ProgramRun;
    let lab: Lab;
    let server: Started;
    let userClient: Started;
    let sidecar: Started;
    let gateProcess: Started;
    const http = (ns: string, url: string) =>
        lab.exec(ns, [
            process.execPath,
            "-e",
            `require("http").get(${JSON.stringify(url)}, { timeout: 1500 }, (r) => { let b = ""; r.on("data", (d) => (b += d)); r.on("end", () => console.log(b)); }).on("timeout", function () { this.destroy(new Error("timeout")); }).on("error", (e) => { console.error(e.message); process.exit(1); })`,
        ]);

    before(async function () {
        if (unavailable) {
            console.log(`      pending: the real-openvpn tests are skipped here: ${unavailable}`);
            this.skip();
        }
        run = await openvpnRun();
        lab = new Lab();
    });

    after(async () => {
        await lab?.close();
    });

    const workload = (name: string) =>
        run.resources.find((r) => r.type === deployment && at(r.inputs, "metadata.name") === name) as RecordedResource;
    const tunnelAddress = () => String(run.outputs.tunnelAddress);
    const seedNamespace = () => String(run.outputs.seedNamespace);
    /** A container of a rendered workload, its files in a scratch folder of the role's own. */
    const prepared = (name: string, container: string, role: string): Runnable => {
        const w = workload(name);
        return runnable(run.resources, w, containerOf(w, container), path.join(lab.dir, role));
    };

    it("builds the lab: seed, apiserver pod, user-cluster pod, node and seed network", () => {
        for (const ns of ["seed", "apiserver", "client", "node", "seednet"]) lab.addNamespace(ns);
        lab.link({ ns: "seed", address: "10.99.0.1/30" }, { ns: "apiserver", address: "10.99.0.2/30" });
        lab.link({ ns: "seed", address: "10.99.1.1/30" }, { ns: "client", address: "10.99.1.2/30" });
        lab.link({ ns: "seed", address: "10.99.2.1/30" }, { ns: "seednet", address: "10.99.2.2/30" });
        lab.link({ ns: "client", address: "192.168.2.1/24" }, { ns: "node", address: "192.168.2.10/24" });
        // The load balancer's address, where the user cluster's client dials 1194, is the seed's here.
        assert.strictEqual(lab.exec("seed", ["ip", "addr", "add", `${tunnelAddress()}/32`, "dev", "lo"]).status, 0);
        assert.strictEqual(lab.exec("client", ["ip", "route", "add", "default", "via", "10.99.1.1"]).status, 0);
        assert.strictEqual(lab.exec("seednet", ["ip", "route", "add", "default", "via", "10.99.2.1"]).status, 0);
        // Kubernetes nodes (the user cluster's, and the seed's) forward; pod namespaces inherit it.
        for (const ns of ["client", "seed"]) lab.exec(ns, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        // The images' iptables is the legacy backend, which needs NET_RAW besides NET_ADMIN.
        fs.mkdirSync(path.join(lab.dir, "bin"));
        fs.symlinkSync("/usr/sbin/iptables-legacy", path.join(lab.dir, "bin", "iptables"));
        lab.start("kubelet", "node", {
            mounts: "",
            command: echoServer("192.168.2.10", 10250, "kubelet saw"),
            capabilities: [],
        });
        lab.start("seed service", "seednet", {
            mounts: "",
            command: echoServer("10.99.2.2", 8080, "seed reached by"),
            capabilities: [],
        });
    });

    const path_ = () => ({ PATH: `${lab.dir}/bin:${process.env.PATH}` });

    it("the server starts with its own files, command and capabilities, and its readiness probe passes", async () => {
        const r = prepared("openvpn-server", "openvpn-server", "server");
        assert.deepStrictEqual(r.capabilities, ["NET_ADMIN", "NET_RAW"]);
        server = lab.start("openvpn-server", "seed", { ...r, env: path_() });
        const probe = probeCommand(r.container, "readinessProbe");
        const seconds = await lab.until(
            "the server's readiness probe",
            () => lab.enter(server, probe).status === 0,
            20,
            server.output,
        );
        assert.ok(seconds < 20);
        // Ready means initialised: the status file is written only once OpenVPN says so.
        await lab.until(
            "the server's log",
            () => /Initialization Sequence Completed/.test(server.output()),
            5,
            server.output,
        );
        assert.doesNotMatch(server.output(), /is group or others accessible/);
    });

    it("the user cluster's client connects through the load balancer's address; its probes (ping of the server's tunnel address) pass", async () => {
        const r = prepared("openvpn-client", "openvpn-client", "client");
        assert.deepStrictEqual(r.capabilities, ["NET_ADMIN", "NET_RAW"]);
        userClient = lab.start("user-cluster client", "client", { ...r, env: path_() });
        const probe = probeCommand(r.container, "readinessProbe");
        assert.deepStrictEqual(probe, probeCommand(r.container, "livenessProbe"));
        await lab.until(
            "the client's readiness probe",
            () => lab.enter(userClient, probe).status === 0,
            20,
            () => `${userClient.output()}\n${server.output()}`,
        );
        // It takes no routes: the pushed networks are its own.
        const routes = lab.exec("client", ["ip", "route"]).stdout;
        assert.doesNotMatch(routes, /172\.25\.0\.0\/16/);
    });

    it("an apiserver pod's sidecar (NET_ADMIN only) dials the server's Service name and gets routes to the worker, pod and service networks", async () => {
        const r = prepared("apiserver", "openvpn-client", "sidecar");
        assert.deepStrictEqual(r.capabilities, ["NET_ADMIN"]);
        const remote = argumentsOf(
            parseDirectives(
                fs.readFileSync(
                    path.join(lab.dir, "sidecar", "openvpn-client", "openvpn-client-config", "client.conf"),
                    "utf8",
                ),
            ),
            "remote",
        )[0];
        assert.deepStrictEqual(remote, [`openvpn-server.${seedNamespace()}.svc`, "1194"]);
        // The pod's tunnel gate, started first (while migrating: no deadline): closed until the routes are there.
        const apiserver = workload("apiserver");
        const gate = containerOf(apiserver, "tunnel-gate");
        gateProcess = lab.start("tunnel gate", "apiserver", {
            mounts: "mount -t tmpfs tmpfs /run && mkdir /run/tunnel-gate",
            command: [...((gate.command as string[]) ?? [])],
            capabilities: [],
            env: { TUNNEL_GATE_DEADLINE: "none" },
        });
        const gateProbe = probeCommand(gate, "startupProbe");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        assert.notStrictEqual(lab.enter(gateProcess, gateProbe).status, 0, "the gate opened before the tunnel was up");
        // The Service's ClusterIP is the seed namespace's address here.
        fs.writeFileSync(path.join(lab.dir, "hosts"), `127.0.0.1 localhost\n10.99.0.1 ${remote[0]}\n`);
        sidecar = lab.start("apiserver sidecar", "apiserver", {
            ...r,
            mounts: `${r.mounts}\nmount --bind ${lab.dir}/hosts /etc/hosts`,
        });
        const routed = () => lab.exec("apiserver", ["ip", "route"]).stdout;
        await lab.until(
            "the sidecar's routes",
            () =>
                ["192.168.2.0/24", "172.25.0.0/16", "10.240.16.0/20"].every((n) =>
                    new RegExp(`^${n.replace(/\./g, "\\.")} via \\S+ dev tun`, "m").test(routed()),
                ),
            20,
            () => `${routed()}\n${sidecar.output()}`,
        );
        // ...and the gate opens: the pod would become Ready now.
        await lab.until(
            "the tunnel gate",
            // Open, and said so (the probe can pass before its log line is read).
            () =>
                lab.enter(gateProcess, gateProbe).status === 0 &&
                /tunnel-gate: open after \d+ s/.test(gateProcess.output()),
            10,
            gateProcess.output,
        );
    });

    it("kube-apiserver's side reaches a kubelet on a node InternalIP through the tunnel, arriving as the client pod", () => {
        const reply = http("apiserver", "http://192.168.2.10:10250/containerLogs/kube-system/x/y");
        assert.strictEqual(reply.status, 0, reply.stderr);
        assert.strictEqual(reply.stdout.trim(), "kubelet saw 192.168.2.1");
    });

    it("the user cluster cannot reach the seed's networks through the tunnel, though the seed node forwards", () => {
        // A user cluster is the customer's: it may route whatever it likes into its tunnel.
        assert.strictEqual(lab.exec("client", ["ip", "route", "add", "10.99.2.0/30", "dev", "tun0"]).status, 0);
        const blocked = http("client", "http://10.99.2.2:8080/");
        assert.notStrictEqual(blocked.status, 0, blocked.stdout);
        // The same request with the server's FORWARD policy opened: the rule is what stops it.
        lab.exec("seed", ["iptables-legacy", "-P", "FORWARD", "ACCEPT"]);
        const open = http("client", "http://10.99.2.2:8080/");
        lab.exec("seed", ["iptables-legacy", "-P", "FORWARD", "DROP"]);
        assert.strictEqual(open.status, 0, open.stderr);
        assert.match(open.stdout, /^seed reached by 10\.20\.0\.\d+/);
    });

    it("a certificate of the OpenVPN CA with another common name is refused (only known clients connect)", async () => {
        const make = async (type: string, inputs: Record<string, unknown>) =>
            (await tlsMock().resources[`tls:index/${type}`]({ type, name: "intruder", inputs, custom: true }))
                .state as Record<string, string>;
        const caCert = String(
            one(run.resources, "tls:index/selfSignedCert:SelfSignedCert", "legacy-openvpn-ca").outputs.certPem,
        );
        const caKey = String(
            one(run.resources, "tls:index/privateKey:PrivateKey", "legacy-openvpn-ca").outputs.privateKeyPem,
        );
        const key = await make("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const csr = await make("certRequest:CertRequest", {
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: "intruder" },
        });
        const cert = await make("locallySignedCert:LocallySignedCert", {
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: caKey,
            caCertPem: caCert,
            allowedUses: ["digital_signature", "client_auth"],
            validityPeriodHours: 24,
        });
        const r = prepared("openvpn-client", "openvpn-client", "intruder");
        const pki = path.join(lab.dir, "intruder", "openvpn-client", "pki");
        fs.writeFileSync(path.join(pki, "tls.crt"), cert.certPem);
        fs.writeFileSync(path.join(pki, "tls.key"), key.privateKeyPem);
        lab.addNamespace("intruder");
        lab.link({ ns: "seed", address: "10.99.3.1/30" }, { ns: "intruder", address: "10.99.3.2/30" });
        lab.exec("intruder", ["ip", "route", "add", "default", "via", "10.99.3.1"]);
        lab.exec("intruder", ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        const intruder = lab.start("intruder", "intruder", { ...r, env: path_() });
        await lab.until(
            "the server's refusal",
            () => /client-config-dir authentication failed for common name 'intruder'/.test(server.output()),
            20,
            server.output,
        );
        await lab.until("the intruder to give up", () => intruder.process.exitCode !== null, 20, intruder.output);
        assert.match(intruder.output(), /AUTH_FAILED/);
    });
});
