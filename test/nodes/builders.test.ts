import "../harness/reflectMetadata";
import * as x509 from "@peculiar/x509";
import * as assert from "assert";
import { webcrypto } from "crypto";
import { parse } from "yaml";
import { versionPins } from "../../components/config";
import {
    bootstrapTokenData,
    tokenFromRandom,
    tokenSecretName,
    tokenString,
} from "../../components/nodes/bootstrapToken";
import { packageRepository, packageVersion, userData } from "../../components/nodes/cloudInit";
import { clusterInfoKubeconfig } from "../../components/nodes/clusterInfo";
import { clusterConfiguration } from "../../components/nodes/kubeadmConfig";
import { clusterDnsAddress, kubeletConfiguration } from "../../components/nodes/kubeletConfig";
import { nodeGeneration, GenerationInputs, nodeNames } from "../../components/nodes/poolPlan";
import { csrApproverFlags } from "../../components/nodes/csrApprover";

describe("nodes: bootstrap tokens (pure)", () => {
    it("splits 22 random characters into kubeadm's id.secret and names the Secret after the id", () => {
        const token = tokenFromRandom("abcdef0123456789abcdef");
        assert.deepStrictEqual(token, { id: "abcdef", secret: "0123456789abcdef" });
        assert.strictEqual(tokenString(token), "abcdef.0123456789abcdef");
        assert.strictEqual(tokenSecretName(token.id), "bootstrap-token-abcdef");
    });

    for (const bad of ["abcdef0123456789abcde", "ABCDEF0123456789abcdef", "abcdef-123456789abcdef"]) {
        it(`refuses "${bad}" (kubeadm's pattern is [a-z0-9]{6}.[a-z0-9]{16})`, () =>
            assert.throws(() => tokenFromRandom(bad), /bootstrap token/));
    }

    it("writes the data kubeadm writes: both usages, kubeadm's group, an RFC 3339 expiry", () => {
        const data = bootstrapTokenData({ id: "abcdef", secret: "0123456789abcdef" }, "2026-12-02T09:00:00Z", "d");
        assert.deepStrictEqual(data, {
            "token-id": "abcdef",
            "token-secret": "0123456789abcdef",
            description: "d",
            expiration: "2026-12-02T09:00:00Z",
            "usage-bootstrap-authentication": "true",
            "usage-bootstrap-signing": "true",
            "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
        });
        assert.throws(() => bootstrapTokenData({ id: "abcdef", secret: "x" }, "tomorrow", "d"), /RFC 3339/);
    });
});

describe("nodes: cluster DNS and configs (pure)", () => {
    const table: [string, string][] = [
        ["10.240.16.0/20", "10.240.16.10"],
        ["10.96.0.0/12", "10.96.0.10"],
        ["192.168.255.0/24", "192.168.255.10"],
    ];
    for (const [cidr, dns] of table) {
        it(`puts the cluster DNS of ${cidr} at its tenth address, ${dns}`, () =>
            assert.strictEqual(clusterDnsAddress(cidr), dns));
    }

    it("gives the kubelet the cluster DNS, domain, webhook auth, the CA kubeadm writes and serving-certificate bootstrap", () => {
        const k = kubeletConfiguration({ serviceCidr: "10.240.16.0/20", clusterDomain: "example.internal" });
        assert.deepStrictEqual(k.clusterDNS, ["10.240.16.10"]);
        assert.strictEqual(k.clusterDomain, "example.internal");
        assert.strictEqual(k.authentication.anonymous.enabled, false);
        assert.strictEqual(k.authorization.mode, "Webhook");
        assert.strictEqual(k.authentication.x509.clientCAFile, "/etc/kubernetes/pki/ca.crt");
        assert.strictEqual(k.serverTLSBootstrap, true);
        assert.strictEqual(k.rotateCertificates, true);
        assert.strictEqual(k.readOnlyPort, 0);
        assert.strictEqual(k.cgroupDriver, "systemd");
    });

    it("states the networks and endpoint in kubeadm's v1beta4 ClusterConfiguration", () => {
        const c = clusterConfiguration({
            clusterName: "dev",
            kubernetesVersion: "v1.36.5",
            controlPlaneEndpoint: "203.0.113.5:6443",
            serviceCidr: "10.240.16.0/20",
            podCidr: "172.25.0.0/16",
            clusterDomain: "cluster.local",
        });
        assert.strictEqual(c.apiVersion, "kubeadm.k8s.io/v1beta4");
        assert.deepStrictEqual(c.networking, {
            serviceSubnet: "10.240.16.0/20",
            podSubnet: "172.25.0.0/16",
            dnsDomain: "cluster.local",
        });
        assert.strictEqual(c.controlPlaneEndpoint, "203.0.113.5:6443");
    });

    it("writes cluster-info's kubeconfig with one unnamed cluster and no user", () => {
        const kc = parse(clusterInfoKubeconfig("https://203.0.113.5:6443", "PEM")) as Record<string, unknown>;
        assert.deepStrictEqual(kc.clusters, [
            {
                name: "",
                cluster: {
                    server: "https://203.0.113.5:6443",
                    "certificate-authority-data": Buffer.from("PEM").toString("base64"),
                },
            },
        ]);
        assert.deepStrictEqual(kc.users, []);
    });
});

describe("nodes: user-data (pure)", () => {
    for (const minor of ["1.35", "1.36", "1.37"]) {
        const { kubernetes } = versionPins(minor);
        it(`installs kubelet and kubeadm ${kubernetes} from the v${minor} repository and joins`, () => {
            const text = userData({ kubernetesVersion: kubernetes, joinCommand: "kubeadm join x:6443 --token t" });
            assert.ok(text.startsWith("#cloud-config\n"));
            const doc = parse(text) as { runcmd: (string | string[])[]; packages: string[] };
            const commands = doc.runcmd.map((c) => (Array.isArray(c) ? c.join(" ") : c));
            const repo = `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`;
            assert.strictEqual(packageRepository(kubernetes), repo);
            const install = commands.findIndex((c) => c.startsWith("apt-get install"));
            const source = commands.findIndex((c) =>
                c.includes(`${repo} /' > /etc/apt/sources.list.d/kubernetes.list`),
            );
            const key = commands.findIndex((c) => c.startsWith(`curl -fsSL ${repo}Release.key`));
            assert.ok(key >= 0 && key < source && source < install, "key, then repository, then install");
            assert.ok(commands[install].includes(`kubelet=${packageVersion(kubernetes)}`));
            assert.strictEqual(packageVersion(kubernetes), `${kubernetes.slice(1)}-*`);
            assert.strictEqual(commands.at(-1), "kubeadm join x:6443 --token t");
            assert.ok(commands.includes("swapoff -a"));
            assert.ok(doc.packages.includes("containerd"));
        });
    }
    it("refuses a version that is no release", () => assert.throws(() => packageRepository("1.36"), /v1\.36\.5/));
});

x509.cryptoProvider.set(webcrypto);

/** A real self-signed CA certificate: the join command pins its key. */
async function caPem(name: string): Promise<string> {
    const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        name: `CN=${name}`,
        keys,
        signingAlgorithm: alg,
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    return cert.toString("pem");
}

describe("nodes: worker pool plan (pure)", () => {
    let base: GenerationInputs;
    let otherCa: string;
    before(async () => {
        base = {
            imageId: "img-1",
            bootVolumeSizeGb: 20,
            serverGroupId: "sg-1",
            kubernetesVersion: "v1.36.5",
            publicAddress: "203.0.113.5",
            caCertPem: await caPem("ca-1"),
        };
        otherCa = await caPem("ca-2");
    });
    it("names nodes <cluster>-<pool>-<index>, so a pool grows and shrinks at its end", () => {
        assert.deepStrictEqual(nodeNames("dev", "small", 3), ["dev-small-0", "dev-small-1", "dev-small-2"]);
        assert.deepStrictEqual(nodeNames("dev", "small", 0), []);
    });
    // Everything that replaces the VM must renew its token; nothing else may.
    const changes: [string, () => Partial<GenerationInputs>][] = [
        ["the image", () => ({ imageId: "img-2" })],
        ["the boot volume", () => ({ bootVolumeSizeGb: 40 })],
        ["the key pair", () => ({ keyPair: "ops" })],
        ["the server group", () => ({ serverGroupId: "sg-2" })],
        ["the Kubernetes release (user-data)", () => ({ kubernetesVersion: "v1.37.2" })],
        ["the API address (user-data)", () => ({ publicAddress: "203.0.113.6" })],
        ["the cluster CA (user-data)", () => ({ caCertPem: otherCa })],
    ];
    for (const [what, change] of changes) {
        it(`gives a node a new generation, and so a new token, when ${what} changes`, () =>
            assert.notStrictEqual(nodeGeneration({ ...base, ...change() }), nodeGeneration(base)));
    }
    it("keeps the generation when nothing that replaces the VM changes", () =>
        assert.strictEqual(nodeGeneration({ ...base }), nodeGeneration(base)));
});

describe("nodes: kubelet-csr-approver flags (pure)", () => {
    it("admits IP SANs only from the worker networks, skips DNS look-ups, elects a leader, keeps metrics off", () => {
        const flags = csrApproverFlags(["192.168.1.0/24"]);
        assert.ok(flags.includes("--provider-ip-prefixes=192.168.1.0/24"));
        assert.ok(flags.includes("--bypass-dns-resolution=true"));
        assert.ok(flags.includes("--leader-election=true"));
        assert.ok(flags.includes("--metrics-bind-address=0"));
        const regex = new RegExp(
            flags.find((f) => f.startsWith("--provider-regex="))!.slice("--provider-regex=".length),
        );
        assert.ok(regex.test("dev-small-0") && regex.test("node1.example.internal"));
        assert.ok(!regex.test("Evil_Name") && !regex.test("-x"));
    });
});
