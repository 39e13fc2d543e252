/**
 * The e2e suite's join checks, on what real binaries produced (fixtures/join.json: a lab's
 * cluster-info signed by the bootstrapsigner, a kubelet-serving CSR and a bootstrap client CSR):
 * kubeadm's JWS and CA-pin checks, and kubelet-csr-approver's rules the suite applies in its place.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CsrObject, decodeCsr, refusalOf, ServingCsr, servingCsrRulesOf } from "../../e2e/lib/csr";
import {
    bootstrapKubeconfig,
    caCertHash,
    clusterInfoServer,
    parseJoinCommand,
    verifyDetachedJws,
} from "../../e2e/lib/join";

interface Fixture {
    tokenId: string;
    tokenSecret: string;
    kubeconfig: string;
    jws: string;
    servingCsr: CsrObject;
    clientCsr: CsrObject;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "join.json"), "utf8")) as Fixture;

describe("e2e: the join as kubeadm checks it", () => {
    const { tokenId, tokenSecret, kubeconfig, jws } = fixture;

    it("verifies the bootstrapsigner's signature only with the token's secret, id and content", () => {
        assert.ok(verifyDetachedJws(kubeconfig, jws, tokenId, tokenSecret));
        assert.ok(!verifyDetachedJws(kubeconfig, jws, tokenId, "0123456789abcdef"), "another secret");
        assert.ok(!verifyDetachedJws(kubeconfig, jws, "abcdef", tokenSecret), "another kid");
        assert.ok(!verifyDetachedJws(`${kubeconfig}\n`, jws, tokenId, tokenSecret), "changed content");
        assert.ok(!verifyDetachedJws(kubeconfig, jws.replace("..", ".e30."), tokenId, tokenSecret), "not detached");
    });

    it("reads a join command's endpoint, token and pin, from the command or a cloud-init line", () => {
        const hash = `sha256:${"a".repeat(64)}`;
        const command = `kubeadm join 203.0.113.5:6443 --token ${tokenId}.${tokenSecret} --discovery-token-ca-cert-hash ${hash}`;
        const want = { endpoint: "203.0.113.5:6443", tokenId, tokenSecret, caCertHash: hash };
        assert.deepEqual(parseJoinCommand(command), want);
        assert.deepEqual(parseJoinCommand(`runcmd:\n  - ${command}\n  - systemctl restart x\n`), want);
        assert.throws(() => parseJoinCommand("runcmd: []"), /expected one kubeadm join, found 0/);
        assert.throws(() => parseJoinCommand(command.replace(tokenSecret, "short")), /--token is not/);
    });

    it("pins the CA by its SubjectPublicKeyInfo and writes a token kubeconfig for it", () => {
        const { server, caPem } = clusterInfoServer(kubeconfig);
        assert.match(server, /^https:\/\/[\d.]+:6443$/);
        assert.match(caCertHash(caPem), /^sha256:[0-9a-f]{64}$/);
        const boot = JSON.parse(bootstrapKubeconfig(server, caPem, `${tokenId}.${tokenSecret}`)) as {
            clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
            users: { user: { token: string } }[];
        };
        assert.equal(boot.clusters[0].cluster.server, server);
        assert.equal(Buffer.from(boot.clusters[0].cluster["certificate-authority-data"], "base64").toString(), caPem);
        assert.equal(boot.users[0].user.token, `${tokenId}.${tokenSecret}`);
    });
});

describe("e2e: kubelet-serving CSRs under kubelet-csr-approver's rules", () => {
    const serving = decodeCsr(fixture.servingCsr);
    const rules = servingCsrRulesOf([
        "--provider-regex=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        "--provider-ip-prefixes=192.168.1.0/24",
        "--bypass-dns-resolution=true",
        "--allowed-dns-names=1",
    ]);

    it("decodes a kubelet's serving CSR: signer, requester, usages, subject and SANs", () => {
        assert.equal(serving.signerName, "kubernetes.io/kubelet-serving");
        assert.equal(serving.username, serving.commonName);
        assert.match(serving.commonName, /^system:node:dev-small-\d$/);
        assert.deepEqual(serving.organizations, ["system:nodes"]);
        assert.deepEqual(serving.usages, ["digital signature", "server auth"]);
        assert.deepEqual(serving.dnsNames, [serving.commonName.replace("system:node:", "")]);
        assert.equal(serving.ipAddresses.length, 1);
        assert.ok(serving.issued);
    });

    it("decodes the bootstrap client CSR as approved by the controller-manager", () => {
        const client = decodeCsr(fixture.clientCsr);
        assert.equal(client.signerName, "kubernetes.io/kube-apiserver-client-kubelet");
        assert.equal(client.approved, "AutoApproved");
        assert.match(client.username, /^system:bootstrap:[a-z0-9]{6}$/);
    });

    it("needs a provider regex, as the controller does", () => {
        assert.throws(() => servingCsrRulesOf([]), /no --provider-regex/);
    });

    const cases: [string, Partial<ServingCsr>, RegExp | undefined][] = [
        ["the kubelet's own CSR", {}, undefined],
        ["another signer", { signerName: "kubernetes.io/kube-apiserver-client" }, /signer/],
        ["someone else asking for the node", { username: "system:node:other" }, /requested by/],
        ["no system:nodes", { organizations: [] }, /organizations/],
        ["client auth", { usages: ["digital signature", "client auth"] }, /usages/],
        [
            "a hostname the regex refuses",
            { commonName: "system:node:Bad_Name", username: "system:node:Bad_Name" },
            /hostname/,
        ],
        ["two DNS names", { dnsNames: ["a", "b"] }, /2 DNS names, 1 allowed/],
        ["a DNS name that is not the hostname", { dnsNames: ["elsewhere"] }, /not the hostname/],
        ["an IP outside the worker subnet", { ipAddresses: ["10.0.0.5"] }, /outside 192\.168\.1\.0\/24/],
        ["no SANs", { dnsNames: [], ipAddresses: [] }, /no SANs/],
    ];
    for (const [what, change, refused] of cases) {
        it(`${refused ? "refuses" : "admits"} ${what}`, () => {
            const got = refusalOf({ ...serving, ...change }, rules);
            if (refused) assert.match(got ?? "", refused);
            else assert.equal(got, undefined);
        });
    }
});
