import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { supportedKubernetesVersions, versionPins } from "../components/config";
import { apiserverDeployment } from "../components/controlplane/apiserverDeployment";
import { apiserverFlags } from "../components/controlplane/apiserverFlags";
import { configChecksum } from "../components/shared/checksum";
import { etcdFlags } from "../components/controlplane/etcdStatefulSet";
import { kubeconfigYaml } from "../components/shared/kubeconfig";
import { etcdQuorum } from "../components/controlplane/podDisruptionBudgets";
import { ControlPlaneLayout } from "../components/shared/seedObjects";
import { konnectivity, konnectivitySeed, konnectivityUdsName } from "../components/tunnel/konnectivity";
import { parseEgressSelector, egressSelectorDataKey } from "../components/tunnel/konnectivity/egressSelector";
import { at } from "./harness";
import { devSettings, labelledAuthority } from "./settings";

const layout: ControlPlaneLayout = { clusterName: "dev", namespace: "cluster-dev", versions: versionPins("1.36") };
const pki = labelledAuthority(["server", "agent"], ["leaseWriter"]);

describe("the konnectivity tunnel's seed half (pure)", () => {
    const part = konnectivitySeed(layout, devSettings(), pki, "steady");
    const objects = (kind: string) => part.objects.filter((o) => o.kind === kind);

    it("adds the konnectivity-server sidecar, its socket, its certificates and the egress selector", () => {
        assert.strictEqual(part.mode, "konnectivity");
        assert.deepStrictEqual(
            part.apiserver.containers.map((c) => c.name),
            ["konnectivity-server", "tunnel-gate"],
        );
        assert.deepStrictEqual(part.apiserver.flags, [
            `--egress-selector-config-file=/etc/kubernetes/egress-selector/${egressSelectorDataKey}`,
        ]);
        assert.deepStrictEqual(part.apiserver.kubeletPreferredAddressTypes, ["InternalIP", "ExternalIP"]);
        const configMaps = objects("ConfigMap").map((o) => (o.kind === "ConfigMap" ? o.spec : undefined)!);
        assert.deepStrictEqual(
            configMaps.map((c) => [c.name, Object.keys(c.data)]),
            [
                ["egress-selector-configuration", [egressSelectorDataKey]],
                ["tunnel-gate", ["deadline-seconds"]],
            ],
        );
        const doc = parseEgressSelector(configMaps[0].data[egressSelectorDataKey]).config;
        assert.strictEqual(at(doc, "egressSelections[0].connection.transport.uds.udsName"), konnectivityUdsName);
        const secrets = objects("Secret").map((o) => (o.kind === "Secret" ? o.spec : undefined)!);
        assert.deepStrictEqual(secrets[0], {
            name: "konnectivity-server-tls",
            data: { "tls.crt": "server CERT", "tls.key": "server KEY", "ca.crt": "CA CERT" },
        });
        assert.deepStrictEqual(
            part.apiserver.mounted.map((m) => m.name),
            ["konnectivity-server-tls", "egress-selector-configuration", "konnectivity-server-kubeconfig"],
        );
        assert.deepStrictEqual(
            objects("Service").map((s) =>
                s.kind === "Service"
                    ? [s.name, at(s.args, "spec.ports[0].nodePort"), at(s.args, "spec.sessionAffinity")]
                    : [],
            ),
            [["konnectivity-server", 30132, "None"]],
        );
    });

    it("goes into the apiserver pod: sidecar after kube-apiserver, its volumes and flags appended", () => {
        const deployment = apiserverDeployment({
            layout,
            replicas: 2,
            flags: apiserverFlags({
                namespace: "cluster-dev",
                etcdReplicas: 3,
                serviceCidr: "10.240.16.0/20",
                kubeletPreferredAddressTypes: part.apiserver.kubeletPreferredAddressTypes,
            }),
            tunnel: part.apiserver,
            publicAddress: "203.0.113.10",
            checksum: "abc",
            priorityClassName: "system-cluster-critical",
        });
        const spec = at(deployment, "spec.template.spec") as {
            containers: { name: string; args: string[] }[];
            volumes: { name: string }[];
        };
        assert.deepStrictEqual(
            spec.containers.map((c) => c.name),
            ["kube-apiserver", "konnectivity-server", "tunnel-gate"],
        );
        assert.strictEqual(spec.containers[0].args.at(-1), part.apiserver.flags[0]);
        assert.ok(spec.containers[0].args.includes("--kubelet-preferred-address-types=InternalIP,ExternalIP"));
        for (const v of part.apiserver.volumes)
            assert.ok(
                spec.volumes.some((w) => w.name === v.name),
                String(v.name),
            );
        assert.deepStrictEqual(at(deployment, "spec.template.metadata.annotations"), {
            "gks.io/config-checksum": "abc",
        });
    });

    it("routes to the agent on the destination node when agents run per node", () => {
        const perNode = konnectivitySeed(layout, devSettings({ agentMode: "daemonset" }), pki, "steady");
        const args = perNode.apiserver.containers[0].args as string[];
        assert.ok(args.includes("--proxy-strategies=destHost,default"));
    });

    it("refuses settings the server would not run with", () => {
        const settings = devSettings();
        const short = { ...settings, loadBalancer: { ...settings.loadBalancer, idleTimeoutSeconds: 30 } };
        assert.throws(() => konnectivitySeed(layout, short, pki, "steady"), /keepalive-time=30s/);
    });

    it("asks the PKI for exactly the certificates it mounts, and names a missing one", () => {
        assert.throws(
            () => konnectivitySeed(layout, devSettings(), labelledAuthority(["agent"]), "steady"),
            /no certificate "server"/,
        );
        assert.deepStrictEqual(
            Object.keys(
                konnectivity.pki({
                    clusterName: "dev",
                    serverCounting: "static",
                    seedNamespace: "cluster-dev",
                    tunnelAddress: "203.0.113.10",
                    caValidityHours: 87600,
                    certValidityHours: 8760,
                    earlyRenewalHours: 720,
                }).certificates,
            ),
            ["server", "agent"],
        );
    });

    describe("server counting", () => {
        const pkiArgs = {
            clusterName: "dev",
            seedNamespace: "cluster-dev",
            tunnelAddress: "203.0.113.10",
            caValidityHours: 87600,
            certValidityHours: 8760,
            earlyRenewalHours: 720,
        };
        const sidecar = (seed: ReturnType<typeof konnectivitySeed>) => seed.apiserver.containers[0];

        it("with leases: a client certificate of the cluster CA, a kubeconfig for kube-apiserver in the pod, the lease flags", () => {
            const spec = konnectivity.pki({ ...pkiArgs, serverCounting: "leases" });
            assert.deepStrictEqual(spec.clusterClients?.leaseWriter.subject, {
                commonName: "system:konnectivity-server",
            });
            assert.deepStrictEqual(spec.clusterClients?.leaseWriter.allowedUses, ["digital_signature", "client_auth"]);
            const args = sidecar(part).args as string[];
            for (const f of [
                "--enable-lease-controller=true",
                "--kubeconfig=/etc/kubernetes/konnectivity-server-kubeconfig/kubeconfig",
                "--lease-namespace=kube-system",
                "--lease-label=k8s-app=konnectivity-server",
                "--server-count=2",
            ]) {
                assert.ok(args.includes(f), f);
            }
            const kubeconfigSecret = objects("Secret").find(
                (o) => o.kind === "Secret" && o.spec.name === "konnectivity-server-kubeconfig",
            );
            assert.ok(kubeconfigSecret?.kind === "Secret");
            return new Promise<void>((resolve) =>
                pulumi.output(kubeconfigSecret.spec.data.kubeconfig).apply((text) => {
                    const k = parse(text);
                    assert.strictEqual(k.clusters[0].cluster.server, "https://127.0.0.1:6443");
                    assert.strictEqual(
                        Buffer.from(k.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
                        "CLUSTER CA CERT",
                    );
                    assert.strictEqual(k.users[0].name, "system:konnectivity-server");
                    assert.strictEqual(
                        Buffer.from(k.users[0].user["client-certificate-data"], "base64").toString(),
                        "leaseWriter CERT",
                    );
                    resolve();
                }),
            );
        });

        it("static: no client certificate, no kubeconfig, no lease flags", () => {
            assert.strictEqual(konnectivity.pki({ ...pkiArgs, serverCounting: "static" }).clusterClients, undefined);
            const fixed = konnectivitySeed(
                layout,
                devSettings({ tunnelServerCounting: "static" }),
                labelledAuthority(["server", "agent"]),
                "steady",
            );
            assert.ok(!(sidecar(fixed).args as string[]).some((a) => /lease|kubeconfig/.test(a)));
            assert.deepStrictEqual(
                fixed.apiserver.mounted.map((m) => m.name),
                ["konnectivity-server-tls", "egress-selector-configuration"],
            );
        });

        it("refuses leases without the certificate to publish them", () => {
            assert.throws(
                () => konnectivitySeed(layout, devSettings(), labelledAuthority(["server", "agent"]), "steady"),
                /lease counting needs the "leaseWriter" client certificate/,
            );
        });
    });
});

describe("control-plane helpers (pure)", () => {
    it("checksum: same files in any order give the same sum; any changed byte changes it", () => {
        const files = [
            { source: "a", key: "tls.crt", content: "one" },
            { source: "b", key: "ca.crt", content: "two" },
        ];
        const sum = configChecksum(files);
        assert.match(sum, /^[0-9a-f]{64}$/);
        assert.strictEqual(configChecksum([...files].reverse()), sum);
        assert.notStrictEqual(configChecksum([files[0], { ...files[1], content: "two!" }]), sum);
        assert.notStrictEqual(configChecksum([files[0], { ...files[1], key: "tls.crt" }]), sum);
    });

    it("kubeconfig embeds the CA and the client pair for one server", () => {
        const doc = parse(
            kubeconfigYaml({
                clusterName: "dev",
                server: "https://apiserver.cluster-dev.svc:6443",
                caCertPem: "CA",
                user: "system:kube-scheduler",
                clientCertPem: "CERT",
                clientKeyPem: "KEY",
            }),
        );
        assert.strictEqual(doc["current-context"], "dev");
        assert.strictEqual(doc.clusters[0].cluster.server, "https://apiserver.cluster-dev.svc:6443");
        assert.strictEqual(
            Buffer.from(doc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
            "CA",
        );
        assert.strictEqual(Buffer.from(doc.users[0].user["client-key-data"], "base64").toString(), "KEY");
    });

    it("etcd: quorum, and an initial cluster listing every member by its stable name", () => {
        assert.deepStrictEqual([1, 3, 5].map(etcdQuorum), [1, 2, 3]);
        const flags = etcdFlags(layout, 3, "10Gi");
        assert.ok(flags.includes("--name=$(POD_NAME)"));
        assert.ok(flags.includes("--initial-advertise-peer-urls=https://$(POD_NAME).etcd.cluster-dev.svc:2380"));
        assert.ok(
            flags.some((f) => f.startsWith("--initial-cluster=etcd-0=https://etcd-0.etcd.cluster-dev.svc:2380,")),
        );
    });
});

describe("version pins", () => {
    it("cover the three newest minors, oldest first, each with kubeadm's etcd and an ANP of its minor or the one before", () => {
        assert.deepStrictEqual([...supportedKubernetesVersions], ["1.35", "1.36", "1.37"]);
        let previousEtcd = [0, 0, 0];
        for (const minor of supportedKubernetesVersions) {
            const p = versionPins(minor);
            assert.match(p.kubernetes, new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
            const anpMinor = Number(/^v0\.(\d+)\.\d+$/.exec(p.konnectivity)?.[1]);
            const k8sMinor = Number(minor.split(".")[1]);
            assert.ok(anpMinor === k8sMinor || anpMinor === k8sMinor - 1, `${minor}: ${p.konnectivity}`);
            const etcd = /^(\d+)\.(\d+)\.(\d+)-\d+$/.exec(p.etcd)?.slice(1).map(Number);
            assert.ok(etcd, p.etcd);
            // An upgrade moves etcd forward or keeps it, never back.
            assert.ok(etcd.join(".").localeCompare(previousEtcd.join("."), undefined, { numeric: true }) >= 0, p.etcd);
            previousEtcd = etcd;
        }
    });
});
