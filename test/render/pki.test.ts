import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { caBundleFile, pkiFiles } from "../../scripts/render/pki";
import { syntheticPki } from "./synthetic";

const openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].find((p) => fs.existsSync(p));
function ssl(...args: string[]): string {
    return execFileSync(openssl ?? "openssl", args).toString();
}

describe("render: PKI files", () => {
    let dir: string;
    let files: ReturnType<typeof pkiFiles>;
    before(async () => {
        files = pkiFiles(await syntheticPki());
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gks-pki-"));
        for (const f of files) fs.writeFileSync(path.join(dir, f.file), f.content);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("names certificates after their resource, and keys after the certificate they belong to", () => {
        assert.deepStrictEqual(
            files.map((f) => f.file),
            [
                "dev-tunnel-ca.crt",
                "dev-tunnel-ca.key",
                "dev-tunnel-server.crt",
                "dev-tunnel-server.key",
                "dev-spare.key",
                caBundleFile,
            ],
        );
        const byName = Object.fromEntries(files.map((f) => [f.file, f.content]));
        assert.match(byName["dev-tunnel-ca.crt"], /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
        assert.match(byName["dev-tunnel-server.key"], /^-----BEGIN PRIVATE KEY-----/);
        assert.strictEqual(byName[caBundleFile], byName["dev-tunnel-ca.crt"], "one CA: the bundle is that CA");
    });

    it("gives each certificate the key it was made with (the public keys match)", function () {
        if (!openssl) this.skip();
        for (const name of ["dev-tunnel-ca", "dev-tunnel-server"]) {
            const fromCert = ssl("x509", "-noout", "-pubkey", "-in", path.join(dir, `${name}.crt`));
            const fromKey = ssl("pkey", "-pubout", "-in", path.join(dir, `${name}.key`));
            assert.strictEqual(fromCert, fromKey, name);
        }
    });

    it("writes a CA bundle that verifies the leaf (openssl verify -CAfile)", function () {
        if (!openssl) this.skip();
        const out = ssl("verify", "-CAfile", path.join(dir, caBundleFile), path.join(dir, "dev-tunnel-server.crt"));
        assert.match(out, /dev-tunnel-server\.crt: OK/);
    });

    it("writes nothing without tls resources", () => {
        assert.deepStrictEqual(pkiFiles([]), []);
    });
});
