import "../harness/reflectMetadata";
import * as x509 from "@peculiar/x509";
import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash, webcrypto } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { images, versionPins } from "../../components/config";
import { nthIPv4Address } from "../../components/config/cidr";
import { configChecksum } from "../../components/shared/checksum";
import { devConfig, devObject, devRun } from "../fixtures";
import {
    at,
    byUrn,
    containerOf,
    descendantsOf,
    flagOf,
    isSecretAt,
    one,
    ofType,
    plainStrings,
    ProgramRun,
    RecordedResource,
    runProgram,
} from "../harness";

x509.cryptoProvider.set(webcrypto);

const T = {
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    k8sProvider: "pulumi:providers:kubernetes",
    instance: "openstack:compute/instance:Instance",
    port: "openstack:networking/port:Port",
    serverGroup: "openstack:compute/serverGroup:ServerGroup",
};
const dev = { podCidr: "172.25.0.0/16", serviceCidr: "10.240.16.0/20", clusterDomain: "cluster.local" };

const byName = (resources: readonly RecordedResource[], type: string, name: string, namespace?: string) => {
    const found = ofType(resources, type).filter(
        (r) =>
            at(r.inputs, "metadata.name") === name &&
            (namespace === undefined || at(r.inputs, "metadata.namespace") === namespace),
    );
    assert.strictEqual(found.length, 1, `one ${type} ${namespace ?? ""}/${name}`);
    return found[0];
};
const data = (r: RecordedResource) => (r.inputs.data ?? r.inputs.stringData) as Record<string, string>;

const hasCloudInit = (() => {
    try {
        execFileSync("cloud-init", ["--version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
})();

function cloudInitSchema(userData: string): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gks-user-data-"));
    try {
        const file = path.join(dir, "user-data.yaml");
        fs.writeFileSync(file, userData);
        execFileSync("cloud-init", ["schema", "--config-file", file], { stdio: "pipe" });
    } catch (e) {
        const err = e as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`cloud-init schema refused the user-data:\n${err.stdout}${err.stderr}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("nodes: the join path (dev stack under mocks)", () => {
    let run: ProgramRun;
    before(async () => (run = await devRun()));

    it("pins --discovery-token-ca-cert-hash to sha256 of the rendered cluster CA's SubjectPublicKeyInfo", () => {
        const ca = String(one(run.resources, "tls:index/selfSignedCert:SelfSignedCert", "dev-ca").outputs.certPem);
        assert.strictEqual(ca, run.outputs.clusterCaCertificate);
        const spki = new x509.X509Certificate(ca).publicKey.rawData;
        const expected = createHash("sha256").update(Buffer.from(spki)).digest("hex");
        const hash = /--discovery-token-ca-cert-hash sha256:([0-9a-f]{64})$/.exec(String(run.outputs.joinCommand));
        assert.ok(hash, String(run.outputs.joinCommand));
        assert.strictEqual(hash[1], expected);
    });

    it("names in the join command the public endpoint and the token of the bootstrap Secret kubeadm would write", () => {
        const secret = one(run.resources, T.secret, "dev-join-token");
        const d = data(secret);
        const command = String(run.outputs.joinCommand);
        assert.ok(
            command.startsWith(
                `kubeadm join ${run.outputs.apiAddress}:6443 --token ${d["token-id"]}.${d["token-secret"]} `,
            ),
        );
        assert.match(`${d["token-id"]}.${d["token-secret"]}`, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
        assert.strictEqual(at(secret.inputs, "metadata.name"), `bootstrap-token-${d["token-id"]}`);
        assert.strictEqual(at(secret.inputs, "metadata.namespace"), "kube-system");
        assert.strictEqual(secret.inputs.type, "bootstrap.kubernetes.io/token");
        assert.strictEqual(d["usage-bootstrap-authentication"], "true");
        assert.strictEqual(d["usage-bootstrap-signing"], "true");
        assert.strictEqual(d["auth-extra-groups"], "system:bootstrappers:kubeadm:default-node-token");
        assert.ok(isSecretAt(secret, "stringData"), "the token is a secret in state");
        assert.ok(!isSecretAt(secret, "metadata.name"), "the id (public half) names the Secret in the clear");
    });

    it("never lets a token secret into state in plain text (Secrets, user-data, random results, component arguments)", () => {
        const secrets = ofType(run.resources, T.secret)
            .filter((r) => r.inputs.type === "bootstrap.kubernetes.io/token")
            .map((r) => data(r)["token-secret"]);
        assert.strictEqual(secrets.length, 3, "the join token and one per pool node");
        for (const r of run.resources) {
            const leaks = [...plainStrings(r.wireInputs), ...plainStrings(r.wireOutputs)].filter(({ value }) =>
                secrets.some((secret) => value.includes(secret)),
            );
            assert.deepStrictEqual(
                leaks.map((l) => l.path),
                [],
                `${r.type} ${r.name}`,
            );
            assert.ok(!secrets.some((secret) => r.id.includes(secret)), `${r.type} ${r.name}: its id`);
        }
    });

    it("expires the token when its rotation is due (joinTokenHours, 24 by default)", () => {
        const rotation = one(run.resources, "time:index/rotating:Rotating", "dev-join-token");
        assert.strictEqual(rotation.inputs.rotationHours, 24);
        const expiry = data(one(run.resources, T.secret, "dev-join-token")).expiration;
        assert.strictEqual(expiry, run.outputs.joinTokenExpiresAt);
        assert.strictEqual(Date.parse(expiry) - Date.parse(String(rotation.outputs.rfc3339)), 24 * 3_600_000);
        const random = one(run.resources, "random:index/randomPassword:RandomPassword", "dev-join-token");
        assert.deepStrictEqual(random.inputs.keepers, { rotation: rotation.outputs.rfc3339 });
    });

    it("publishes cluster-info (endpoint and CA) in kube-public, readable anonymously and nothing else", () => {
        const info = byName(run.resources, T.configMap, "cluster-info", "kube-public");
        const kubeconfig = parse(data(info).kubeconfig) as { clusters: { cluster: Record<string, string> }[] };
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, run.outputs.apiUrl);
        assert.strictEqual(
            Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
            run.outputs.clusterCaCertificate,
        );
        const role = byName(run.resources, T.role, "kubeadm:bootstrap-signer-clusterinfo", "kube-public");
        assert.deepStrictEqual(role.inputs.rules, [
            { apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] },
        ]);
        const binding = byName(run.resources, T.roleBinding, "kubeadm:bootstrap-signer-clusterinfo", "kube-public");
        assert.deepStrictEqual(at(binding.inputs, "subjects"), [
            { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:anonymous" },
        ]);
    });

    // kubeadm's names and subjects at v1.35-v1.37 (cmd/kubeadm/app/constants, phases/*).
    const bootstrappers = "system:bootstrappers:kubeadm:default-node-token";
    const bindings: [string, string, string[]][] = [
        ["kubeadm:kubelet-bootstrap", "system:node-bootstrapper", [bootstrappers]],
        [
            "kubeadm:node-autoapprove-bootstrap",
            "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            [bootstrappers],
        ],
        [
            "kubeadm:node-autoapprove-certificate-rotation",
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
            ["system:nodes"],
        ],
        ["kubeadm:get-nodes", "kubeadm:get-nodes", [bootstrappers]],
    ];
    for (const [name, role, groups] of bindings) {
        it(`binds ${name} to ${role} for ${groups.join(", ")}`, () => {
            const b = byName(run.resources, T.clusterRoleBinding, name);
            assert.strictEqual(at(b.inputs, "roleRef.name"), role);
            assert.deepStrictEqual(
                (b.inputs.subjects as { name: string; kind: string }[]).map((s) => [s.kind, s.name]),
                groups.map((g) => ["Group", g]),
            );
        });
    }
    const readers: [string, string, string[]][] = [
        ["kubeadm:nodes-kubeadm-config", "kubeadm-config", [bootstrappers, "system:nodes"]],
        ["kubeadm:kubelet-config", "kubelet-config", ["system:nodes", bootstrappers]],
        ["kube-proxy", "kube-proxy", [bootstrappers]],
    ];
    for (const [name, configMap, groups] of readers) {
        it(`lets ${groups.join(", ")} read kube-system/${configMap} (Role ${name}), as kubeadm join does`, () => {
            byName(run.resources, T.configMap, configMap, "kube-system");
            const role = byName(run.resources, T.role, name, "kube-system");
            assert.deepStrictEqual(role.inputs.rules, [
                { apiGroups: [""], resources: ["configmaps"], resourceNames: [configMap], verbs: ["get"] },
            ]);
            const b = byName(run.resources, T.roleBinding, name, "kube-system");
            assert.deepStrictEqual(
                (b.inputs.subjects as { name: string }[]).map((s) => s.name),
                groups,
            );
        });
    }

    it("approves kubelet serving certificates with kubelet-csr-approver, for addresses in the worker subnet only", () => {
        const approver = byName(run.resources, T.deployment, "kubelet-csr-approver", "kube-system");
        const c = containerOf(approver);
        assert.strictEqual(c.image, images(versionPins("1.36"))["kubelet-csr-approver"]);
        const worker = devObject<{ network: { cidr: string } }>("workerTenant").network.cidr;
        assert.strictEqual(flagOf(c, "provider-ip-prefixes"), worker);
        const env = c.env as { name: string; value: string }[];
        assert.strictEqual(env.find((e) => e.name === "KUBERNETES_SERVICE_HOST")?.value, run.outputs.apiAddress);
        assert.strictEqual(at(approver.inputs, "spec.template.spec.hostNetwork"), true);
        const kubelet = parse(data(byName(run.resources, T.configMap, "kubelet-config", "kube-system")).kubelet);
        assert.strictEqual(kubelet.serverTLSBootstrap, true);
        const apiserver = containerOf(one(run.resources, T.deployment, "dev-apiserver"), "kube-apiserver");
        assert.strictEqual(flagOf(apiserver, "kubelet-certificate-authority"), flagOf(apiserver, "client-ca-file"));
    });

    (hasCloudInit ? it : it.skip)(
        hasCloudInit
            ? "renders user-data that `cloud-init schema` accepts, for the join command and for every pool node"
            : "renders user-data that `cloud-init schema` accepts (pending: the cloud-init binary is not installed; apt-get install cloud-init)",
        () => {
            cloudInitSchema(String(run.outputs.workerUserData));
            const instances = ofType(run.resources, T.instance);
            assert.ok(instances.length > 0);
            for (const vm of instances) cloudInitSchema(String(vm.inputs.userData));
        },
    );
});

describe("nodes: add-ons agree with the config and the controller-manager (dev stack under mocks)", () => {
    let run: ProgramRun;
    before(async () => (run = await devRun()));
    const dnsAddress = nthIPv4Address(dev.serviceCidr, 10);

    it(`puts the cluster DNS at ${dnsAddress}, the tenth address of serviceCidr, in the kube-dns Service and the kubelet config`, () => {
        const service = byName(run.resources, T.service, "kube-dns", "kube-system");
        assert.strictEqual(at(service.inputs, "spec.clusterIP"), dnsAddress);
        const kubelet = parse(data(byName(run.resources, T.configMap, "kubelet-config", "kube-system")).kubelet);
        assert.deepStrictEqual(kubelet.clusterDNS, [dnsAddress]);
        assert.strictEqual(kubelet.clusterDomain, dev.clusterDomain);
        const corefile = data(byName(run.resources, T.configMap, "coredns", "kube-system")).Corefile;
        assert.match(corefile, new RegExp(`kubernetes ${dev.clusterDomain.replace(".", "\\.")} in-addr\\.arpa`));
    });

    it("gives kube-proxy, kubeadm-config, Cilium and the controller-manager the same pod network", () => {
        const proxy = data(byName(run.resources, T.configMap, "kube-proxy", "kube-system"));
        assert.strictEqual(parse(proxy["config.conf"]).clusterCIDR, dev.podCidr);
        const kubeadm = parse(
            data(byName(run.resources, T.configMap, "kubeadm-config", "kube-system")).ClusterConfiguration,
        );
        assert.deepStrictEqual(kubeadm.networking, {
            serviceSubnet: dev.serviceCidr,
            podSubnet: dev.podCidr,
            dnsDomain: dev.clusterDomain,
        });
        assert.strictEqual(kubeadm.controlPlaneEndpoint, `${run.outputs.apiAddress}:6443`);
        const cm = containerOf(one(run.resources, T.deployment, "dev-controller-manager"), "kube-controller-manager");
        assert.strictEqual(flagOf(cm, "cluster-cidr"), dev.podCidr);
        assert.strictEqual(flagOf(cm, "allocate-node-cidrs"), "true");
        assert.strictEqual(flagOf(cm, "service-cluster-ip-range"), dev.serviceCidr);
        assert.ok(Number(flagOf(cm, "node-cidr-mask-size")) > Number(dev.podCidr.split("/")[1]));
        assert.match(flagOf(cm, "controllers") ?? "", /(^|,)bootstrapsigner(,|$)/);
        assert.match(flagOf(cm, "controllers") ?? "", /(^|,)tokencleaner(,|$)/);
        // Cilium takes each node's pod range from the node (ipam: kubernetes), allocated as above.
        const cilium = data(byName(run.resources, T.configMap, "cilium-config", "kube-system"));
        assert.strictEqual(cilium.ipam, "kubernetes");
        assert.strictEqual(cilium["k8s-require-ipv4-pod-cidr"], "true");
        assert.strictEqual(cilium["enable-k8s-networkpolicy"], "true");
    });

    it("points kube-proxy and Cilium at the public endpoint, never at the `kubernetes` Service they program", () => {
        const proxy = data(byName(run.resources, T.configMap, "kube-proxy", "kube-system"));
        assert.strictEqual(parse(proxy["kubeconfig.conf"]).clusters[0].cluster.server, run.outputs.apiUrl);
        for (const [type, name] of [
            [T.daemonSet, "cilium"],
            [T.deployment, "cilium-operator"],
        ]) {
            const env = containerOf(byName(run.resources, type, name, "kube-system")).env as {
                name: string;
                value: string;
            }[];
            assert.strictEqual(
                env.find((e) => e.name === "KUBERNETES_SERVICE_HOST")?.value,
                run.outputs.apiAddress,
                name,
            );
            assert.strictEqual(env.find((e) => e.name === "KUBERNETES_SERVICE_PORT")?.value, "6443", name);
        }
    });

    it("rolls kube-proxy, CoreDNS and Cilium when their config changes: the checksum covers the ConfigMap they read", () => {
        const cases: [string, string, string][] = [
            [T.daemonSet, "kube-proxy", "kube-proxy"],
            [T.deployment, "coredns", "coredns"],
            [T.daemonSet, "cilium", "cilium-config"],
            [T.deployment, "cilium-operator", "cilium-config"],
        ];
        for (const [type, name, configMap] of cases) {
            const workload = byName(run.resources, type, name, "kube-system");
            const files = Object.entries(data(byName(run.resources, T.configMap, configMap, "kube-system"))).map(
                ([key, content]) => ({ source: configMap, key, content }),
            );
            assert.strictEqual(at(workload.inputs, "spec.template.metadata.annotations")?.constructor, Object);
            assert.strictEqual(
                (at(workload.inputs, "spec.template.metadata.annotations") as Record<string, string>)[
                    "gks.io/config-checksum"
                ],
                configChecksum(files),
                name,
            );
        }
    });

    it("creates every nodes object through the user-cluster provider, which waits for the control plane", () => {
        const provider = one(run.resources, T.k8sProvider, "dev-user-cluster");
        // The apiserver Deployment is awaited (rolled out): the provider is used only after it.
        const apiserver = one(run.resources, T.deployment, "dev-apiserver");
        assert.ok(provider.dependencies?.includes(apiserver.urn), String(provider.dependencies));
        for (const component of ["gks:index:NodeJoin", "gks:index:ClusterAddons"]) {
            const objects = descendantsOf(run.resources, one(run.resources, component)).filter((r) =>
                r.type.startsWith("kubernetes:"),
            );
            assert.ok(objects.length > 10, component);
            for (const r of objects) assert.strictEqual(r.provider, provider.urn, `${r.type} ${r.name}`);
        }
    });

    it("never waits for nodes: every workload and the DNS Service skip Pulumi's readiness wait", () => {
        const userCluster = one(run.resources, T.k8sProvider, "dev-user-cluster").urn;
        const waiting = [
            ...ofType(run.resources, T.deployment),
            ...ofType(run.resources, T.daemonSet),
            ...ofType(run.resources, T.service),
        ]
            .filter((r) => r.provider === userCluster)
            .filter((r) => at(r.inputs, "metadata.annotations.pulumi\\.com/skipAwait") !== "true")
            .filter(
                (r) =>
                    (at(r.inputs, "metadata.annotations") as Record<string, string> | undefined)?.[
                        "pulumi.com/skipAwait"
                    ] !== "true",
            );
        assert.deepStrictEqual(
            waiting.map((r) => r.name),
            [],
        );
    });

    it("runs real, pinned images of the cluster's minor, and labels every object as recommended", () => {
        const pinned = Object.values(images(versionPins("1.36"))) as string[];
        const nodes = [one(run.resources, "gks:index:NodeJoin"), one(run.resources, "gks:index:ClusterAddons")].flatMap(
            (c) => descendantsOf(run.resources, c).filter((r) => r.type.startsWith("kubernetes:")),
        );
        for (const r of nodes) {
            const labels = at(r.inputs, "metadata.labels") as Record<string, string>;
            for (const key of ["name", "component", "part-of", "managed-by"]) {
                assert.ok(labels[`app.kubernetes.io/${key}`], `${r.type} ${r.name} lacks app.kubernetes.io/${key}`);
            }
            const pod = at(r.inputs, "spec.template.spec") as
                { containers: { image: string }[]; initContainers?: { image: string }[] } | undefined;
            for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
                assert.ok(pinned.includes(c.image), `${r.name}: ${c.image}`);
            }
        }
    });
});

describe("nodes: worker pools (under mocks)", () => {
    let run: ProgramRun;
    before(async () => (run = await devRun()));

    it("makes the dev pool a soft-anti-affinity server group and two VMs on ports in the worker subnet with the worker group", () => {
        const group = one(run.resources, T.serverGroup, "dev-small");
        assert.deepStrictEqual(group.inputs.policies, ["soft-anti-affinity"]);
        const subnet = one(run.resources, "openstack:networking/subnet:Subnet", "dev-workers");
        const sg = one(run.resources, "openstack:networking/secGroup:SecGroup", "dev-workers");
        const image = "ubuntu-24.04";
        for (const name of ["dev-small-0", "dev-small-1"]) {
            const port = one(run.resources, T.port, name);
            assert.deepStrictEqual(port.inputs.securityGroupIds, [sg.id]);
            assert.strictEqual(at(port.inputs, "fixedIps[0].subnetId"), subnet.id);
            const vm = one(run.resources, T.instance, name);
            assert.strictEqual(vm.inputs.name, name);
            assert.strictEqual(vm.inputs.flavorName, "m1.medium");
            assert.deepStrictEqual(vm.inputs.networks, [{ port: port.id }]);
            assert.deepStrictEqual(vm.inputs.schedulerHints, [{ group: group.id }]);
            assert.strictEqual(at(vm.inputs, "blockDevices[0].sourceType"), "image");
            assert.strictEqual(at(vm.inputs, "blockDevices[0].destinationType"), "volume");
            assert.strictEqual(at(vm.inputs, "blockDevices[0].volumeSize"), 20);
            assert.strictEqual(at(vm.inputs, "blockDevices[0].deleteOnTermination"), true);
            assert.ok(String(at(vm.inputs, "blockDevices[0].uuid")).length > 0, `${image} looked up`);
            assert.strictEqual(vm.provider, one(run.resources, "pulumi:providers:openstack", "dev-workers").urn);
            assert.ok(isSecretAt(vm, "userData"), "user-data holds a token");
        }
    });

    it("gives every pool node its own token, the one its Secret holds, expiring joinTokenHours after the node was made", () => {
        const tokens = new Set<string>();
        for (const name of ["dev-small-0", "dev-small-1"]) {
            const secret = one(run.resources, T.secret, `${name}-token`);
            const d = data(secret);
            const token = `${d["token-id"]}.${d["token-secret"]}`;
            tokens.add(token);
            assert.match(
                String(one(run.resources, T.instance, name).inputs.userData),
                new RegExp(`--token ${token.replace(".", "\\.")} `),
            );
            const offset = one(run.resources, "time:index/offset:Offset", `${name}-token`);
            assert.strictEqual(d.expiration, offset.outputs.rfc3339);
            assert.strictEqual(offset.inputs.offsetHours, 24);
        }
        assert.strictEqual(tokens.size, 2);
        assert.ok(!tokens.has(String(run.outputs.joinCommand).split(" ")[4]), "not the shared join token");
    });

    it("boots VMs only after the join objects", () => {
        const join = one(run.resources, "gks:index:NodeJoin");
        const vm = one(run.resources, T.instance, "dev-small-0");
        const joinObjects = new Set([join.urn, ...descendantsOf(run.resources, join).map((r) => r.urn)]);
        assert.ok(
            vm.dependencies?.some((d) => joinObjects.has(d)),
            "depends on the join objects",
        );
        assert.ok(vm.dependencies?.includes(one(run.resources, T.secret, "dev-small-0-token").urn));
    });

    it("resizes one pool and re-images another without touching what stays, and accepts no pool at all", async () => {
        const pools = (small: number, image: string) => [
            { name: "small", size: small, flavor: "m1.medium", image: "ubuntu-24.04" },
            { name: "big", size: 1, flavor: "m1.xlarge", image },
        ];
        const before = await runProgram(devConfig({ workerPools: pools(1, "ubuntu-24.04") }));
        const after = await runProgram(devConfig({ workerPools: pools(2, "ubuntu-26.04") }));
        for (const r of [before, after]) if (r.error) throw r.error;
        const vm = (r: ProgramRun, name: string) => one(r.resources, T.instance, name);
        const uuid = (r: ProgramRun, name: string) => at(vm(r, name).inputs, "blockDevices[0].uuid");
        assert.strictEqual(vm(after, "dev-small-0").urn, vm(before, "dev-small-0").urn);
        assert.strictEqual(uuid(after, "dev-small-0"), uuid(before, "dev-small-0"));
        assert.ok(vm(after, "dev-small-1"));
        assert.notStrictEqual(uuid(after, "dev-big-0"), uuid(before, "dev-big-0"), "the big pool boots the new image");
        assert.strictEqual(vm(after, "dev-big-0").urn, vm(before, "dev-big-0").urn);

        const none = await runProgram(devConfig({ workerPools: [] }));
        if (none.error) throw none.error;
        assert.deepStrictEqual(ofType(none.resources, T.instance), []);
        assert.deepStrictEqual(ofType(none.resources, T.serverGroup), []);
        assert.ok(one(none.resources, "gks:index:NodeJoin"), "bring-your-own nodes still join");
        assert.ok(byUrn(none.resources, one(none.resources, T.secret, "dev-join-token").urn));
    });
});
