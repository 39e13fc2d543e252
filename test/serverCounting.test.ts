import * as assert from "assert";
import { X509Certificate } from "crypto";
import { parse } from "yaml";
import { validateAgentFlags } from "../components/tunnel/konnectivity";
import { devRun } from "./fixtures";
import { at, containerOf, flagOf, isSecretAt, mountedFile, one, ofType, ProgramRun, RecordedResource } from "./harness";

const K = {
    deployment: "kubernetes:apps/v1:Deployment",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    secret: "kubernetes:core/v1:Secret",
    certificate: "tls:index/locallySignedCert:LocallySignedCert",
};

/**
 * Lease-based server counting in the dev stack (the default): the servers publish leases in the
 * user cluster as their own user, the agents count them, RBAC admits exactly that. The static
 * variant is checked with the other variants in controlPlane.test.ts ("control plane settings").
 */
describe("konnectivity server counting by leases (dev stack under mocks)", () => {
    let run: ProgramRun;
    let apiserver: RecordedResource;
    before(async () => {
        run = await devRun();
        apiserver = one(run.resources, K.deployment, "dev-apiserver");
    });

    it("each server writes its lease through kube-apiserver in its own pod, as system:konnectivity-server of the cluster CA", () => {
        const server = containerOf(apiserver, "konnectivity-server");
        assert.strictEqual(flagOf(server, "enable-lease-controller"), "true");
        assert.strictEqual(flagOf(server, "server-count"), "2", "the static count stays, as the agents' floor");
        const text = mountedFile(run.resources, apiserver, server, flagOf(server, "kubeconfig")!);
        const kubeconfig = parse(text);
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, "https://127.0.0.1:6443");
        const ca = new X509Certificate(
            Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64"),
        );
        assert.strictEqual(ca.toString(), new X509Certificate(String(run.outputs.clusterCaCertificate)).toString());
        const client = new X509Certificate(Buffer.from(kubeconfig.users[0].user["client-certificate-data"], "base64"));
        assert.strictEqual(client.subject, "CN=system:konnectivity-server");
        assert.ok(
            client.verify(ca.publicKey),
            "signed by the cluster CA, which kube-apiserver's --client-ca-file names",
        );
        // kube-apiserver's serving certificate names 127.0.0.1, so the kubeconfig's server verifies.
        const serving = one(run.resources, K.certificate, "dev-apiserver").outputs.certPem as string;
        assert.match(new X509Certificate(serving).subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
        const secret = ofType(run.resources, K.secret).find(
            (s) => at(s.inputs, "metadata.name") === "konnectivity-server-kubeconfig",
        )!;
        assert.ok(isSecretAt(secret, "stringData"), "the kubeconfig holds a private key");
    });

    it("the agents count the leases with the servers' count as the floor, as their service account", () => {
        const agents = one(run.resources, K.deployment, "dev-user-cluster");
        const agent = containerOf(agents);
        assert.strictEqual(flagOf(agent, "count-server-leases"), "true");
        assert.strictEqual(flagOf(agent, "server-count-source"), "max");
        assert.strictEqual(flagOf(agent, "lease-namespace"), "kube-system");
        assert.strictEqual(
            flagOf(agent, "lease-label"),
            flagOf(containerOf(apiserver, "konnectivity-server"), "lease-label"),
        );
        assert.deepStrictEqual(validateAgentFlags(agent.args), []);
        assert.strictEqual(at(agents.inputs, "spec.template.spec.automountServiceAccountToken"), true);
        // The informer's in-cluster client reaches the API at the public endpoint, like the tunnel, not through the CNI.
        const env = (agent.env ?? []) as { name: string; value?: string }[];
        assert.deepStrictEqual(
            env.filter((e) => e.name.startsWith("KUBERNETES_SERVICE_")),
            [
                { name: "KUBERNETES_SERVICE_HOST", value: String(run.outputs.apiAddress) },
                { name: "KUBERNETES_SERVICE_PORT", value: "6443" },
            ],
        );
    });

    it("RBAC in the user cluster: the servers may manage leases, the agents only read them, both in kube-system, before the agents start", () => {
        const agents = one(run.resources, K.deployment, "dev-user-cluster");
        const rules = (name: string) => at(one(run.resources, K.role, name).inputs, "rules") as { verbs: string[] }[];
        assert.deepStrictEqual([...rules("dev-user-cluster-server-leases")[0].verbs].sort(), [
            "create",
            "delete",
            "get",
            "list",
            "update",
            "watch",
        ]);
        assert.deepStrictEqual([...rules("dev-user-cluster-agent-leases")[0].verbs].sort(), ["get", "list", "watch"]);
        for (const [name, subject] of [
            [
                "dev-user-cluster-server-leases",
                { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:konnectivity-server" },
            ],
            [
                "dev-user-cluster-agent-leases",
                { kind: "ServiceAccount", name: "konnectivity-agent", namespace: "kube-system" },
            ],
        ] as const) {
            const binding = one(run.resources, K.roleBinding, name);
            assert.deepStrictEqual(at(binding.inputs, "subjects"), [subject]);
            assert.strictEqual(at(binding.inputs, "metadata.namespace"), "kube-system");
            assert.ok(agents.dependencies?.includes(binding.urn), `the agents wait for ${name}`);
        }
    });
});
