import * as assert from "assert";
import { LeafName, pkiSpecs, PkiSpecArgs } from "../components/pki/certificateSpecs";
import { identities } from "../components/shared/identities";
import { konnectivityPki } from "../components/tunnel/konnectivity";

const args: PkiSpecArgs = {
    clusterName: "dev",
    publicAddress: "203.0.113.10",
    serviceCidr: "10.240.16.0/20",
    clusterDomain: "example.internal",
    seedNamespace: "cluster-dev",
    etcdReplicas: 3,
    caValidityHours: 87600,
    certValidityHours: 8760,
    earlyRenewalHours: 720,
};
const specs = pkiSpecs(args);
const leaves = specs.certificates;
const tunnelAddress = "203.0.113.20";
const konnectivity = konnectivityPki({
    ...args,
    seedNamespace: "cluster-dev",
    tunnelAddress,
    serverCounting: "leases",
});

describe("certificate specs", () => {
    it("name every tls resource after its use", () => {
        assert.deepStrictEqual(
            Object.values(specs.authorities).map((a) => a.resourceName),
            ["dev-ca", "dev-etcd-ca", "dev-front-proxy-ca"],
        );
        assert.strictEqual(konnectivity.authority.resourceName, "dev-konnectivity-ca");
        assert.strictEqual(konnectivity.certificates.server.resourceName, "dev-konnectivity-server");
        assert.strictEqual(konnectivity.certificates.agent.resourceName, "dev-konnectivity-agent");
        assert.strictEqual(leaves.apiserver.resourceName, "dev-apiserver");
        assert.strictEqual(specs.serviceAccountKey.resourceName, "dev-service-account");
        const names = [
            ...Object.values(specs.authorities),
            ...Object.values(leaves),
            konnectivity.authority,
            ...Object.values(konnectivity.certificates),
        ].map((s) => s.resourceName);
        assert.strictEqual(new Set(names).size, names.length);
    });

    it("CAs sign certificates and live caValidityHours; leaves live certValidityHours; all renew early", () => {
        for (const ca of [...Object.values(specs.authorities), konnectivity.authority]) {
            assert.deepStrictEqual(ca.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
            assert.strictEqual(ca.validityPeriodHours, 87600);
            assert.strictEqual(ca.earlyRenewalHours, 720);
            assert.ok(ca.subject.commonName);
        }
        for (const leaf of [...Object.values(leaves), ...Object.values(konnectivity.certificates)]) {
            assert.strictEqual(leaf.validityPeriodHours, 8760);
            assert.strictEqual(leaf.earlyRenewalHours, 720);
            assert.ok(!leaf.allowedUses.includes("cert_signing"), leaf.resourceName);
        }
    });

    it("the apiserver's serving certificate covers every name and address clients use", () => {
        const a = leaves.apiserver;
        assert.strictEqual(a.ca, "cluster");
        assert.deepStrictEqual(a.allowedUses, ["digital_signature", "server_auth"]);
        for (const name of [
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.example.internal",
            "apiserver.cluster-dev",
            "apiserver.cluster-dev.svc",
            "apiserver.cluster-dev.svc.cluster.local",
        ]) {
            assert.ok(a.dnsNames.includes(name), name);
        }
        assert.deepStrictEqual(a.ipAddresses, ["203.0.113.10", "10.240.16.1", "127.0.0.1"]);
    });

    it("konnectivity: its own CA, a serving certificate for the address agents dial, one client certificate", () => {
        const { server, agent } = konnectivity.certificates;
        assert.deepStrictEqual(konnectivity.authority.subject, {
            commonName: "dev-konnectivity-ca",
            organization: "gks",
        });
        assert.deepStrictEqual(server.ipAddresses, [tunnelAddress]);
        assert.deepStrictEqual(server.allowedUses, ["digital_signature", "server_auth"]);
        assert.deepStrictEqual(agent.allowedUses, ["digital_signature", "client_auth"]);
        assert.deepStrictEqual(agent.subject, { commonName: "konnectivity-agent" });
        assert.deepStrictEqual([...agent.dnsNames, ...agent.ipAddresses], []);
    });

    it("client certificates name the Kubernetes users; only the admin is in system:masters", () => {
        const clients: LeafName[] = [
            "admin",
            "apiserverKubeletClient",
            "controllerManager",
            "scheduler",
            "apiserverEtcdClient",
            "frontProxyClient",
        ];
        for (const name of clients) {
            assert.deepStrictEqual(leaves[name].allowedUses, ["digital_signature", "client_auth"], name);
        }
        assert.deepStrictEqual(leaves.admin.subject, {
            commonName: "kubernetes-admin",
            organization: "system:masters",
        });
        assert.deepStrictEqual(leaves.controllerManager.subject, { commonName: "system:kube-controller-manager" });
        assert.deepStrictEqual(leaves.scheduler.subject, { commonName: "system:kube-scheduler" });
        assert.deepStrictEqual(leaves.apiserverKubeletClient.subject, identities.kubeletClient);
        const masters = Object.entries(leaves).filter(([, l]) => l.subject.organization === "system:masters");
        assert.deepStrictEqual(
            masters.map(([n]) => n),
            ["admin"],
        );
        assert.strictEqual(leaves.frontProxyClient.ca, "frontProxy");
        assert.strictEqual(leaves.apiserverEtcdClient.ca, "etcd");
    });

    it("etcd certificates name every member (stable names, wildcard for PTR checks) and are server and client", () => {
        for (const cert of [leaves.etcdServer, leaves.etcdPeer]) {
            assert.strictEqual(cert.ca, "etcd");
            assert.deepStrictEqual(cert.allowedUses, ["digital_signature", "server_auth", "client_auth"]);
            for (let i = 0; i < 3; i++) {
                assert.ok(cert.dnsNames.includes(`etcd-${i}.etcd.cluster-dev.svc`), `member ${i}`);
                assert.ok(cert.dnsNames.includes(`etcd-${i}.etcd.cluster-dev.svc.cluster.local`), `member ${i}`);
            }
            assert.ok(!cert.dnsNames.includes("etcd-3.etcd.cluster-dev.svc"));
            assert.ok(cert.dnsNames.includes("*.etcd.cluster-dev.svc.cluster.local"));
            assert.ok(cert.dnsNames.includes("localhost"));
            assert.deepStrictEqual(cert.ipAddresses, ["127.0.0.1"]);
        }
        const five = pkiSpecs({ ...args, etcdReplicas: 5 }).certificates.etcdPeer.dnsNames;
        assert.ok(five.includes("etcd-4.etcd.cluster-dev.svc"));
    });

    it("the first service address follows the service CIDR", () => {
        const other = pkiSpecs({ ...args, serviceCidr: "10.96.0.0/12" }).certificates.apiserver;
        assert.ok(other.ipAddresses.includes("10.96.0.1"));
    });
});
