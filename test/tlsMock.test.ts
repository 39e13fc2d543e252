import * as assert from "assert";
import { createPrivateKey, createPublicKey, X509Certificate } from "crypto";
import { tlsMock } from "./harness/providers/tls";

const mock = tlsMock().resources;
type State = Record<string, unknown>;

let created = 0;
/** Each resource under a name of its own, as in a program (the mock keeps a key per resource name). */
async function create(type: string, inputs: State): Promise<State> {
    const result = await mock[`tls:index/${type}`]({ type, name: `t${++created}`, inputs, custom: true });
    return { id: result.id, ...(result.state as State) };
}
const privateKey = (inputs: State) => create("privateKey:PrivateKey", inputs);
const selfSigned = (inputs: State) => create("selfSignedCert:SelfSignedCert", inputs);
const request = (inputs: State) => create("certRequest:CertRequest", inputs);
const signed = (inputs: State) => create("locallySignedCert:LocallySignedCert", inputs);

async function ca(): Promise<{ key: State; cert: State }> {
    const key = await privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    const cert = await selfSigned({
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: "test-ca", organization: "gks" },
        isCaCertificate: true,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        validityPeriodHours: 100,
    });
    return { key, cert };
}

describe("the tls mock behaves like the tls provider", () => {
    it("makes ECDSA keys as SEC1, RSA keys as PKCS#1, both also as PKCS#8, with the PKIX public key", async () => {
        const ec = await privateKey({ algorithm: "ECDSA", ecdsaCurve: "P384" });
        assert.match(String(ec.privateKeyPem), /^-----BEGIN EC PRIVATE KEY-----\n/);
        assert.match(String(ec.privateKeyPemPkcs8), /^-----BEGIN PRIVATE KEY-----\n/);
        assert.match(String(ec.publicKeyPem), /^-----BEGIN PUBLIC KEY-----\n/);
        assert.strictEqual(createPrivateKey(String(ec.privateKeyPem)).asymmetricKeyDetails?.namedCurve, "secp384r1");
        assert.strictEqual(
            createPublicKey(String(ec.privateKeyPem)).export({ type: "spki", format: "pem" }),
            ec.publicKeyPem,
        );
        const rsa = await privateKey({ algorithm: "RSA", rsaBits: 2048 });
        assert.match(String(rsa.privateKeyPem), /^-----BEGIN RSA PRIVATE KEY-----\n/);
        assert.strictEqual(createPrivateKey(String(rsa.privateKeyPem)).asymmetricKeyDetails?.modulusLength, 2048);
        await assert.rejects(privateKey({ algorithm: "DSA" }), /algorithm must be RSA or ECDSA/);
    });

    it("self-signs a CA with basic constraints, key usages and a subject key id", async () => {
        const { cert } = await ca();
        const x = new X509Certificate(String(cert.certPem));
        assert.ok(x.ca);
        assert.strictEqual(x.subject, "O=gks\nCN=test-ca");
        assert.ok(x.verify(x.publicKey));
        assert.strictEqual(x.keyUsage, undefined, "a CA without extended key usages");
        assert.match(String(cert.validityEndTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const hours =
            (Date.parse(String(cert.validityEndTime)) - Date.parse(String(cert.validityStartTime))) / 3600_000;
        assert.strictEqual(hours, 100);
        assert.strictEqual(cert.readyForRenewal, false);
        assert.strictEqual(cert.keyAlgorithm, "ECDSA");
        assert.match(String(cert.id), /^\d+$/);
    });

    it("signs a request with the CA key: subject and SANs from the request, usages from allowedUses", async () => {
        const authority = await ca();
        const key = await privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const csr = await request({
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: "system:kube-scheduler", organization: "system:masters" },
            dnsNames: ["apiserver.cluster-dev.svc"],
            ipAddresses: ["203.0.113.10"],
        });
        assert.match(String(csr.certRequestPem), /^-----BEGIN CERTIFICATE REQUEST-----\n/);
        const cert = await signed({
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: authority.key.privateKeyPem,
            caCertPem: authority.cert.certPem,
            allowedUses: ["digital_signature", "client_auth"],
            validityPeriodHours: 10,
            earlyRenewalHours: 2,
        });
        const x = new X509Certificate(String(cert.certPem));
        const caX = new X509Certificate(String(authority.cert.certPem));
        assert.ok(x.verify(caX.publicKey));
        assert.ok(x.checkIssued(caX));
        assert.ok(!x.ca);
        assert.strictEqual(x.subject, "O=system:masters\nCN=system:kube-scheduler");
        assert.strictEqual(x.subjectAltName, "DNS:apiserver.cluster-dev.svc, IP Address:203.0.113.10");
        assert.deepStrictEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
        assert.ok(x.checkPrivateKey(createPrivateKey(String(key.privateKeyPem))));
        assert.strictEqual(cert.caKeyAlgorithm, "ECDSA");
        assert.strictEqual(cert.earlyRenewalHours, 2);
    });

    it("reports a certificate inside its early-renewal window as ready for renewal", async () => {
        const authority = await ca();
        const cert = await selfSigned({
            privateKeyPem: authority.key.privateKeyPem,
            subject: { commonName: "short" },
            validityPeriodHours: 10,
            earlyRenewalHours: 10,
        });
        assert.strictEqual(cert.readyForRenewal, true);
    });

    it("rejects what the provider rejects", async () => {
        const authority = await ca();
        await assert.rejects(
            selfSigned({ privateKeyPem: authority.key.privateKeyPem, isCaCertificate: true, validityPeriodHours: 1 }),
            /Must contain at least one Distinguished Name/,
        );
        await assert.rejects(
            selfSigned({
                privateKeyPem: authority.key.privateKeyPem,
                allowedUses: ["serverAuth"],
                validityPeriodHours: 1,
            }),
            /allowed_uses: value must be one of/,
        );
        await assert.rejects(
            selfSigned({ privateKeyPem: authority.key.privateKeyPem, subject: { commonName: "x" } }),
            /validity_period_hours is required/,
        );
        await assert.rejects(
            request({ privateKeyPem: authority.key.privateKeyPem, ipAddresses: ["not-an-ip"] }),
            /Invalid IP address/,
        );
        const other = await ca();
        const csr = await request({ privateKeyPem: authority.key.privateKeyPem, subject: { commonName: "x" } });
        await assert.rejects(
            signed({
                certRequestPem: csr.certRequestPem,
                caPrivateKeyPem: other.key.privateKeyPem,
                caCertPem: authority.cert.certPem,
                validityPeriodHours: 1,
            }),
            /doesn't match parent's PublicKey/,
        );
    });
});
