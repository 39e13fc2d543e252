/**
 * Certificates the render does not hold, issued with openssl: a worker node's client certificate
 * from the rendered cluster CA (until the join path exists, the suite plays the part of the
 * bootstrap), and certificates of a foreign CA (for the refusal tests).
 */
import * as fs from "fs";
import * as path from "path";
import { must } from "./proc";

const openssl = "/usr/bin/openssl";

export interface KeyPair {
    readonly cert: string;
    readonly key: string;
}

function newKey(file: string): void {
    must([openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file]);
    fs.chmodSync(file, 0o600);
}

/** A self-signed CA (one day). */
export function newCa(dir: string, name: string): KeyPair {
    fs.mkdirSync(dir, { recursive: true });
    const key = path.join(dir, `${name}.key`);
    const cert = path.join(dir, `${name}.crt`);
    newKey(key);
    must([
        openssl,
        "req",
        "-x509",
        "-new",
        "-key",
        key,
        "-subj",
        `/CN=${name}`,
        "-days",
        "1",
        "-out",
        cert,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ]);
    return { cert, key };
}

export interface Issue {
    readonly commonName: string;
    readonly organizations?: readonly string[];
    readonly usage: "client" | "server";
    readonly ipSans?: readonly string[];
    readonly dnsSans?: readonly string[];
}

/** A leaf certificate (one day) signed by `ca`. */
export function issue(dir: string, name: string, ca: KeyPair, spec: Issue): KeyPair {
    fs.mkdirSync(dir, { recursive: true });
    const key = path.join(dir, `${name}.key`);
    const csr = path.join(dir, `${name}.csr`);
    const cert = path.join(dir, `${name}.crt`);
    const ext = path.join(dir, `${name}.ext`);
    newKey(key);
    const subject = [...(spec.organizations ?? []).map((o) => `/O=${o}`), `/CN=${spec.commonName}`].join("");
    must([openssl, "req", "-new", "-key", key, "-subj", subject, "-out", csr]);
    const sans = [...(spec.ipSans ?? []).map((i) => `IP:${i}`), ...(spec.dnsSans ?? []).map((d) => `DNS:${d}`)];
    fs.writeFileSync(
        ext,
        [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            `extendedKeyUsage=${spec.usage === "client" ? "clientAuth" : "serverAuth"}`,
            ...(sans.length ? [`subjectAltName=${sans.join(",")}`] : []),
        ].join("\n") + "\n",
    );
    const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`;
    must([
        openssl,
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.cert,
        "-CAkey",
        ca.key,
        "-set_serial",
        serial,
        "-days",
        "1",
        "-extfile",
        ext,
        "-out",
        cert,
    ]);
    return { cert, key };
}

/** A kubeconfig for a client certificate. */
export function kubeconfig(server: string, caPem: string, pair: KeyPair, user: string): string {
    const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "e2e", cluster: { server, "certificate-authority-data": b64(caPem) } }],
        users: [
            {
                name: user,
                user: {
                    "client-certificate-data": b64(fs.readFileSync(pair.cert)),
                    "client-key-data": b64(fs.readFileSync(pair.key)),
                },
            },
        ],
        contexts: [{ name: "e2e", context: { cluster: "e2e", user } }],
        "current-context": "e2e",
    });
}
