import * as assert from "assert";
import { X509Certificate } from "crypto";
import { parse } from "yaml";
import { configChecksum } from "../components/shared/checksum";
import { versionPins } from "../components/config";
import { validateAgentFlags } from "../components/tunnel/konnectivity";
import { devConfig, devRun } from "./fixtures";
import {
    at,
    containerOf,
    descendantsOf,
    flagOf as flag,
    isSecretAt,
    mountedFile,
    one,
    ofType,
    ProgramRun,
    RecordedContainer,
    RecordedResource,
    runProgram,
} from "./harness";

const K = {
    provider: "pulumi:providers:kubernetes",
    secret: "kubernetes:core/v1:Secret",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
};

describe("konnectivity agents in the user cluster (dev stack under mocks)", () => {
    let run: ProgramRun;
    let provider: RecordedResource;
    let agents: RecordedResource;
    let agent: RecordedContainer;

    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
        provider = one(run.resources, K.provider, "dev-user-cluster");
        agents = one(run.resources, K.deployment, "dev-user-cluster");
        agent = containerOf(agents);
    });

    it("talks to the user cluster through a provider whose secret kubeconfig points at the public API URL with the cluster CA", () => {
        assert.ok(isSecretAt(provider, "kubeconfig"));
        const kubeconfig = parse(String(provider.inputs.kubeconfig));
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, run.outputs.apiUrl);
        const ca = Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString();
        assert.strictEqual(ca, run.outputs.clusterCaCertificate);
        const client = new X509Certificate(Buffer.from(kubeconfig.users[0].user["client-certificate-data"], "base64"));
        assert.match(client.subject, /O=system:masters/);
        assert.ok(client.verify(new X509Certificate(ca).publicKey), "the admin certificate is the cluster CA's");
        assert.strictEqual(run.outputs.kubeconfig, provider.inputs.kubeconfig);
    });

    it("creates the provider only after the control plane and the endpoint in front of it", () => {
        const deps = provider.dependencies ?? [];
        for (const [type, name] of [
            [K.deployment, "dev-apiserver"],
            ["openstack:loadbalancer/member:Member", "dev-api-apiserver-10.0.0.11"],
            ["openstack:loadbalancer/listener:Listener", "dev-api-apiserver"],
        ]) {
            assert.ok(deps.includes(one(run.resources, type, name).urn), `${name} is not among:\n${deps.join("\n")}`);
        }
        for (const r of descendantsOf(run.resources, one(run.resources, "gks:index:KonnectivityAgents"))) {
            if (r.custom && r.type !== K.provider) assert.strictEqual(r.provider, provider.urn, r.name);
        }
    });

    it("keeps the agent's certificates in a kube-system Secret whose data is secret", () => {
        const secret = one(run.resources, K.secret, "dev-user-cluster-certificates");
        assert.strictEqual(at(secret.inputs, "metadata.namespace"), "kube-system");
        assert.ok(isSecretAt(secret, "stringData"));
        assert.deepStrictEqual(Object.keys(secret.inputs.stringData as object).sort(), [
            "ca.crt",
            "tls.crt",
            "tls.key",
        ]);
        const sa = one(run.resources, K.serviceAccount, "dev-user-cluster");
        assert.strictEqual(at(sa.inputs, "metadata.namespace"), "kube-system");
        assert.strictEqual(at(agents.inputs, "spec.template.spec.serviceAccountName"), at(sa.inputs, "metadata.name"));
    });

    it("runs two hardened, critical, spread agents with mTLS, sync-forever, a 30 s keepalive and a localhost admin port", () => {
        assert.strictEqual(at(agents.inputs, "metadata.namespace"), "kube-system");
        assert.strictEqual(at(agents.inputs, "spec.replicas"), 2);
        assert.strictEqual(
            agent.image,
            `registry.k8s.io/kas-network-proxy/proxy-agent:${versionPins("1.36").konnectivity}`,
        );
        assert.deepStrictEqual(validateAgentFlags(agent.args), []);
        assert.strictEqual(flag(agent, "proxy-server-host"), run.outputs.tunnelAddress);
        assert.strictEqual(flag(agent, "proxy-server-port"), "8132");
        assert.strictEqual(flag(agent, "sync-forever"), "true");
        assert.strictEqual(flag(agent, "keepalive-time"), "30s");
        assert.strictEqual(flag(agent, "admin-bind-address"), "127.0.0.1");
        assert.strictEqual(at(agent, "livenessProbe.httpGet.path"), "/healthz");
        assert.strictEqual(at(agent, "readinessProbe.httpGet.path"), "/readyz");
        const pod = at(agents.inputs, "spec.template.spec") as Record<string, unknown>;
        assert.strictEqual(pod.priorityClassName, "system-cluster-critical");
        // Independent of the CNI: host network, and scheduled on nodes that are not ready (no CNI yet, or a broken one).
        assert.strictEqual(pod.hostNetwork, true);
        assert.deepStrictEqual(pod.tolerations, [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node.kubernetes.io/not-ready", operator: "Exists" },
        ]);
        assert.strictEqual(
            at(pod, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"),
            "kubernetes.io/hostname",
        );
        assert.strictEqual(
            at(
                pod,
                "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey",
            ),
            "topology.kubernetes.io/zone",
        );
        assert.strictEqual(at(pod, "securityContext.seccompProfile.type"), "RuntimeDefault");
        assert.strictEqual(at(pod, "securityContext.runAsNonRoot"), true);
        assert.strictEqual(at(agent, "securityContext.readOnlyRootFilesystem"), true);
        assert.ok(at(agent, "resources.requests.cpu") && at(agent, "resources.limits.memory"));
        const pdb = one(run.resources, K.pdb, "dev-user-cluster");
        assert.strictEqual(at(pdb.inputs, "spec.minAvailable"), 1);
        assert.deepStrictEqual(
            at(pdb.inputs, "spec.selector.matchLabels"),
            at(agents.inputs, "spec.selector.matchLabels"),
        );
    });

    it("gives the apiserver's kubelet client identity the kubelet API", () => {
        const apiserver = one(run.resources, K.deployment, "dev-apiserver");
        const kubeApiserver = containerOf(apiserver, "kube-apiserver");
        const kubeletClient = new X509Certificate(
            mountedFile(run.resources, apiserver, kubeApiserver, flag(kubeApiserver, "kubelet-client-certificate")!),
        );
        const user = /CN=([^\n]+)/.exec(kubeletClient.subject)![1];
        const binding = one(run.resources, K.clusterRoleBinding, "dev-user-cluster-kubelet-api");
        assert.deepStrictEqual(at(binding.inputs, "subjects"), [
            { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user },
        ]);
        // Kubernetes' own role for the kubelet API; the stack creates no role of its own.
        assert.strictEqual(at(binding.inputs, "roleRef.name"), "system:kubelet-api-admin");
        const component = one(run.resources, "gks:index:KonnectivityAgents", "dev-user-cluster");
        assert.deepStrictEqual(ofType(descendantsOf(run.resources, component), K.clusterRole), []);
    });

    it("pairs the real certificates: agent <- server's --cluster-ca-cert, server <- agent's --ca-cert, host is a SAN", () => {
        const apiserver = one(run.resources, K.deployment, "dev-apiserver");
        const server = containerOf(apiserver, "konnectivity-server");
        const serverCa = new X509Certificate(
            mountedFile(run.resources, apiserver, server, flag(server, "cluster-ca-cert")!),
        );
        const serverCert = new X509Certificate(
            mountedFile(run.resources, apiserver, server, flag(server, "cluster-cert")!),
        );
        const agentCa = new X509Certificate(mountedFile(run.resources, agents, agent, flag(agent, "ca-cert")!));
        const agentCert = new X509Certificate(mountedFile(run.resources, agents, agent, flag(agent, "agent-cert")!));
        assert.ok(agentCert.verify(serverCa.publicKey), "the agent certificate is signed by the CA the server trusts");
        assert.ok(agentCert.checkIssued(serverCa));
        assert.ok(serverCert.verify(agentCa.publicKey), "the server certificate is signed by the CA the agents trust");
        assert.ok(
            !serverCert.verify(new X509Certificate(String(run.outputs.clusterCaCertificate)).publicKey),
            "not by another CA",
        );
        assert.strictEqual(serverCert.checkIP(flag(agent, "proxy-server-host")!), flag(agent, "proxy-server-host"));
    });

    it("annotates the pod template with the checksum of exactly the certificates it mounts", () => {
        const secret = one(run.resources, K.secret, "dev-user-cluster-certificates");
        const name = String(at(secret.inputs, "metadata.name"));
        const data = secret.inputs.stringData as Record<string, string>;
        const expected = configChecksum(Object.entries(data).map(([key, content]) => ({ source: name, key, content })));
        assert.strictEqual(
            at(agents.inputs, "spec.template.metadata.annotations")!["gks.io/config-checksum" as never],
            expected,
        );
    });

    it("rolls the agents when the agent certificate changes (a second run issues new keys)", async () => {
        const again = await runProgram(devConfig());
        if (again.error) throw again.error;
        const cert = (r: ProgramRun) =>
            (one(r.resources, K.secret, "dev-user-cluster-certificates").inputs.stringData as Record<string, string>)[
                "tls.crt"
            ];
        const annotation = (r: ProgramRun) =>
            at(
                one(r.resources, K.deployment, "dev-user-cluster").inputs,
                "spec.template.metadata.annotations",
            ) as Record<string, string>;
        assert.notStrictEqual(cert(again), cert(run));
        assert.notStrictEqual(annotation(again)["gks.io/config-checksum"], annotation(run)["gks.io/config-checksum"]);
    });

    it("yields agents x servers tunnels", async () => {
        assert.strictEqual(run.outputs.tunnels, 4);
        const bigger = await runProgram(devConfig({ apiserverReplicas: 3, agentReplicas: 3 }));
        if (bigger.error) throw bigger.error;
        assert.strictEqual(bigger.outputs.tunnels, 9);
        const server = containerOf(one(bigger.resources, K.deployment, "dev-apiserver"), "konnectivity-server");
        assert.strictEqual(flag(server, "server-count"), "3");
    });
});

describe("konnectivity agents in DaemonSet mode (under mocks)", () => {
    it("runs one agent per node that announces its node, and servers that route by destination host", async () => {
        const run = await runProgram(devConfig({ agentMode: "daemonset" }));
        if (run.error) throw run.error;
        assert.deepStrictEqual(
            ofType(run.resources, K.deployment).filter((d) => d.name === "dev-user-cluster"),
            [],
        );
        const ds = one(run.resources, K.daemonSet, "dev-user-cluster");
        const agent = containerOf(ds);
        assert.strictEqual(flag(agent, "agent-identifiers"), "ipv4=$(HOST_IP)");
        assert.ok((at(agent, "env") as { name: string }[]).some((e) => e.name === "HOST_IP"));
        assert.deepStrictEqual(at(ds.inputs, "spec.template.spec.tolerations"), [{ operator: "Exists" }]);
        const server = containerOf(one(run.resources, K.deployment, "dev-apiserver"), "konnectivity-server");
        assert.strictEqual(flag(server, "proxy-strategies"), "destHost,default");
        assert.strictEqual(run.outputs.tunnels, "2 per node");
    });
});
