import * as assert from "assert";
import { X509Certificate } from "crypto";
import { parse } from "yaml";
import { configChecksum, MountedFile } from "../components/shared/checksum";
import { parseEgressSelector, validateEgressSelector } from "../components/tunnel/konnectivity/egressSelector";
import { validateKonnectivityServerFlags } from "../components/tunnel/konnectivity/serverFlags";
import { versionPins } from "../components/config";
import { devConfig, devRun } from "./fixtures";
import {
    at,
    descendantsOf,
    isSecretAt,
    one,
    ofType,
    plainStrings,
    ProgramRun,
    RecordedResource,
    runProgram,
} from "./harness";

const T = {
    namespace: "kubernetes:core/v1:Namespace",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    seedProvider: "pulumi:providers:kubernetes",
    controlPlane: "gks:index:ControlPlane",
};
const pins = versionPins("1.36");

interface Container {
    name: string;
    image: string;
    args: string[];
    env?: { name: string; value?: string; valueFrom?: unknown }[];
    ports?: { name: string; containerPort: number }[];
    volumeMounts?: { name: string; mountPath: string }[];
    livenessProbe?: { httpGet?: { path: string; port: number } };
    readinessProbe?: { httpGet?: { path: string; port: number } };
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    securityContext?: Record<string, unknown>;
}
interface Volume {
    name: string;
    secret?: { secretName: string };
    configMap?: { name: string };
    emptyDir?: object;
}

const containers = (r: RecordedResource) => at(r.inputs, "spec.template.spec.containers") as Container[];
const volumes = (r: RecordedResource) => at(r.inputs, "spec.template.spec.volumes") as Volume[];
const container = (r: RecordedResource, name: string): Container => {
    const found = containers(r).find((c) => c.name === name);
    assert.ok(found, `${r.name} has no container ${name}`);
    return found;
};
const flag = (c: Container, name: string) => c.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const mountOf = (c: Container, volume: string) => c.volumeMounts?.find((m) => m.name === volume)?.mountPath;

/** The object a pod volume comes from, by kind and metadata.name. */
function sourceOf(run: ProgramRun, volume: Volume): RecordedResource | undefined {
    const [type, name] = volume.secret
        ? [T.secret, volume.secret.secretName]
        : volume.configMap
          ? [T.configMap, volume.configMap.name]
          : [undefined, undefined];
    return ofType(run.resources, type ?? "").find((r) => at(r.inputs, "metadata.name") === name);
}

/** What the pod mounts from Secrets and ConfigMaps, as the checksum sees it. */
function mountedFiles(run: ProgramRun, workload: RecordedResource): MountedFile[] {
    return volumes(workload).flatMap((v) => {
        const source = sourceOf(run, v);
        if (!source) return [];
        const data = (source.inputs.stringData ?? source.inputs.data) as Record<string, string>;
        const name = String(at(source.inputs, "metadata.name"));
        return Object.entries(data).map(([key, content]) => ({ source: name, key, content }));
    });
}
const checksumOf = (r: RecordedResource) =>
    (at(r.inputs, "spec.template.metadata.annotations") as Record<string, string>)["gks.io/config-checksum"];

describe("the control plane in the seed (dev stack under mocks)", () => {
    let run: ProgramRun;
    /** The control plane's resources: the seed's objects (the user cluster's are the agents'). */
    let seedSide: RecordedResource[];
    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
        seedSide = descendantsOf(run.resources, one(run.resources, "gks:index:ControlPlane"));
    });

    it("creates the namespace cluster-dev, enforcing the restricted Pod Security Standard", () => {
        const ns = one(run.resources, T.namespace, "dev");
        assert.strictEqual(at(ns.inputs, "metadata.name"), "cluster-dev");
        const labels = at(ns.inputs, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.strictEqual(run.outputs.seedNamespace, "cluster-dev");
    });

    it("puts every control-plane object in the namespace through the seed provider built from the secret kubeconfig", () => {
        const seed = one(run.resources, T.seedProvider, "dev-seed");
        assert.ok(isSecretAt(seed, "kubeconfig"));
        // Provider inputs travel as strings.
        assert.strictEqual(String(seed.inputs.enableSecretMutable), "true");
        assert.strictEqual(String(seed.inputs.enableConfigMapMutable), "true");
        const objects = seedSide.filter((r) => r.type.startsWith("kubernetes:"));
        const elsewhere = run.resources.filter((r) => r.type.startsWith("kubernetes:") && !objects.includes(r));
        const userCluster = one(run.resources, "pulumi:providers:kubernetes", "dev-user-cluster");
        assert.deepStrictEqual(
            elsewhere.filter((r) => r.provider !== userCluster.urn).map((r) => r.name),
            [],
            "every other Kubernetes object is the user cluster's",
        );
        assert.ok(objects.length >= 18, `${objects.length} objects`);
        for (const r of objects) {
            assert.strictEqual(r.provider, seed.urn, `${r.type} ${r.name}`);
            if (r.type !== T.namespace) assert.strictEqual(at(r.inputs, "metadata.namespace"), "cluster-dev", r.name);
            assert.ok(typeof at(r.inputs, "metadata.name") === "string", `${r.name} has an explicit name`);
            const labels = at(r.inputs, "metadata.labels") as Record<string, string>;
            assert.strictEqual(labels["app.kubernetes.io/part-of"], "gks", r.name);
            assert.strictEqual(labels["app.kubernetes.io/managed-by"], "pulumi", r.name);
            if (r.type !== T.namespace) {
                assert.ok(labels["app.kubernetes.io/name"] && labels["app.kubernetes.io/component"], r.name);
            }
        }
        const cp = one(run.resources, T.controlPlane, "dev");
        assert.ok(descendantsOf(run.resources, cp).length >= 18);
    });

    it("runs etcd as a 3-member StatefulSet with TLS for peers and clients, PVCs, anti-affinity, a headless Service and a quorum PDB", () => {
        const etcd = one(run.resources, T.statefulSet, "dev-etcd");
        assert.strictEqual(at(etcd.inputs, "spec.replicas"), 3);
        assert.strictEqual(at(etcd.inputs, "spec.serviceName"), "etcd");
        assert.strictEqual(at(etcd.inputs, "spec.podManagementPolicy"), "Parallel");
        const c = container(etcd, "etcd");
        assert.strictEqual(c.image, `registry.k8s.io/etcd:${pins.etcd}`);
        assert.strictEqual(flag(c, "client-cert-auth"), "true");
        assert.strictEqual(flag(c, "peer-client-cert-auth"), "true");
        assert.match(flag(c, "listen-client-urls") ?? "", /^https:/);
        assert.match(flag(c, "listen-peer-urls") ?? "", /^https:/);
        assert.strictEqual(
            flag(c, "initial-cluster"),
            [0, 1, 2].map((i) => `etcd-${i}=https://etcd-${i}.etcd.cluster-dev.svc:2380`).join(","),
        );
        const pvc = at(etcd.inputs, "spec.volumeClaimTemplates[0].spec") as Record<string, unknown>;
        assert.deepStrictEqual(at(pvc, "resources.requests.storage"), "10Gi");
        assert.ok(!("storageClassName" in pvc), "empty etcdStorageClass selects the seed's default class");
        // Three seed nodes for three members: at most one member per node.
        assert.strictEqual(
            at(
                etcd.inputs,
                "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
            ),
            "kubernetes.io/hostname",
        );
        const headless = one(run.resources, T.service, "dev-etcd");
        assert.strictEqual(at(headless.inputs, "spec.clusterIP"), "None");
        assert.strictEqual(at(headless.inputs, "spec.publishNotReadyAddresses"), true);
        assert.strictEqual(at(one(run.resources, T.pdb, "dev-etcd").inputs, "spec.minAvailable"), 2);
    });

    it("runs kube-apiserver with a konnectivity-server sidecar sharing the socket named in the egress selector", () => {
        const api = one(run.resources, T.deployment, "dev-apiserver");
        assert.strictEqual(at(api.inputs, "spec.replicas"), 2);
        assert.strictEqual(at(api.inputs, "spec.strategy.rollingUpdate.maxUnavailable"), 0);
        assert.deepStrictEqual(
            containers(api).map((c) => c.name),
            ["kube-apiserver", "konnectivity-server", "tunnel-gate"],
        );
        const apiserver = container(api, "kube-apiserver");
        const server = container(api, "konnectivity-server");
        assert.strictEqual(apiserver.image, `registry.k8s.io/kube-apiserver:${pins.kubernetes}`);
        assert.strictEqual(server.image, `registry.k8s.io/kas-network-proxy/proxy-server:${pins.konnectivity}`);

        // The egress selector file: mounted from the ConfigMap under the required key.
        const egressFile = flag(apiserver, "egress-selector-config-file") ?? "";
        const egressVolume = volumes(api).find((v) => egressFile.startsWith(`${mountOf(apiserver, v.name)}/`))!;
        const configMap = sourceOf(run, egressVolume)!;
        const data = configMap.inputs.data as Record<string, string>;
        assert.deepStrictEqual(Object.keys(data), ["egress-selector-configuration.yaml"]);
        assert.strictEqual(egressFile, `${mountOf(apiserver, egressVolume.name)}/egress-selector-configuration.yaml`);
        const parsed = parseEgressSelector(data["egress-selector-configuration.yaml"]);
        assert.deepStrictEqual(validateEgressSelector(parsed.config), []);
        const udsName = String(at(parsed.config, "egressSelections[0].connection.transport.uds.udsName"));

        // Both containers mount the same emptyDir at the directory of that socket.
        const socketVolume = volumes(api).find((v) => v.emptyDir)!;
        const socketDir = udsName.slice(0, udsName.lastIndexOf("/"));
        assert.strictEqual(mountOf(apiserver, socketVolume.name), socketDir);
        assert.strictEqual(mountOf(server, socketVolume.name), socketDir);
        assert.strictEqual(flag(server, "uds-name"), udsName);

        // The server's flags: valid for the pinned server and this deployment.
        for (const a of server.args) assert.match(a, /^--[a-z-]+=/);
        assert.deepStrictEqual(
            validateKonnectivityServerFlags(server.args, {
                apiserverReplicas: 2,
                loadBalancerIdleTimeoutSeconds: 3600,
            }),
            [],
        );
        assert.strictEqual(flag(server, "server-count"), "2");
        assert.strictEqual(flag(server, "agent-port"), "8132");
        assert.strictEqual(flag(server, "server-id"), "$(POD_NAME)");
        assert.deepStrictEqual(server.env?.find((e) => e.name === "POD_NAME")?.valueFrom, {
            fieldRef: { fieldPath: "metadata.name" },
        });
        assert.deepStrictEqual(server.livenessProbe?.httpGet, { path: "/healthz", port: 8134, scheme: "HTTP" });
        assert.strictEqual(server.readinessProbe, undefined, "/readyz waits for agents: never a readiness gate");

        // The server's certificate files come from the mounted Secret.
        const tlsMount = server.volumeMounts!.find((m) => flag(server, "cluster-ca-cert")!.startsWith(m.mountPath))!;
        const tlsSecret = sourceOf(
            run,
            volumes(api).find((v) => v.name === tlsMount.name)!,
        )!;
        assert.deepStrictEqual(Object.keys(tlsSecret.inputs.stringData as object).sort(), [
            "ca.crt",
            "tls.crt",
            "tls.key",
        ]);

        assert.deepStrictEqual(apiserver.livenessProbe?.httpGet, { path: "/livez", port: 6443, scheme: "HTTPS" });
        assert.deepStrictEqual(apiserver.readinessProbe?.httpGet, { path: "/readyz", port: 6443, scheme: "HTTPS" });
        assert.strictEqual(at(one(run.resources, T.pdb, "dev-apiserver").inputs, "spec.maxUnavailable"), 1);
    });

    it("gives kube-apiserver a complete flag set, advertising the public address", () => {
        const api = one(run.resources, T.deployment, "dev-apiserver");
        const apiserver = container(api, "kube-apiserver");
        const publicAddress = String(run.outputs.apiAddress);
        assert.deepStrictEqual(apiserver.env?.find((e) => e.name === "PUBLIC_ADDRESS")?.value, publicAddress);
        assert.strictEqual(flag(apiserver, "advertise-address"), "$(PUBLIC_ADDRESS)");
        assert.strictEqual(flag(apiserver, "service-account-issuer"), "https://$(PUBLIC_ADDRESS):6443");
        assert.strictEqual(flag(apiserver, "secure-port"), "6443");
        assert.strictEqual(flag(apiserver, "authorization-mode"), "Node,RBAC");
        assert.strictEqual(flag(apiserver, "service-cluster-ip-range"), "10.240.16.0/20");
        assert.strictEqual(flag(apiserver, "kubelet-preferred-address-types"), "InternalIP,ExternalIP");
        // Kubelet serving certificates come from the cluster CA, so kube-apiserver checks them against it.
        assert.strictEqual(flag(apiserver, "kubelet-certificate-authority"), flag(apiserver, "client-ca-file"));
        for (const f of [
            "etcd-servers",
            "etcd-cafile",
            "etcd-certfile",
            "etcd-keyfile",
            "client-ca-file",
            "tls-cert-file",
            "tls-private-key-file",
            "kubelet-client-certificate",
            "kubelet-client-key",
            "service-account-key-file",
            "service-account-signing-key-file",
            "proxy-client-cert-file",
            "proxy-client-key-file",
            "requestheader-client-ca-file",
            "requestheader-allowed-names",
            "enable-admission-plugins",
        ]) {
            assert.ok(flag(apiserver, f), f);
        }
        // Every file a flag names is a key of a mounted Secret or ConfigMap.
        const files = new Set(
            volumes(api).flatMap((v) => {
                const source = sourceOf(run, v);
                const mount = mountOf(apiserver, v.name);
                if (!source || !mount) return [];
                return Object.keys((source.inputs.stringData ?? source.inputs.data) as object).map(
                    (k) => `${mount}/${k}`,
                );
            }),
        );
        const fileFlags = apiserver.args.filter((a) => /^--[a-z-]+=\/etc\//.test(a));
        // 12 of the PKI, the service-account pair, the egress selector, encryption and the audit policy.
        assert.strictEqual(fileFlags.length, 17);
        for (const a of fileFlags) assert.ok(files.has(a.slice(a.indexOf("=") + 1)), `${a} names a mounted file`);
    });

    it("runs controller-manager and scheduler with kubeconfigs (secret) for the in-seed apiserver", () => {
        for (const [name, app, user] of [
            ["dev-controller-manager", "kube-controller-manager", "system:kube-controller-manager"],
            ["dev-scheduler", "kube-scheduler", "system:kube-scheduler"],
        ]) {
            const d = one(run.resources, T.deployment, name);
            const c = container(d, app);
            assert.strictEqual(c.image, `registry.k8s.io/${app}:${pins.kubernetes}`);
            assert.strictEqual(at(d.inputs, "spec.replicas"), 2);
            assert.strictEqual(flag(c, "leader-elect"), "true");
            const secret = sourceOf(run, volumes(d)[0])!;
            assert.ok(isSecretAt(secret, "stringData"));
            const kubeconfig = parse((secret.inputs.stringData as Record<string, string>).kubeconfig);
            assert.strictEqual(kubeconfig.clusters[0].cluster.server, "https://apiserver.cluster-dev.svc:6443");
            const cert = Buffer.from(kubeconfig.users[0].user["client-certificate-data"], "base64").toString();
            assert.strictEqual(new X509Certificate(cert).subject, `CN=${user}`);
            assert.strictEqual(flag(c, "kubeconfig"), `${mountOf(c, volumes(d)[0].name)}/kubeconfig`);
            assert.ok(one(run.resources, T.pdb, name));
        }
        const cm = container(one(run.resources, T.deployment, "dev-controller-manager"), "kube-controller-manager");
        assert.strictEqual(flag(cm, "cluster-cidr"), "172.25.0.0/16");
        assert.strictEqual(flag(cm, "controllers"), "*,bootstrapsigner,tokencleaner");
    });

    it("exposes the apiserver and the agent port on the endpoint's NodePorts, without session affinity", () => {
        const api = one(run.resources, T.deployment, "dev-apiserver");
        const cases: [string, number, string, number][] = [
            ["dev-apiserver", 30443, "kube-apiserver", 6443],
            ["dev-konnectivity-server", 30132, "konnectivity-server", 8132],
        ];
        for (const [name, nodePort, containerName, containerPort] of cases) {
            const svc = one(run.resources, T.service, name);
            assert.strictEqual(at(svc.inputs, "spec.type"), "NodePort");
            assert.strictEqual(at(svc.inputs, "spec.sessionAffinity"), "None");
            assert.strictEqual(at(svc.inputs, "spec.externalTrafficPolicy"), "Cluster");
            assert.strictEqual(at(svc.inputs, "spec.ports[0].nodePort"), nodePort);
            const targetPort = at(svc.inputs, "spec.ports[0].targetPort");
            const port = container(api, containerName).ports?.find((p) => p.name === targetPort);
            assert.strictEqual(port?.containerPort, containerPort, `${name} targets ${containerName}:${containerPort}`);
            assert.deepStrictEqual(at(svc.inputs, "spec.selector"), at(api.inputs, "spec.selector.matchLabels"));
        }
        assert.deepStrictEqual(
            ofType(seedSide, T.pdb)
                .map((p) => p.name)
                .sort(),
            ["dev-apiserver", "dev-controller-manager", "dev-etcd", "dev-scheduler"],
        );
    });

    it("meets the restricted Pod Security Standard and sets requests and limits in every container", () => {
        const workloads = [...ofType(seedSide, T.deployment), ...ofType(seedSide, T.statefulSet)];
        assert.strictEqual(workloads.length, 4);
        for (const w of workloads) {
            const pod = at(w.inputs, "spec.template.spec.securityContext") as Record<string, unknown>;
            assert.strictEqual(pod.runAsNonRoot, true, w.name);
            assert.deepStrictEqual(pod.seccompProfile, { type: "RuntimeDefault" });
            for (const c of containers(w)) {
                const sc = c.securityContext!;
                assert.strictEqual(sc.allowPrivilegeEscalation, false, c.name);
                assert.deepStrictEqual(sc.capabilities, { drop: ["ALL"] }, c.name);
                assert.strictEqual(sc.runAsNonRoot, true, c.name);
                assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, c.name);
                assert.ok(c.resources?.limits?.cpu && c.resources.limits.memory, c.name);
                assert.match(c.image, /^registry\.k8s\.io\/[a-z0-9/-]+:v?\d+\.\d+\.\d+(-\d+)?$/, c.image);
            }
            for (const v of volumes(w)) {
                assert.ok(v.secret || v.configMap || v.emptyDir, `${w.name}: ${v.name} is an allowed volume type`);
            }
        }
    });

    it("keeps every private key and client kubeconfig inside secrets, in every resource's inputs (components too)", () => {
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.wireInputs)
                .filter((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----|client-key-data/.test(s.value))
                .map((s) => `${r.type} ${r.name} ${s.path}`),
        );
        assert.deepStrictEqual(leaks, []);
        // ...and the keys are there, as secrets: the check above has something to find.
        const withKeys = run.resources.filter((r) => /PRIVATE KEY-----/.test(JSON.stringify(r.inputs)));
        assert.ok(withKeys.some((r) => r.type === T.secret));
        assert.ok(withKeys.some((r) => r.type === T.controlPlane));
        assert.ok(withKeys.some((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert"));
        for (const s of ofType(run.resources, T.secret)) assert.ok(isSecretAt(s, "stringData"), s.name);
        const cp = one(run.resources, T.controlPlane, "dev");
        assert.ok(isSecretAt(cp, "pki.apiserver.keyPem"));
        assert.ok(!isSecretAt(cp, "pki.apiserver.certPem"), "certificates stay readable");
    });

    it("annotates every pod template with the checksum of exactly the files it mounts", () => {
        const workloads = [...ofType(run.resources, T.deployment), ...ofType(run.resources, T.statefulSet)].filter(
            (w) => at(w.inputs, "metadata.namespace") === "cluster-dev",
        );
        for (const w of workloads) {
            const files = mountedFiles(run, w);
            assert.ok(
                files.some((f) => /BEGIN CERTIFICATE|kubeconfig/.test(f.content + f.key)),
                w.name,
            );
            assert.strictEqual(checksumOf(w), configChecksum(files), w.name);
        }
    });

    it("rolls the pods when a certificate changes: new certificates, new checksums", async () => {
        const again = await runProgram(devConfig());
        if (again.error) throw again.error;
        for (const name of ["dev-apiserver", "dev-controller-manager", "dev-scheduler"]) {
            const before = checksumOf(one(run.resources, T.deployment, name));
            const after = checksumOf(one(again.resources, T.deployment, name));
            assert.match(before, /^[0-9a-f]{64}$/);
            assert.notStrictEqual(before, after, name);
        }
        const server = (r: ProgramRun) =>
            one(r.resources, "tls:index/locallySignedCert:LocallySignedCert", "dev-konnectivity-server").outputs
                .certPem;
        assert.notStrictEqual(server(run), server(again));
    });
});

describe("control plane settings", () => {
    it("follow the stack config: replicas, NodePorts, storage class, Kubernetes version", async () => {
        const run = await runProgram(
            devConfig({
                kubernetesVersion: "1.35",
                apiserverReplicas: 3,
                etcdReplicas: 5,
                etcdStorageClass: "fast",
                apiserverNodePort: 31443,
                tunnelNodePort: 31132,
                agentMode: "daemonset",
                controlPlanePriorityClass: "gks-control-plane",
                encryptionKeys: ["key2", "key1"],
                tunnelServerCounting: "static",
            }),
        );
        if (run.error) throw run.error;
        const api = one(run.resources, T.deployment, "dev-apiserver");
        assert.strictEqual(at(api.inputs, "spec.replicas"), 3);
        const server = container(api, "konnectivity-server");
        assert.strictEqual(flag(server, "server-count"), "3");
        assert.strictEqual(flag(server, "proxy-strategies"), "destHost,default");
        assert.strictEqual(
            container(api, "kube-apiserver").image,
            `registry.k8s.io/kube-apiserver:${versionPins("1.35").kubernetes}`,
        );
        assert.strictEqual(
            server.image,
            `registry.k8s.io/kas-network-proxy/proxy-server:${versionPins("1.35").konnectivity}`,
        );
        assert.strictEqual(at(one(run.resources, T.service, "dev-apiserver").inputs, "spec.ports[0].nodePort"), 31443);
        assert.strictEqual(
            at(one(run.resources, T.service, "dev-konnectivity-server").inputs, "spec.ports[0].nodePort"),
            31132,
        );
        const etcd = one(run.resources, T.statefulSet, "dev-etcd");
        assert.strictEqual(at(etcd.inputs, "spec.replicas"), 5);
        assert.strictEqual(at(etcd.inputs, "spec.volumeClaimTemplates[0].spec.storageClassName"), "fast");
        assert.strictEqual(at(one(run.resources, T.pdb, "dev-etcd").inputs, "spec.minAvailable"), 3);
        // Five members on three seed nodes: one per node where it can be (auto), not required.
        assert.ok(
            at(
                etcd.inputs,
                "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            ),
        );
        assert.strictEqual(
            at(
                etcd.inputs,
                "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
            ),
            undefined,
        );
        // A class of the seed's own: used as it is, no quota.
        assert.strictEqual(at(api.inputs, "spec.template.spec.priorityClassName"), "gks-control-plane");
        assert.deepStrictEqual(ofType(run.resources, "kubernetes:core/v1:ResourceQuota"), []);
        // Static server counting: no leases, no user-cluster credential for the servers, no token for the agents.
        assert.ok(!server.args.some((a) => /lease|kubeconfig/.test(a)), server.args.join(" "));
        assert.deepStrictEqual(
            ofType(run.resources, "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) => /leases/.test(r.name)),
            [],
        );
        assert.strictEqual(
            at(
                one(run.resources, T.daemonSet, "dev-user-cluster").inputs,
                "spec.template.spec.automountServiceAccountToken",
            ),
            false,
        );
        // Two keys, two random keys, in the configured order.
        assert.deepStrictEqual(
            ofType(run.resources, "random:index/randomBytes:RandomBytes").map((r) => r.name),
            ["dev-encryption-key2", "dev-encryption-key1"],
        );
        const etcdPeer = one(run.resources, "tls:index/certRequest:CertRequest", "dev-etcd-peer");
        assert.ok((etcdPeer.inputs.dnsNames as string[]).includes("etcd-4.etcd.cluster-dev.svc"));
    });
});
