import * as assert from "assert";
import { X509Certificate } from "crypto";
import * as net from "net";
import * as tls from "tls";
import { devRun } from "./fixtures";
import { containerOf, flagOf, mountedFile, one, ProgramRun } from "./harness";
import { tlsMock } from "./harness/providers/tls";

interface Outcome {
    /** The client got the server's greeting over an authenticated channel. */
    readonly ok: boolean;
    readonly clientError?: string;
    readonly serverError?: string;
}

interface ServerTls {
    readonly cert: string;
    readonly key: string;
    /** What --cluster-ca-cert points to. */
    readonly clientCa: string;
}

interface ClientTls {
    readonly ca: string;
    readonly cert?: string;
    readonly key?: string;
    /** The host the agent dials; also the name it verifies (--proxy-server-host). */
    readonly serverName: string;
}

/**
 * A TLS server on 127.0.0.1 configured like konnectivity-server's agent port with
 * --cluster-cert/--cluster-key/--cluster-ca-cert (client certificates required and verified),
 * and a client configured like an agent with --ca-cert/--agent-cert/--agent-key dialing
 * `serverName`. The TCP connection goes to 127.0.0.1, the name verified is `serverName`.
 */
async function handshake(server: ServerTls, client: ClientTls): Promise<Outcome> {
    let serverError: string | undefined;
    const listener = tls.createServer(
        {
            cert: server.cert,
            key: server.key,
            ca: server.clientCa,
            requestCert: true,
            rejectUnauthorized: true,
            minVersion: "TLSv1.2",
        },
        (socket) => socket.end("hello agent"),
    );
    listener.on("tlsClientError", (e) => (serverError ??= e.message));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as net.AddressInfo;
    try {
        return await new Promise<Outcome>((resolve) => {
            let received = "";
            const socket = tls.connect({
                socket: net.connect(port, "127.0.0.1"),
                // As an agent does: verify the server against the dialed host (an IP: no SNI).
                host: client.serverName,
                ca: client.ca,
                cert: client.cert,
                key: client.key,
                rejectUnauthorized: true,
            });
            socket.setEncoding("utf8");
            socket.on("data", (chunk) => (received += chunk));
            socket.on("error", (e) => resolve({ ok: false, clientError: e.message, serverError }));
            socket.on("close", () =>
                setImmediate(() => resolve({ ok: received === "hello agent" && socket.authorized, serverError })),
            );
        });
    } finally {
        await new Promise((resolve) => listener.close(resolve));
    }
}

const certOf = (run: ProgramRun, name: string) =>
    String(one(run.resources, "tls:index/locallySignedCert:LocallySignedCert", name).outputs.certPem);
const keyOf = (run: ProgramRun, name: string) =>
    String(one(run.resources, "tls:index/privateKey:PrivateKey", name).outputs.privateKeyPem);
const caOf = (run: ProgramRun, name: string) =>
    String(one(run.resources, "tls:index/selfSignedCert:SelfSignedCert", name).outputs.certPem);

describe("the konnectivity tunnel's mTLS, with the certificates the program wires together", () => {
    let run: ProgramRun;
    let server: ServerTls;
    let agent: ClientTls;
    let publicAddress: string;

    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
        // Exactly the files each side loads: the sidecar's from the Secret it mounts in the seed, the
        // agent's from the Secret it mounts in the user cluster, and the host in --proxy-server-host.
        const apiserver = one(run.resources, "kubernetes:apps/v1:Deployment", "dev-apiserver");
        const sidecar = containerOf(apiserver, "konnectivity-server");
        const serverFile = (flag: string) => mountedFile(run.resources, apiserver, sidecar, flagOf(sidecar, flag)!);
        server = {
            cert: serverFile("cluster-cert"),
            key: serverFile("cluster-key"),
            clientCa: serverFile("cluster-ca-cert"),
        };
        publicAddress = String(run.outputs.tunnelAddress);
        const agents = one(run.resources, "kubernetes:apps/v1:Deployment", "dev-user-cluster");
        const container = containerOf(agents);
        const agentFile = (flag: string) => mountedFile(run.resources, agents, container, flagOf(container, flag)!);
        agent = {
            ca: agentFile("ca-cert"),
            cert: agentFile("agent-cert"),
            key: agentFile("agent-key"),
            serverName: flagOf(container, "proxy-server-host")!,
        };
    });

    it("mounts the recorded konnectivity certificates: the serving pair, and the konnectivity CA as client CA", () => {
        assert.strictEqual(server.cert, certOf(run, "dev-konnectivity-server"));
        assert.strictEqual(server.key, keyOf(run, "dev-konnectivity-server"));
        assert.strictEqual(server.clientCa, caOf(run, "dev-konnectivity-ca"));
        assert.strictEqual(agent.ca, caOf(run, "dev-konnectivity-ca"));
        assert.strictEqual(agent.cert, certOf(run, "dev-konnectivity-agent"));
        assert.strictEqual(agent.key, keyOf(run, "dev-konnectivity-agent"));
        assert.strictEqual(agent.serverName, publicAddress);
        const serving = new X509Certificate(server.cert);
        assert.strictEqual(serving.subjectAltName, `IP Address:${publicAddress}`);
        assert.deepStrictEqual(serving.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
        assert.deepStrictEqual(new X509Certificate(agent.cert!).keyUsage, ["1.3.6.1.5.5.7.3.2"]);
    });

    it("an agent with its certificate, dialing the public address, completes the handshake", async () => {
        const outcome = await handshake(server, agent);
        assert.deepStrictEqual(outcome, { ok: true, serverError: undefined });
    });

    it("a client certificate from another CA is refused by the server", async () => {
        const stranger = await foreignClientCertificate();
        const outcome = await handshake(server, { ...agent, cert: stranger.cert, key: stranger.key });
        assert.strictEqual(outcome.ok, false);
        // Node's server drops the connection once verification fails.
        assert.ok(outcome.serverError, "the server reports the failed handshake");
        // Control: the same certificate is fine for a server that trusts its CA, so the
        // refusal above is the CA's doing.
        const trusting = await handshake(
            { ...server, clientCa: stranger.caCert },
            { ...agent, cert: stranger.cert, key: stranger.key },
        );
        assert.deepStrictEqual(trusting, { ok: true, serverError: undefined });
    });

    it("a client without a certificate is refused (the agent port requires mTLS)", async () => {
        const outcome = await handshake(server, { ca: agent.ca, serverName: agent.serverName });
        assert.strictEqual(outcome.ok, false);
        assert.match(String(outcome.serverError), /certificate/i);
    });

    it("an agent dialing a name the serving certificate does not carry refuses the server", async () => {
        for (const serverName of ["203.0.113.250", "konnectivity.example.com"]) {
            const outcome = await handshake(server, { ...agent, serverName });
            assert.strictEqual(outcome.ok, false, serverName);
            assert.match(
                String(outcome.clientError),
                /does not match certificate's altnames|IP: .* is not in the cert's list/,
            );
        }
    });

    it("an agent trusting another CA refuses the server", async () => {
        const stranger = await foreignClientCertificate();
        const outcome = await handshake(server, { ...agent, ca: stranger.caCert });
        assert.strictEqual(outcome.ok, false);
        assert.match(String(outcome.clientError), /self.signed|unable to (get|verify)/i);
    });
});

/** A CA and a client certificate of the same shape as the agent's, made by the tls mock. */
async function foreignClientCertificate(): Promise<{ cert: string; key: string; caCert: string }> {
    const tlsResources = tlsMock().resources;
    const make = async (type: string, inputs: Record<string, unknown>) =>
        (await tlsResources[`tls:index/${type}`]({ type, name: "stranger", inputs, custom: true })).state as Record<
            string,
            string
        >;
    const caKey = await make("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = await make("selfSignedCert:SelfSignedCert", {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "dev-konnectivity-ca" },
        isCaCertificate: true,
        allowedUses: ["cert_signing", "digital_signature"],
        validityPeriodHours: 24,
    });
    const key = await make("privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const csr = await make("certRequest:CertRequest", {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: "konnectivity-agent" },
    });
    const cert = await make("locallySignedCert:LocallySignedCert", {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        allowedUses: ["digital_signature", "client_auth"],
        validityPeriodHours: 24,
    });
    return { cert: cert.certPem, key: key.privateKeyPem, caCert: ca.certPem };
}
