import * as assert from "assert";
import { policies } from "../../policies/policies";
import { Analysis, Engine, mandatory, PolicyPackConfigFile, unknownValue, violated } from "./engine";
import {
    auditPolicyFile,
    container,
    encryptionConfig,
    podSpec,
    setFlag,
    WholeStack,
    wholeStack,
    udsName,
} from "./wholeStack";

const preview = (s: WholeStack, config: PolicyPackConfigFile = {}): Analysis =>
    new Engine(policies, config).preview(s.resources);

const workerRule = (s: WholeStack, key: string, props: Record<string, unknown>) => {
    const group = s.get("SecGroup", "dev-workers");
    s.add(
        "openstack:networking/secGroupRule:SecGroupRule",
        `dev-workers-${key}`,
        { ethertype: "IPv4", ...props },
        { parent: s.get("WorkerSecurityGroup", "dev-workers"), refs: { securityGroupId: group } },
    );
};

const apiserver = (s: WholeStack) => s.get("Deployment", "dev-kube-apiserver");
const kubeApiserver = (s: WholeStack) => container(apiserver(s), "kube-apiserver");
const volume = (s: WholeStack, name: string) =>
    (podSpec(apiserver(s)).volumes as ({ name: string } & Record<string, unknown>)[]).find((v) => v.name === name)!;
const encryptionData = (s: WholeStack) =>
    s.get("Secret", "dev-apiserver-encryption").props.data as Record<string, string>;
const auditData = (s: WholeStack) => s.get("ConfigMap", "dev-audit").props.data as Record<string, string>;
const agent = (s: WholeStack) => s.get("Deployment", "dev-konnectivity-agent");
const spec = (r: { props: Record<string, unknown> }) => r.props.spec as Record<string, unknown>;

interface Misconfiguration {
    readonly what: string;
    readonly change: (s: WholeStack) => void;
    /** Every policy that must report it (and no other). */
    readonly caughtBy: string[];
    /** What the message must say. */
    readonly says: RegExp;
}

const misconfigurations: Misconfiguration[] = [
    {
        what: "kubelet 10250 open to 0.0.0.0/0 on the worker group",
        change: (s) =>
            workerRule(s, "kubelet", {
                direction: "ingress",
                protocol: "tcp",
                portRangeMin: 10250,
                portRangeMax: 10250,
                remoteIpPrefix: "0.0.0.0/0",
            }),
        caughtBy: ["kubelet-not-public", "workers-no-internet-ingress"],
        says: /includes the kubelet port 10250/,
    },
    {
        what: "a rule with no protocol and no ports from ::/0, on another group",
        change: (s) => {
            const other = s.add("openstack:networking/secGroup:SecGroup", "dev-seed-extra", { name: "dev-seed-extra" });
            s.add(
                "openstack:networking/secGroupRule:SecGroupRule",
                "dev-seed-extra-any",
                { direction: "ingress", ethertype: "IPv6", remoteIpPrefix: "::/0" },
                { refs: { securityGroupId: other } },
            );
        },
        caughtBy: ["kubelet-not-public"],
        says: /every protocol from ::\/0/,
    },
    {
        what: "the API port opened to an internet range on the worker group",
        change: (s) =>
            workerRule(s, "api", {
                direction: "ingress",
                protocol: "tcp",
                portRangeMin: 6443,
                portRangeMax: 6443,
                remoteIpPrefix: "203.0.113.0/24",
            }),
        caughtBy: ["workers-no-internet-ingress"],
        says: /tcp port 6443 from 203\.0\.113\.0\/24 into the worker security group dev-workers/,
    },
    {
        what: "an ingress rule without any remote (everyone) on the worker group",
        change: (s) => workerRule(s, "udp-all", { direction: "ingress", protocol: "udp" }),
        // All of UDP includes the CNI's VXLAN port.
        caughtBy: ["kubelet-not-public", "workers-no-internet-ingress"],
        says: /udp all ports from any address/,
    },
    {
        what: "SOURCE_IP session persistence on the tunnel pool",
        change: (s) => (s.get("Pool", "dev-tunnel").props.persistence = { type: "SOURCE_IP" }),
        caughtBy: ["tunnel-pool-no-stickiness"],
        says: /session persistence SOURCE_IP/,
    },
    {
        what: "SOURCE_IP balancing on the tunnel pool",
        change: (s) => (s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP"),
        caughtBy: ["tunnel-pool-no-stickiness"],
        says: /balances by SOURCE_IP.*ROUND_ROBIN/s,
    },
    {
        what: "sessionAffinity ClientIP on the seed Service of the agent port",
        change: (s) => (spec(s.get("Service", "dev-konnectivity")).sessionAffinity = "ClientIP"),
        caughtBy: ["tunnel-pool-no-stickiness"],
        says: /sessionAffinity: ClientIP/,
    },
    {
        what: "the API listener's member timeout below the keepalive",
        change: (s) => (s.get("Listener", "dev-api").props.timeoutMemberData = 20_000),
        caughtBy: ["listener-timeouts-exceed-keepalive"],
        says: /listener dev-api \(port 6443\): timeoutMemberData is 20000 ms, not longer than the tunnel keepalive 30s/,
    },
    {
        what: "the tunnel listener without timeouts (Octavia's 50 s default)",
        change: (s) => {
            delete s.get("Listener", "dev-tunnel").props.timeoutClientData;
        },
        caughtBy: ["listener-timeouts-exceed-keepalive"],
        says: /timeoutClientData is not set/,
    },
    {
        what: "the tunnel listener's client timeout below the keepalive",
        change: (s) => (s.get("Listener", "dev-tunnel").props.timeoutClientData = 25_000),
        caughtBy: ["listener-timeouts-exceed-keepalive", "konnectivity-keepalive"],
        says: /not shorter than the idle timeout of listener dev-tunnel/,
    },
    {
        what: "the tunnel pool's monitor probing /readyz",
        change: (s) => Object.assign(s.get("Monitor", "dev-tunnel").props, { type: "HTTP", urlPath: "/readyz" }),
        caughtBy: ["tunnel-monitor-not-readyz"],
        says: /probes \/readyz.*\/healthz/s,
    },
    {
        what: "--server-count not equal to the apiserver replicas",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "server-count", "3"),
        caughtBy: ["konnectivity-server-count"],
        says: /--server-count=3, but the workload runs 2 replica\(s\).*Set --server-count=2/s,
    },
    {
        what: "apiserver scaled to 3 without changing --server-count",
        change: (s) => (spec(apiserver(s)).replicas = 3),
        caughtBy: ["konnectivity-server-count"],
        says: /--server-count=2, but the workload runs 3/,
    },
    {
        what: "a server without --cluster-ca-cert (no client verification)",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "cluster-ca-cert", undefined),
        caughtBy: ["konnectivity-mtls"],
        says: /konnectivity-server container "konnectivity-server" of dev-kube-apiserver lacks --cluster-ca-cert/,
    },
    {
        what: "an agent without its client certificate and key",
        change: (s) => {
            setFlag(container(agent(s), "konnectivity-agent"), "agent-cert", undefined);
            setFlag(container(agent(s), "konnectivity-agent"), "agent-key", undefined);
        },
        caughtBy: ["konnectivity-mtls"],
        // In the first preview one agent argument (the load balancer's address) is unknown and could be one of them.
        says: /lacks (--agent-cert, --agent-key|1 or more of --agent-cert, --agent-key \(some arguments are not known yet\))\./,
    },
    {
        what: "an agent with an empty --ca-cert",
        change: (s) => setFlag(container(agent(s), "konnectivity-agent"), "ca-cert", ""),
        caughtBy: ["konnectivity-mtls"],
        says: /lacks --ca-cert=""/,
    },
    {
        what: "token authentication flags next to --cluster-ca-cert",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "agent-namespace", "kube-system"),
        caughtBy: ["konnectivity-mtls"],
        says: /refuses to start/,
    },
    {
        what: "an agent keepalive below the server's 30 s minimum",
        change: (s) => setFlag(container(agent(s), "konnectivity-agent"), "keepalive-time", "10s"),
        caughtBy: ["konnectivity-keepalive"],
        says: /--keepalive-time=10s, below 30s.*too_many_pings/s,
    },
    {
        what: "a server without --keepalive-time (upstream 1h default, not below the 1h listener timeout)",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "keepalive-time", undefined),
        caughtBy: ["konnectivity-keepalive", "listener-timeouts-exceed-keepalive"],
        says: /does not set --keepalive-time \(upstream default 1h\)/,
    },
    {
        what: "a keepalive that is not a Go duration",
        change: (s) => setFlag(container(agent(s), "konnectivity-agent"), "keepalive-time", "30"),
        caughtBy: ["konnectivity-keepalive"],
        says: /not a Go duration/,
    },
    {
        what: "an egress selector kube-apiserver would reject (GRPC without a transport)",
        change: (s) => {
            const data = s.get("ConfigMap", "dev-egress-selector").props.data as Record<string, string>;
            data["selector.yaml"] = [
                "apiVersion: apiserver.k8s.io/v1beta1",
                "kind: EgressSelectorConfiguration",
                "egressSelections:",
                "- name: cluster",
                "  connection:",
                "    proxyProtocol: GRPC",
            ].join("\n");
        },
        caughtBy: ["egress-selector-valid"],
        says: /transport must be set for GRPC/,
    },
    {
        what: "the sidecar serving a different socket than the egress selector names",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "uds-name", "/tmp/other.socket"),
        caughtBy: ["egress-selector-valid"],
        says: new RegExp(`--uds-name=/tmp/other.socket.*Set --uds-name=${udsName}`, "s"),
    },
    {
        what: "the sidecar in http-connect mode behind a GRPC egress selection",
        change: (s) => setFlag(container(apiserver(s), "konnectivity-server"), "mode", "http-connect"),
        caughtBy: ["egress-selector-valid"],
        says: /runs --mode=http-connect/,
    },
    {
        what: "the socket not on a volume kube-apiserver mounts",
        change: (s) => {
            const c = container(apiserver(s), "kube-apiserver");
            c.volumeMounts = (c.volumeMounts as { name: string }[]).filter((m) => m.name !== "konnectivity-uds");
        },
        caughtBy: ["egress-selector-valid"],
        says: /do not share the socket's directory \(konnectivity-uds vs no volume\)/,
    },
    {
        what: "the apiserver pod mounting the egress selector without the konnectivity-server sidecar",
        change: (s) => {
            const p = podSpec(apiserver(s));
            p.containers = (p.containers as { name: string }[]).filter((c) => c.name !== "konnectivity-server");
        },
        caughtBy: ["egress-selector-valid"],
        says: /no konnectivity-server container to serve that socket/,
    },
    {
        what: "an egress selector file whose items mapping names another path",
        change: (s) =>
            ((volume(s, "egress-selector").configMap as Record<string, unknown>).items = [
                { key: "selector.yaml", path: "egress.yaml" },
            ]),
        caughtBy: ["egress-selector-valid"],
        says: /reads --egress-selector-config-file=\/etc\/kubernetes\/egress\/egress-selector-configuration\.yaml, but volume egress-selector holds no egress-selector-configuration\.yaml: it exits at start/,
    },
    {
        what: "an invalid EgressSelectorConfiguration that no kube-apiserver reads yet, under a key of its own",
        change: (s) =>
            s.add("kubernetes:core/v1:ConfigMap", "dev-spare-egress", {
                metadata: { name: "spare", namespace: "cluster-dev" },
                data: {
                    conf: "apiVersion: apiserver.k8s.io/v1beta1\nkind: EgressSelectorConfiguration\negressSelections:\n- name: cluster\n  connection:\n    proxyProtocol: gRPC\n",
                },
            }),
        caughtBy: ["egress-selector-valid"],
        says: /ConfigMap dev-spare-egress \(key conf\) holds an EgressSelectorConfiguration that kube-apiserver would refuse/,
    },
    {
        what: "a kube-apiserver without --encryption-provider-config",
        change: (s) => setFlag(kubeApiserver(s), "encryption-provider-config", undefined),
        caughtBy: ["apiserver-encryption-at-rest"],
        says: /has no --encryption-provider-config: Secrets .* in plain text/,
    },
    {
        what: "an encryption configuration writing Secrets with identity first",
        change: (s) => (encryptionData(s)["config.yaml"] = encryptionConfig({ identity: {} })),
        caughtBy: ["apiserver-encryption-at-rest"],
        says: /Secret dev-apiserver-encryption \(key config\.yaml\), which writes secrets with identity first/,
    },
    {
        what: "an encryption configuration writing with aesgcm first",
        change: (s) =>
            (encryptionData(s)["config.yaml"] = encryptionConfig({
                aesgcm: { keys: [{ name: "k", secret: Buffer.alloc(32, 1).toString("base64") }] },
            })),
        caughtBy: ["apiserver-encryption-at-rest"],
        says: /writes secrets with aesgcm first/,
    },
    {
        what: "a secretbox key of 16 bytes (kube-apiserver refuses it)",
        change: (s) =>
            (encryptionData(s)["config.yaml"] = encryptionConfig({
                secretbox: { keys: [{ name: "k", secret: Buffer.alloc(16, 1).toString("base64") }] },
            })),
        caughtBy: ["apiserver-encryption-at-rest"],
        says: /which kube-apiserver would refuse:\n {2}- resources\[0\]\.providers\[0\]\.secretbox\.keys\[0\]\.secret: secret is not of the expected length, got 16/,
    },
    {
        what: "the encryption configuration's Secret without the key the projected volume maps",
        change: (s) => {
            const data = encryptionData(s);
            data["encryption.yaml"] = data["config.yaml"];
            delete data["config.yaml"];
        },
        caughtBy: ["apiserver-encryption-at-rest"],
        says: /does not exist: it exits at start/,
    },
    {
        what: "a kube-apiserver without an audit policy",
        change: (s) => setFlag(kubeApiserver(s), "audit-policy-file", undefined),
        caughtBy: ["apiserver-audit-log"],
        says: /has no --audit-policy-file/,
    },
    {
        what: "an audit policy but no audit backend",
        change: (s) => setFlag(kubeApiserver(s), "audit-log-path", undefined),
        caughtBy: ["apiserver-audit-log"],
        says: /has no audit backend/,
    },
    {
        what: "an audit log file without rotation",
        change: (s) => setFlag(kubeApiserver(s), "audit-log-maxbackup", undefined),
        caughtBy: ["apiserver-audit-log"],
        says: /without --audit-log-maxbackup > 0: the files grow until the disk is full/,
    },
    {
        what: "an audit log rotation larger than its emptyDir",
        change: (s) => setFlag(kubeApiserver(s), "audit-log-maxbackup", "20"),
        caughtBy: ["apiserver-audit-log"],
        says: /keeps up to 21 audit log files of 100MB .* more than its emptyDir's sizeLimit 1Gi/,
    },
    {
        what: "KKP's recommended audit preset (bodies of the usersshkeys Secret)",
        change: (s) =>
            (auditData(s).policy = [
                "apiVersion: audit.k8s.io/v1",
                "kind: Policy",
                "omitStages: [RequestReceived]",
                "rules:",
                "  - level: RequestResponse",
                "    verbs: [create, delete, update, patch]",
                "    resources:",
                '      - group: ""',
                "        resources: [secrets]",
                "        resourceNames: [usersshkeys]",
                "  - level: Metadata",
            ].join("\n")),
        caughtBy: ["apiserver-audit-log"],
        says: new RegExp(
            `reads --audit-policy-file=${auditPolicyFile} from ConfigMap dev-audit \\(key policy\\), which falls short:\n  - rules\\[0\\] logs RequestResponse \\(bodies\\) for create of Secrets`,
        ),
    },
    {
        what: "an audit policy that logs nothing it does not name",
        change: (s) =>
            (auditData(s).policy =
                "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n    resources: [{group: apps}]\n"),
        caughtBy: ["apiserver-audit-log"],
        says: /catch-all rule at Metadata/,
    },
    {
        what: "the audit policy's subPath naming a key the ConfigMap lacks",
        change: (s) => {
            const mounts = kubeApiserver(s).volumeMounts as Record<string, unknown>[];
            mounts.find((m) => m.name === "audit")!.subPath = "policy.yaml";
        },
        caughtBy: ["apiserver-audit-log"],
        says: /ConfigMap dev-audit \(key policy\.yaml\) does not exist/,
    },
    {
        what: "an OpenVPN server by its image, under names of its own",
        change: (s) =>
            s.add("kubernetes:apps/v1:Deployment", "dev-legacy-vpn", {
                metadata: { name: "legacy-vpn", namespace: "cluster-dev" },
                spec: {
                    template: { spec: { containers: [{ name: "vpn", image: "docker.io/kylemanna/openvpn:2.4" }] } },
                },
            }),
        caughtBy: ["one-tunnel-per-cluster"],
        says: /runs the OpenVPN server dev-legacy-vpn and konnectivity-server/,
    },
    {
        what: "an internet port on a node group no marker names (it admits the kubelet from inside)",
        change: (s) => {
            const nodes = s.add("openstack:networking/secGroup:SecGroup", "pool-a", { name: "pool-a" });
            const rule = (name: string, props: Record<string, unknown>) =>
                s.add(
                    "openstack:networking/secGroupRule:SecGroupRule",
                    name,
                    { direction: "ingress", ethertype: "IPv4", ...props },
                    { refs: { securityGroupId: nodes } },
                );
            rule("pool-a-kubelet", {
                protocol: "tcp",
                portRangeMin: 10250,
                portRangeMax: 10250,
                remoteIpPrefix: "192.168.1.0/24",
            });
            rule("pool-a-http", { protocol: "tcp", portRangeMin: 80, portRangeMax: 80, remoteIpPrefix: "0.0.0.0/0" });
        },
        caughtBy: ["workers-no-internet-ingress"],
        says: /pool-a-http admits tcp port 80 from 0\.0\.0\.0\/0 into the worker security group pool-a/,
    },
    {
        what: "etcd without any NetworkPolicy",
        change: (s) => s.resources.splice(s.resources.indexOf(s.get("NetworkPolicy", "dev-etcd-main")), 1),
        caughtBy: ["etcd-network-policy"],
        says: /container "server" of dev-etcd \(namespace cluster-dev\) is selected by no ingress NetworkPolicy/,
    },
    {
        what: "etcd's policy selecting other pods",
        change: (s) =>
            (spec(s.get("NetworkPolicy", "dev-etcd-main")).podSelector = { matchLabels: { app: "etcd-events" } }),
        caughtBy: ["etcd-network-policy"],
        says: /is selected by no ingress NetworkPolicy/,
    },
    {
        what: "etcd's policy restricting only egress",
        change: (s) => (spec(s.get("NetworkPolicy", "dev-etcd-main")).policyTypes = ["Egress"]),
        caughtBy: ["etcd-network-policy"],
        says: /is selected by no ingress NetworkPolicy/,
    },
    {
        what: "a rule admitting the client port without a from",
        change: (s) =>
            (spec(s.get("NetworkPolicy", "dev-etcd-main")).ingress as unknown[]).push({
                ports: [{ port: 2379, protocol: "TCP" }],
            }),
        caughtBy: ["etcd-network-policy"],
        says: /admits its client port 2379 from anyone/,
    },
    {
        what: "a rule admitting the peer port from every namespace",
        change: (s) =>
            (spec(s.get("NetworkPolicy", "dev-etcd-main")).ingress as unknown[]).push({
                from: [{ namespaceSelector: {} }],
                ports: [{ port: "peer" }],
            }),
        caughtBy: ["etcd-network-policy"],
        says: /admits its peer port 2380 from anyone/,
    },
    {
        what: "a namespace-wide allow-all next to etcd's policy",
        change: (s) =>
            s.add("kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-all", {
                metadata: { name: "allow-all", namespace: "cluster-dev" },
                spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
            }),
        caughtBy: ["etcd-network-policy"],
        says: /\(etcd-main|dev-etcd-main, dev-allow-all\) admits its client port 2379 from anyone/,
    },
    {
        what: "an OpenVPN server next to the konnectivity servers in the cluster namespace",
        change: (s) =>
            s.add(
                "kubernetes:apps/v1:Deployment",
                "dev-openvpn-server",
                {
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: { name: "openvpn-server", namespace: "cluster-dev" },
                    spec: {
                        replicas: 1,
                        template: {
                            spec: {
                                containers: [
                                    {
                                        name: "openvpn",
                                        image: "quay.io/kubermatic/openvpn:v2.5.2-r0",
                                        ports: [{ containerPort: 1194 }],
                                    },
                                ],
                            },
                        },
                    },
                },
                { parent: s.get("ControlPlane", "dev") },
            ),
        caughtBy: ["one-tunnel-per-cluster"],
        says: /Namespace cluster-dev runs the OpenVPN server dev-openvpn-server and konnectivity-server in dev-kube-apiserver/,
    },
    {
        what: "NET_ADMIN on the kube-apiserver container (the namespace's Pod Security level would not stop it in openvpn mode)",
        change: (s) =>
            (container(apiserver(s), "kube-apiserver").securityContext = { capabilities: { add: ["NET_ADMIN"] } }),
        caughtBy: ["tunnel-privileges-contained"],
        says: /container "kube-apiserver" of dev-kube-apiserver \(namespace cluster-dev\) adds NET_ADMIN/,
    },
    {
        what: "the agent listener open to the whole internet",
        change: (s) => (s.get("Listener", "dev-tunnel").props.allowedCidrs = ["0.0.0.0/0"]),
        caughtBy: ["tunnel-listener-not-public"],
        says: /admits 0\.0\.0\.0\/0/,
    },
    {
        what: "an agent image on latest",
        change: (s) =>
            (container(agent(s), "konnectivity-agent").image = "registry.k8s.io/kas-network-proxy/proxy-agent:latest"),
        caughtBy: ["images-pinned"],
        says: /its tag is "latest"/,
    },
    {
        what: "an untagged apiserver image",
        change: (s) => (container(apiserver(s), "kube-apiserver").image = "registry.k8s.io/kube-apiserver"),
        caughtBy: ["images-pinned"],
        says: /it has no tag/,
    },
    {
        what: "a single agent replica (advisory)",
        change: (s) => (spec(agent(s)).replicas = 1),
        caughtBy: ["control-path-ha"],
        says: /konnectivity-agent dev-konnectivity-agent runs 1 replica/,
    },
    {
        what: "an apiserver PDB whose selector does not match the pods (advisory)",
        change: (s) =>
            (spec(s.get("PodDisruptionBudget", "dev-kube-apiserver")).selector = {
                matchLabels: { "app.kubernetes.io/name": "apiserver" },
            }),
        caughtBy: ["control-path-ha"],
        says: /kube-apiserver dev-kube-apiserver has no PodDisruptionBudget selecting its pods/,
    },
];

describe("policy pack over a whole cluster stack", () => {
    for (const ids of ["unknown", "known"] as const) {
        describe(ids === "unknown" ? "first preview (ids unknown, references by dependency)" : "ids known", () => {
            it("passes the compliant stack without any diagnostic, and every policy applies", () => {
                const analysis = preview(wholeStack({ ids }));
                assert.deepStrictEqual(analysis.diagnostics, []);
                // Resource policies are not applicable to other types; stack policies all apply.
                const stackNotApplicable = analysis.notApplicable.filter(
                    (n) => !/^(Policy only applies|applies to)/.test(n.reason ?? ""),
                );
                assert.deepStrictEqual(stackNotApplicable, []);
            });

            for (const m of misconfigurations) {
                it(`catches ${m.what}`, () => {
                    const s = wholeStack({ ids });
                    m.change(s);
                    const analysis = preview(s);
                    assert.deepStrictEqual(
                        violated(analysis),
                        [...m.caughtBy].sort(),
                        JSON.stringify(analysis.diagnostics, null, 1),
                    );
                    const messages = analysis.diagnostics.map((d) => d.message).join("\n---\n");
                    assert.match(messages, m.says);
                    for (const d of analysis.diagnostics) {
                        const policy = policies.find((p) => p.name === d.policyName)!;
                        assert.strictEqual(d.enforcementLevel, policy.enforcementLevel, d.policyName);
                        assert.ok(d.message.startsWith(`${policy.description}\n`), d.message);
                    }
                });
            }
        });
    }

    it("does not flag what is fine on the API side: persistence and /readyz on the API pool", () => {
        const s = wholeStack();
        s.get("Pool", "dev-api").props.persistence = { type: "SOURCE_IP" };
        Object.assign(s.get("Monitor", "dev-api").props, { type: "HTTPS", urlPath: "/readyz" });
        assert.deepStrictEqual(preview(s).diagnostics, []);
    });

    it("leaves files it cannot read alone: a ConfigMap outside the stack, an emptyDir", () => {
        const s = wholeStack();
        (volume(s, "egress-selector").configMap as Record<string, unknown>).name = "managed-elsewhere";
        delete volume(s, "config").projected;
        volume(s, "config").emptyDir = {};
        assert.deepStrictEqual(preview(s).diagnostics, []);
    });

    it("accepts the files however they are mounted: a Secret by subPath, the older v1alpha1 egress selector", () => {
        const s = wholeStack();
        s.add("kubernetes:core/v1:Secret", "dev-egress-secret", {
            metadata: { name: "egress", namespace: "cluster-dev" },
            stringData: {
                egress: (s.get("ConfigMap", "dev-egress-selector").props.data as Record<string, string>)[
                    "selector.yaml"
                ].replace("v1beta1", "v1alpha1"),
            },
        });
        const mounts = kubeApiserver(s).volumeMounts as Record<string, unknown>[];
        mounts.splice(
            mounts.findIndex((m) => m.name === "egress-selector"),
            1,
            {
                name: "egress-secret",
                mountPath: "/etc/kubernetes/egress/egress-selector-configuration.yaml",
                subPath: "egress",
            },
        );
        (podSpec(apiserver(s)).volumes as unknown[]).push({ name: "egress-secret", secret: { secretName: "egress" } });
        assert.deepStrictEqual(preview(s).diagnostics, []);
        // ...and still checks it: the sidecar serving another socket.
        setFlag(container(apiserver(s), "konnectivity-server"), "uds-name", "/tmp/other.socket");
        assert.match(
            preview(s)
                .diagnostics.map((d) => d.message)
                .join(),
            /reads --egress-selector-config-file=\/etc\/kubernetes\/egress\/egress-selector-configuration\.yaml from Secret dev-egress-secret \(key egress\)/,
        );
    });

    it("does not flag an OpenVPN server in another cluster's namespace", () => {
        const s = wholeStack();
        s.add("kubernetes:apps/v1:Deployment", "other-openvpn", {
            metadata: { name: "openvpn-server", namespace: "cluster-other" },
            spec: { template: { spec: { containers: [{ name: "openvpn-server", image: "openvpn:2.6.12" }] } } },
        });
        assert.deepStrictEqual(preview(s).diagnostics, []);
    });

    it("accepts SOURCE_IP_PORT on the tunnel pool only when the load balancer is OVN", () => {
        const s = wholeStack();
        s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP_PORT";
        assert.deepStrictEqual(violated(preview(s)), ["tunnel-pool-no-stickiness"]);
        s.get("LoadBalancer", "dev").props.loadbalancerProvider = "ovn";
        assert.deepStrictEqual(violated(preview(s)), []);
        s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP";
        assert.deepStrictEqual(violated(preview(s)), ["tunnel-pool-no-stickiness"]);
    });

    describe("configuration (--policy-pack-config)", () => {
        it("follows tunnelPort to another listener port", () => {
            const s = wholeStack();
            s.get("Listener", "dev-tunnel").props.protocolPort = 9132;
            s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP_PORT";
            assert.deepStrictEqual(mandatory(preview(s)), []);
            const configured = preview(s, { "tunnel-pool-no-stickiness": { tunnelPort: 9132 } });
            assert.deepStrictEqual(violated(configured), ["tunnel-pool-no-stickiness"]);
        });

        it("admits internet ports listed in allowedPorts", () => {
            const s = wholeStack();
            workerRule(s, "https", {
                direction: "ingress",
                protocol: "tcp",
                portRangeMin: 443,
                portRangeMax: 443,
                remoteIpPrefix: "0.0.0.0/0",
            });
            assert.deepStrictEqual(violated(preview(s)), ["workers-no-internet-ingress"]);
            assert.deepStrictEqual(
                preview(s, { "workers-no-internet-ingress": { allowedPorts: [22, 443] } }).diagnostics,
                [],
            );
        });

        it("uses keepaliveSeconds when no konnectivity container states a keepalive", () => {
            const s = wholeStack();
            for (const workload of [apiserver(s), agent(s)]) s.resources.splice(s.resources.indexOf(workload), 1);
            s.get("Listener", "dev-api").props.timeoutClientData = 45_000;
            assert.deepStrictEqual(violated(preview(s)), []);
            const strict = preview(s, { "listener-timeouts-exceed-keepalive": { keepaliveSeconds: 60 } });
            assert.deepStrictEqual(violated(strict), ["listener-timeouts-exceed-keepalive"]);
            assert.match(strict.diagnostics[0].message, /keepaliveSeconds \(60\)/);
        });

        it("raises minReplicas", () => {
            const analysis = preview(wholeStack(), { "control-path-ha": { minReplicas: 3 } });
            assert.strictEqual(analysis.diagnostics.filter((d) => /runs 2 replica/.test(d.message)).length, 2);
        });

        it("changes enforcement per policy and for all", () => {
            const s = wholeStack();
            spec(agent(s)).replicas = 1;
            container(agent(s), "konnectivity-agent").image = "registry.k8s.io/kas-network-proxy/proxy-agent";
            const levels = (a: Analysis) => a.diagnostics.map((d) => `${d.policyName}=${d.enforcementLevel}`).sort();
            assert.deepStrictEqual(levels(preview(s)), ["control-path-ha=advisory", "images-pinned=mandatory"]);
            assert.deepStrictEqual(
                levels(
                    preview(s, { "control-path-ha": "mandatory", "images-pinned": { enforcementLevel: "advisory" } }),
                ),
                ["control-path-ha=mandatory", "images-pinned=advisory"],
            );
            assert.deepStrictEqual(preview(s, { all: "disabled" }).diagnostics, []);
            assert.deepStrictEqual(levels(preview(s, { all: "advisory", "images-pinned": "mandatory" })), [
                "control-path-ha=advisory",
                "images-pinned=mandatory",
            ]);
        });
    });

    describe("values not known during a preview", () => {
        it("reports an undecidable check as the engine's advisory, and still reports what it can decide", () => {
            const s = wholeStack();
            s.get("Pool", "dev-api").props.listenerId = unknownValue;
            delete s.get("Pool", "dev-api").propertyDependencies!.listenerId;
            s.get("Pool", "dev-tunnel").props.lbMethod = "SOURCE_IP";
            const analysis = preview(s);
            const sticky = analysis.diagnostics.filter((d) => d.policyName === "tunnel-pool-no-stickiness");
            assert.deepStrictEqual(
                sticky.map((d) => d.enforcementLevel),
                ["mandatory", "advisory"],
            );
            assert.match(
                sticky[1].message,
                /can't run policy 'tunnel-pool-no-stickiness'.*during preview: string value at \.listenerId/,
            );
        });

        it("cannot say whether a rule opens the kubelet when its source is unknown, and says so", () => {
            const s = wholeStack();
            workerRule(s, "kubelet", {
                direction: "ingress",
                protocol: "tcp",
                portRangeMin: 10250,
                portRangeMax: 10250,
                remoteIpPrefix: unknownValue,
            });
            const analysis = preview(s);
            assert.deepStrictEqual(mandatory(analysis), []);
            assert.deepStrictEqual(analysis.diagnostics.map((d) => d.policyName).sort(), [
                "kubelet-not-public",
                "workers-no-internet-ingress",
            ]);
            assert.ok(
                analysis.diagnostics.every((d) => /during preview: string value at \.remoteIpPrefix/.test(d.message)),
            );
        });

        it("cannot tell a single missing agent flag from the one unknown argument, and says so", () => {
            const s = wholeStack({ ids: "unknown" });
            setFlag(container(agent(s), "konnectivity-agent"), "agent-key", undefined);
            const analysis = preview(s);
            assert.deepStrictEqual(mandatory(analysis), []);
            assert.deepStrictEqual(violated(analysis), ["konnectivity-mtls"]);
            assert.match(
                analysis.diagnostics[0].message,
                /during preview: string value at \.spec\.template\.spec\.containers\.0\.args\.0/,
            );
            // Once the address is known, the missing key is a violation.
            const known = wholeStack({ ids: "known" });
            setFlag(container(agent(known), "konnectivity-agent"), "agent-key", undefined);
            assert.match(mandatory(preview(known))[0].message, /lacks --agent-key\./);
        });

        it("decides without the unknown when the known fields already clear the rule", () => {
            const s = wholeStack();
            workerRule(s, "egress-v6", { direction: "egress", remoteIpPrefix: unknownValue });
            assert.deepStrictEqual(preview(s).diagnostics, []);
        });
    });
});
