/**
 * The node join as kubeadm does it, in the few steps the suite checks (cmd/kubeadm/app/discovery/token
 * at the pinned tag): the join command's token and CA pin, kube-public/cluster-info read anonymously,
 * its detached JWS (the bootstrapsigner's `jws-kubeconfig-<token id>`) checked with the token secret,
 * the CA checked against the pin, and the bootstrap kubeconfig the kubelet starts with.
 */
import { createHash, createHmac, timingSafeEqual, X509Certificate } from "crypto";
import { parse } from "yaml";

export interface JoinCommand {
    /** host:port of the API as the command names it. */
    readonly endpoint: string;
    readonly tokenId: string;
    readonly tokenSecret: string;
    /** `sha256:<hex>` of the CA's SubjectPublicKeyInfo. */
    readonly caCertHash: string;
}

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** The one `kubeadm join` in a text (a join command, or a VM's cloud-init). */
export function parseJoinCommand(text: string): JoinCommand {
    const lines = text.split("\n").filter((l) => /\bkubeadm join\b/.test(l));
    if (lines.length !== 1) throw new Error(`expected one kubeadm join, found ${lines.length}`);
    const words = lines[0].trim().replace(/^- /, "").split(/\s+/);
    const after = (flag: string) => {
        const i = words.indexOf(flag);
        if (i < 0 || i + 1 >= words.length) throw new Error(`kubeadm join without ${flag}: ${lines[0]}`);
        return words[i + 1];
    };
    const token = tokenPattern.exec(after("--token"));
    if (!token) throw new Error(`kubeadm join: --token is not <id>.<secret>`);
    const endpoint = words[words.indexOf("join") + 1];
    return { endpoint, tokenId: token[1], tokenSecret: token[2], caCertHash: after("--discovery-token-ca-cert-hash") };
}

/** kubeadm's CA pin: sha256 of the certificate's SubjectPublicKeyInfo (DER). */
export function caCertHash(pem: string): string {
    const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
    return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/**
 * Whether `jws` is a detached JWS (`<header>..<signature>`) over `content`, HS256 with the token
 * secret as key and the token id as kid: what the bootstrapsigner writes and kubeadm checks.
 */
export function verifyDetachedJws(content: string, jws: string, tokenId: string, tokenSecret: string): boolean {
    const parts = jws.split(".");
    if (parts.length !== 3 || parts[1] !== "") return false;
    const [header, , signature] = parts;
    let decoded: { alg?: string; kid?: string };
    try {
        decoded = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as typeof decoded;
    } catch {
        return false;
    }
    if (decoded.alg !== "HS256" || decoded.kid !== tokenId) return false;
    const want = createHmac("sha256", tokenSecret)
        .update(`${header}.${b64url(content)}`)
        .digest();
    const got = Buffer.from(signature, "base64url");
    return got.length === want.length && timingSafeEqual(got, want);
}

/** The server and CA of cluster-info's kubeconfig. */
export function clusterInfoServer(kubeconfigYaml: string): { server: string; caPem: string } {
    const doc = parse(kubeconfigYaml) as {
        clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[];
    };
    const cluster = doc.clusters?.[0]?.cluster;
    if (!cluster?.server || !cluster["certificate-authority-data"]) {
        throw new Error("cluster-info: the kubeconfig has no server or CA");
    }
    return { server: cluster.server, caPem: Buffer.from(cluster["certificate-authority-data"], "base64").toString() };
}

/** The kubelet's bootstrap kubeconfig, as kubeadm join writes it (bootstrap-kubelet.conf). */
export function bootstrapKubeconfig(server: string, caPem: string, token: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server, "certificate-authority-data": b64(caPem) } }],
        users: [{ name: "tls-bootstrap-token-user", user: { token } }],
        contexts: [
            {
                name: "tls-bootstrap-token-user@kubernetes",
                context: { cluster: "kubernetes", user: "tls-bootstrap-token-user" },
            },
        ],
        "current-context": "tls-bootstrap-token-user@kubernetes",
    });
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
