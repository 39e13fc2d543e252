import { RecordedResource } from "../../test/harness/recorder";

/**
 * The certificates and keys of the tls resources as PEM files, named after their use, so that
 * the tunnel can be tried locally with the real binaries:
 * - `<cert>.crt`: the certificate of each SelfSignedCert / LocallySignedCert named `<cert>`;
 * - `<cert>.key`: the private key that certificate was made with (a SelfSignedCert's own
 *   privateKeyPem; for a LocallySignedCert, its CertRequest's), whatever the key resource is
 *   called: key `dev-tunnel-server-key` behind cert `dev-tunnel-server` gives `dev-tunnel-server.key`;
 * - `<name>.key` for a key no certificate uses, `<name>` being its resource name without a
 *   trailing `-key` / `-private-key` (the full name if that file is taken);
 * - `ca-bundle.crt`: every CA certificate (isCaCertificate, or the caCertPem that signed a
 *   certificate), in name order. Each CA is also `<ca>.crt`.
 */
export const tlsTypes = {
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    certRequest: "tls:index/certRequest:CertRequest",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
} as const;

export interface PkiFile {
    readonly file: string;
    readonly content: string;
    /** The resource it comes from, or "CAs" for the bundle. */
    readonly from: string;
}

export const caBundleFile = "ca-bundle.crt";

function pem(value: unknown): string | undefined {
    return typeof value === "string" && value.includes("-----BEGIN ") ? value : undefined;
}

/** A PEM value of a resource: the provider's output, else the input the program gave. */
function pemOf(resource: RecordedResource, key: string): string | undefined {
    return pem(resource.outputs[key]) ?? pem(resource.inputs[key]);
}

const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
const byName = (a: RecordedResource, b: RecordedResource) => a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn);

/** The private key a certificate was made with: its own input, or its CertRequest's. */
function keyOf(cert: RecordedResource, requests: readonly RecordedResource[]): string | undefined {
    if (cert.type === tlsTypes.selfSignedCert) return pemOf(cert, "privateKeyPem");
    const request = requests.find((r) => pemOf(r, "certRequestPem") === pem(cert.inputs.certRequestPem));
    return request && pemOf(request, "privateKeyPem");
}

export function pkiFiles(resources: readonly RecordedResource[]): PkiFile[] {
    const ofType = (type: string) => resources.filter((r) => r.type === type).sort(byName);
    const requests = ofType(tlsTypes.certRequest);
    const signed = ofType(tlsTypes.locallySignedCert);
    const certs = [...ofType(tlsTypes.selfSignedCert), ...signed].sort(byName);
    const files: PkiFile[] = [];
    const taken = new Set<string>();
    const add = (file: string, content: string, from: string) => {
        files.push({ file, content: withNewline(content), from });
        taken.add(file);
    };

    const usedKeys = new Set<string>();
    for (const cert of certs) {
        const certPem = pemOf(cert, "certPem");
        if (certPem === undefined) continue;
        add(`${cert.name}.crt`, certPem, cert.name);
        const keyPem = keyOf(cert, requests);
        if (keyPem !== undefined) {
            usedKeys.add(keyPem);
            add(`${cert.name}.key`, keyPem, cert.name);
        }
    }

    for (const key of ofType(tlsTypes.privateKey)) {
        const keyPem = pemOf(key, "privateKeyPem");
        if (keyPem === undefined || usedKeys.has(keyPem)) continue;
        const short = `${key.name.replace(/-(private-)?key$/, "")}.key`;
        add(taken.has(short) ? `${key.name}.key` : short, keyPem, key.name);
    }

    const signers = new Set(signed.map((c) => pem(c.inputs.caCertPem)).filter((p) => p !== undefined));
    const cas = certs.filter((c) => {
        const certPem = pemOf(c, "certPem");
        return certPem !== undefined && (c.inputs.isCaCertificate === true || signers.has(certPem));
    });
    if (cas.length > 0) {
        add(caBundleFile, cas.map((c) => withNewline(pemOf(c, "certPem")!)).join(""), "CAs");
    }
    return files;
}
