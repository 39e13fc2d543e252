import "../reflectMetadata";
import * as x509 from "@peculiar/x509";
import {
    createHash,
    createPrivateKey,
    createPublicKey,
    generateKeyPairSync,
    KeyObject,
    randomBytes,
    webcrypto,
} from "crypto";
import { isIP } from "net";
import { unwrapSecrets } from "../recorder";
import { ProviderMock } from "./types";

x509.cryptoProvider.set(webcrypto);

type Inputs = Record<string, unknown>;
type CryptoKey = webcrypto.CryptoKey;

/**
 * The tls provider (hashicorp/terraform-provider-tls behind @pulumi/tls), made of real keys and
 * certificates so that tests can run TLS handshakes with what a program wires together. It
 * follows internal/provider/{resource_private_key,common_cert,resource_*_cert}.go:
 * - privateKeyPem is PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"), privateKeyPemPkcs8
 *   PKCS#8, publicKeyPem PKIX; ecdsaCurve defaults to P224, rsaBits to 2048.
 * - certificates: a random 128-bit serial (the id), notBefore = now, notAfter = now +
 *   validityPeriodHours, basicConstraints always present (critical), allowedUses split into
 *   keyUsage (critical) and extKeyUsage, a subject key id for CAs (or with setSubjectKeyId), an
 *   authority key id taken from the signing CA's subject key id; a locally signed certificate
 *   takes subject and SANs from the CSR.
 * Not produced: the OpenSSH forms of keys (privateKeyOpenssh, publicKeyOpenssh, fingerprints).
 */
export function tlsMock(): ProviderMock {
    return {
        prefix: "tls:",
        resources: {
            "tls:index/privateKey:PrivateKey": async ({ name, inputs }) => {
                const state = cachedKey(name, plain(inputs));
                return {
                    id: createHash("sha1").update(String(state.publicKeyPem)).digest("hex"),
                    state: { ...inputs, ...state },
                };
            },
            "tls:index/selfSignedCert:SelfSignedCert": async ({ inputs }) => {
                const cert = await selfSignedCert(plain(inputs));
                return { id: cert.id, state: { ...withCertDefaults(inputs), ...cert.state } };
            },
            "tls:index/certRequest:CertRequest": async ({ inputs }) => {
                const state = await certRequest(plain(inputs));
                return {
                    id: createHash("sha1").update(state.certRequestPem).digest("hex"),
                    state: { ...inputs, ...state },
                };
            },
            "tls:index/locallySignedCert:LocallySignedCert": async ({ inputs }) => {
                const cert = await locallySignedCert(plain(inputs));
                return { id: cert.id, state: { ...withCertDefaults(inputs), ...cert.state } };
            },
        },
        calls: {},
    };
}

/**
 * The provider works on plain values; the state keeps the inputs as sent, so that a secret
 * input (a CA key) stays a secret output, as the engine keeps it.
 */
const plain = (inputs: Inputs): Inputs => unwrapSecrets(inputs) as Inputs;

// --- keys -------------------------------------------------------------------------------------

const curves: Record<string, { node: string; web: string; hash: string }> = {
    P256: { node: "prime256v1", web: "P-256", hash: "SHA-256" },
    P384: { node: "secp384r1", web: "P-384", hash: "SHA-384" },
    P521: { node: "secp521r1", web: "P-521", hash: "SHA-512" },
};

function privateKey(inputs: Inputs): Record<string, unknown> {
    const algorithm = String(inputs.algorithm ?? "");
    if (algorithm === "ECDSA") {
        const ecdsaCurve = String(inputs.ecdsaCurve ?? "P224");
        const curve = curves[ecdsaCurve];
        if (!curve) throw new Error(`tls mock: ecdsaCurve ${ecdsaCurve} is not supported here (P256, P384, P521)`);
        const { privateKey: key } = generateKeyPairSync("ec", { namedCurve: curve.node });
        return { algorithm, ecdsaCurve, rsaBits: inputs.rsaBits ?? 2048, ...keyPems(key) };
    }
    if (algorithm === "RSA") {
        const rsaBits = Number(inputs.rsaBits ?? 2048);
        const { privateKey: key } = generateKeyPairSync("rsa", { modulusLength: rsaBits });
        return { algorithm, ecdsaCurve: inputs.ecdsaCurve ?? "P224", rsaBits, ...keyPems(key) };
    }
    throw new Error(
        `tls mock: algorithm must be RSA or ECDSA (ED25519 is not mocked), got ${JSON.stringify(algorithm)}`,
    );
}

/**
 * Keys by resource name and key spec, kept for the process: a key resource that keeps its name
 * keeps its key across runs, as a stack's state keeps it across updates, and different key
 * resources get different keys. Tests run the same stacks many times; making and encoding their
 * keys again each time was a large part of a run.
 */
const keyCache = new Map<string, Record<string, unknown>>();
const keyCacheLimit = 5000;

function cachedKey(name: string, inputs: Inputs): Record<string, unknown> {
    const id = JSON.stringify([name, inputs.algorithm, inputs.ecdsaCurve, inputs.rsaBits]);
    let state = keyCache.get(id);
    if (state === undefined) {
        state = privateKey(inputs);
        if (keyCache.size >= keyCacheLimit) keyCache.clear();
        keyCache.set(id, state);
    }
    return state;
}

function keyPems(key: KeyObject): Record<string, string> {
    const type = key.asymmetricKeyType === "rsa" ? "pkcs1" : "sec1";
    return {
        privateKeyPem: key.export({ type, format: "pem" }).toString(),
        privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }).toString(),
        publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
    };
}

interface WebKey {
    algorithm: "RSA" | "ECDSA";
    privateKey: CryptoKey;
    publicKey: CryptoKey;
    signing: { name: string; hash: string };
}

/** WebCrypto keys by PEM: a CA's key signs many certificates, and importing it is costly. */
const webKeys = new Map<string, Promise<WebKey>>();

/** Reads a PEM private key in any of the provider's formats, as WebCrypto keys. */
function webKey(pem: unknown, field: string): Promise<WebKey> {
    if (typeof pem !== "string" || !pem.includes("PRIVATE KEY")) {
        return Promise.reject(new Error(`tls mock: ${field} must be a PEM private key`));
    }
    let key = webKeys.get(pem);
    if (key === undefined) {
        key = importWebKey(pem, field);
        if (webKeys.size >= keyCacheLimit) webKeys.clear();
        webKeys.set(pem, key);
        key.catch(() => webKeys.delete(pem));
    }
    return key;
}

async function importWebKey(pem: string, field: string): Promise<WebKey> {
    const key = createPrivateKey(pem);
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    const spki = createPublicKey(key).export({ type: "spki", format: "der" });
    let importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
    let signing: { name: string; hash: string };
    if (key.asymmetricKeyType === "rsa") {
        importParams = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
        signing = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    } else if (key.asymmetricKeyType === "ec") {
        const curve = Object.values(curves).find((c) => c.node === key.asymmetricKeyDetails?.namedCurve);
        if (!curve) throw new Error(`tls mock: curve ${key.asymmetricKeyDetails?.namedCurve} is not supported here`);
        importParams = { name: "ECDSA", namedCurve: curve.web };
        signing = { name: "ECDSA", hash: curve.hash };
    } else {
        throw new Error(`tls mock: ${field}: key type ${key.asymmetricKeyType} is not mocked`);
    }
    const subtle = webcrypto.subtle;
    return {
        algorithm: key.asymmetricKeyType === "rsa" ? "RSA" : "ECDSA",
        privateKey: await subtle.importKey("pkcs8", pkcs8, importParams, true, ["sign"]),
        publicKey: await subtle.importKey("spki", spki, importParams, true, ["verify"]),
        signing,
    };
}

// --- subjects, SANs, usages -------------------------------------------------------------------

/** Go's pkix.Name order: C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER, then e-mail. */
const subjectFields: [string, string][] = [
    ["country", "C"],
    ["province", "ST"],
    ["locality", "L"],
    ["streetAddresses", "2.5.4.9"],
    ["postalCode", "2.5.4.17"],
    ["organization", "O"],
    ["organizationalUnit", "OU"],
    ["commonName", "CN"],
    ["serialNumber", "2.5.4.5"],
    ["emailAddress", "1.2.840.113549.1.9.1"],
];

function subjectName(subject: unknown): x509.Name {
    const s = (subject ?? {}) as Record<string, unknown>;
    const rdns: Record<string, string[]>[] = [];
    for (const [field, type] of subjectFields) {
        const value = s[field];
        if (value === undefined || value === null || value === "") continue;
        const values = Array.isArray(value) ? value.map(String) : [String(value)];
        if (values.length > 0) rdns.push({ [type]: values });
    }
    return new x509.Name(rdns);
}

function sanExtension(inputs: Inputs): x509.Extension[] {
    const names: x509.JsonGeneralName[] = [];
    for (const dns of (inputs.dnsNames as string[] | undefined) ?? []) names.push({ type: "dns", value: dns });
    for (const ip of (inputs.ipAddresses as string[] | undefined) ?? []) {
        if (isIP(ip) === 0) throw new Error(`tls mock: Invalid IP address: Failed to parse "${ip}"`);
        names.push({ type: "ip", value: ip });
    }
    for (const uri of (inputs.uris as string[] | undefined) ?? []) names.push({ type: "url", value: uri });
    return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [];
}

const keyUsages: Record<string, x509.KeyUsageFlags> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
    encipher_only: x509.KeyUsageFlags.encipherOnly,
    decipher_only: x509.KeyUsageFlags.decipherOnly,
};

const extendedKeyUsages: Record<string, string> = {
    any_extended: "2.5.29.37.0",
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
    email_protection: x509.ExtendedKeyUsage.emailProtection,
    ipsec_end_system: "1.3.6.1.5.5.7.3.5",
    ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
    ipsec_user: "1.3.6.1.5.5.7.3.7",
    timestamping: x509.ExtendedKeyUsage.timeStamping,
    ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
    microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
    netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
    microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
    microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

function usageExtensions(allowedUses: unknown): x509.Extension[] {
    const uses = (allowedUses as string[] | undefined) ?? [];
    let flags = 0;
    const extended: string[] = [];
    for (const use of uses) {
        if (keyUsages[use] !== undefined) flags |= keyUsages[use];
        else if (extendedKeyUsages[use] !== undefined) extended.push(extendedKeyUsages[use]);
        else
            throw new Error(
                `tls mock: allowed_uses: value must be one of: ${[...Object.keys(keyUsages), ...Object.keys(extendedKeyUsages)].sort().join(", ")}; got "${use}"`,
            );
    }
    const extensions: x509.Extension[] = [];
    if (flags !== 0) extensions.push(new x509.KeyUsagesExtension(flags, true));
    if (extended.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extended));
    return extensions;
}

// --- certificates -----------------------------------------------------------------------------

interface IssuedCert {
    id: string;
    state: Record<string, unknown>;
}

function withCertDefaults(inputs: Inputs): Inputs {
    return { earlyRenewalHours: 0, isCaCertificate: false, setSubjectKeyId: false, ...inputs };
}

/** A positive 128-bit serial, as Go's rand.Int(rand.Reader, 2^128) gives. */
function serial(): { hex: string; decimal: string } {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    const hex = bytes.toString("hex");
    return { hex, decimal: BigInt(`0x${hex}`).toString() };
}

function validity(inputs: Inputs): { notBefore: Date; notAfter: Date } {
    const hours = inputs.validityPeriodHours;
    if (typeof hours !== "number" || !Number.isInteger(hours) || hours < 0) {
        throw new Error(`tls mock: validity_period_hours is required (a whole number of hours), got ${hours}`);
    }
    const notBefore = new Date();
    notBefore.setMilliseconds(0);
    return { notBefore, notAfter: new Date(notBefore.getTime() + hours * 3600_000) };
}

function renewalState(inputs: Inputs, notBefore: Date, notAfter: Date): Record<string, unknown> {
    const early = Number(inputs.earlyRenewalHours ?? 0);
    return {
        validityStartTime: notBefore.toISOString().replace(".000Z", "Z"),
        validityEndTime: notAfter.toISOString().replace(".000Z", "Z"),
        readyForRenewal: Date.now() >= notAfter.getTime() - early * 3600_000,
    };
}

/** Go's createCertificate (common_cert.go): validity, serial, usages, constraints, key ids. */
async function createCertificate(
    inputs: Inputs,
    t: { subject: x509.Name; issuer: x509.Name; publicKey: CryptoKey; signer: WebKey; extensions: x509.Extension[] },
): Promise<IssuedCert> {
    const isCa = inputs.isCaCertificate === true;
    const { notBefore, notAfter } = validity(inputs);
    const extensions: x509.Extension[] = [
        ...usageExtensions(inputs.allowedUses),
        new x509.BasicConstraintsExtension(isCa, undefined, true),
    ];
    if (isCa || inputs.setSubjectKeyId === true) {
        extensions.push(await x509.SubjectKeyIdentifierExtension.create(t.publicKey));
    }
    const { hex, decimal } = serial();
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: hex,
        subject: t.subject,
        issuer: t.issuer,
        notBefore,
        notAfter,
        publicKey: t.publicKey,
        signingKey: t.signer.privateKey,
        signingAlgorithm: t.signer.signing,
        extensions: [...extensions, ...t.extensions],
    });
    return {
        id: decimal,
        state: { certPem: `${cert.toString("pem")}\n`, ...renewalState(inputs, notBefore, notAfter) },
    };
}

async function selfSignedCert(inputs: Inputs): Promise<IssuedCert> {
    const key = await webKey(inputs.privateKeyPem, "private_key_pem");
    const name = subjectName(inputs.subject);
    if (inputs.isCaCertificate === true && name.toJSON().length === 0) {
        throw new Error(
            "tls mock: Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)",
        );
    }
    const cert = await createCertificate(inputs, {
        subject: name,
        issuer: name,
        publicKey: key.publicKey,
        signer: key,
        extensions: sanExtension(inputs),
    });
    return { id: cert.id, state: { ...cert.state, keyAlgorithm: key.algorithm } };
}

async function certRequest(inputs: Inputs): Promise<Record<string, string>> {
    const key = await webKey(inputs.privateKeyPem, "private_key_pem");
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(inputs.subject),
        keys: { privateKey: key.privateKey, publicKey: key.publicKey },
        signingAlgorithm: key.signing,
        extensions: sanExtension(inputs),
    });
    return { certRequestPem: `${csr.toString("pem")}\n`, keyAlgorithm: key.algorithm };
}

/** A CA certificate parsed, and whether the key matches it, by (certificate, key): a CA signs many certificates. */
const signingCas = new Map<string, Promise<{ caCert: x509.X509Certificate; matches: boolean }>>();

function signingCa(caCertPem: string, caKeyPem: string, caKey: WebKey) {
    const id = `${caCertPem}\n${caKeyPem}`;
    let ca = signingCas.get(id);
    if (ca === undefined) {
        ca = (async () => {
            const caCert = new x509.X509Certificate(caCertPem);
            const caSpki = Buffer.from(await webcrypto.subtle.exportKey("spki", await caCert.publicKey.export()));
            const ownSpki = Buffer.from(await webcrypto.subtle.exportKey("spki", caKey.publicKey));
            return { caCert, matches: caSpki.equals(ownSpki) };
        })();
        if (signingCas.size >= keyCacheLimit) signingCas.clear();
        signingCas.set(id, ca);
        ca.catch(() => signingCas.delete(id));
    }
    return ca;
}

async function locallySignedCert(inputs: Inputs): Promise<IssuedCert> {
    if (typeof inputs.certRequestPem !== "string") throw new Error("tls mock: cert_request_pem is required");
    const csr = new x509.Pkcs10CertificateRequest(inputs.certRequestPem);
    if (!(await csr.verify())) throw new Error("tls mock: Failed to parse certificate request PEM: bad signature");
    const caKey = await webKey(inputs.caPrivateKeyPem, "ca_private_key_pem");
    if (typeof inputs.caCertPem !== "string") throw new Error("tls mock: ca_cert_pem is required");
    const { caCert, matches } = await signingCa(inputs.caCertPem, String(inputs.caPrivateKeyPem), caKey);
    if (!matches) {
        // Go's x509.CreateCertificate checks that the signer matches the parent's public key.
        throw new Error(
            "tls mock: Failed to create certificate: x509: provided PrivateKey doesn't match parent's PublicKey",
        );
    }
    const extensions: x509.Extension[] = [];
    const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
    if (caKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId.keyId));
    const san = csr.getExtension("2.5.29.17");
    if (san) extensions.push(san);
    const cert = await createCertificate(inputs, {
        subject: csr.subjectName,
        issuer: caCert.subjectName,
        publicKey: await csr.publicKey.export(),
        signer: caKey,
        extensions,
    });
    return { id: cert.id, state: { ...cert.state, caKeyAlgorithm: caKey.algorithm } };
}
