import * as assert from "assert";
import {
    Change,
    ComparedResource,
    compareRuns,
    StateResource,
    withChange,
    withoutKeyMaterial,
} from "./harness/compare";
import { at, descendantsOf, ofType } from "./harness";
import { devRun } from "./fixtures";
import snapshot from "./snapshots/devStackBeforeTunnelRedesign.json";

/**
 * The tunnel part's redesign (one folder per mode, owning both ends) moved code, not resources:
 * the dev stack as main registered it before (the snapshot) and as it registers it now must give
 * an update that changes nothing on an existing cluster. Key material differs from run to run
 * (the TLS mock makes new keys), so both sides compare with it replaced by labels. The nodes part
 * and the control plane's hardening (issue #14), merged after it, change an existing cluster on
 * purpose; those changes are listed and checked.
 */
/** The objects the control plane's hardening added after the snapshot (issue #14). */
const hardeningAdds = [
    "kubernetes:core/v1:ConfigMap dev-audit-policy",
    "kubernetes:core/v1:ResourceQuota dev-critical-pods",
    "kubernetes:core/v1:Secret dev-encryption-configuration",
    "kubernetes:core/v1:Secret dev-konnectivity-server-kubeconfig",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy dev-apiserver",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy dev-default-deny-ingress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy dev-etcd",
    "kubernetes:rbac.authorization.k8s.io/v1:Role dev-user-cluster-agent-leases",
    "kubernetes:rbac.authorization.k8s.io/v1:Role dev-user-cluster-server-leases",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding dev-user-cluster-agent-leases",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding dev-user-cluster-server-leases",
    "random:index/randomBytes:RandomBytes dev-encryption-key1",
    "tls:index/certRequest:CertRequest dev-konnectivity-server-leases",
    "tls:index/locallySignedCert:LocallySignedCert dev-konnectivity-server-leases",
    "tls:index/privateKey:PrivateKey dev-konnectivity-server-leases",
];
/** The workloads whose pod templates it changed (flags, mounts, priority, anti-affinity, the agents' lease counting). */
const hardenedWorkloads = [
    "kubernetes:apps/v1:StatefulSet dev-etcd",
    "kubernetes:apps/v1:Deployment dev-apiserver",
    "kubernetes:apps/v1:Deployment dev-controller-manager",
    "kubernetes:apps/v1:Deployment dev-scheduler",
    "kubernetes:apps/v1:Deployment dev-user-cluster",
];

describe("the tunnel redesign on an existing cluster (the dev stack before and after)", () => {
    let compared: ReturnType<typeof compareRuns>;
    it("keeps every resource: same URN, or the old one as an alias, and identical inputs", async () => {
        const run = await devRun();
        const now: StateResource[] = run.resources.map((r) => ({
            ...r,
            inputs: r.custom ? (withoutKeyMaterial(r.inputs) as Record<string, unknown>) : {},
        }));
        compared = compareRuns(snapshot.resources, now);
        // What the nodes part changes on purpose (the join path, add-ons, pools, the worker rules,
        // agents on the host network, kube-apiserver verifying kubelets) is checked below; nothing else.
        const nodesPart = new Set(
            ["gks:index:NodeJoin", "gks:index:ClusterAddons", "gks:index:WorkerPool"].flatMap((type) =>
                ofType(run.resources, type).flatMap((c) => [
                    c.urn,
                    ...descendantsOf(run.resources, c).map((r) => r.urn),
                ]),
            ),
        );
        const byNodes = (c: ComparedResource) =>
            nodesPart.has(c.urn) ||
            [...nodesChanges, ...tunnelChanges].some(([change, name]) => name === c.name && change === c.change);
        const byHardening = (c: ComparedResource) =>
            (c.change === "created" && hardeningAdds.includes(`${c.type} ${c.name}`)) ||
            (c.change === "updated" && hardenedWorkloads.includes(`${c.type} ${c.name}`));
        assert.deepStrictEqual(
            withChange(compared, "deleted").filter((c) => !byNodes(c) && !byHardening(c)),
            [],
            "lost (or renamed without an alias)",
        );
        assert.deepStrictEqual(
            withChange(compared, "created").filter((c) => !byNodes(c) && !byHardening(c)),
            [],
            "new",
        );
        assert.deepStrictEqual(
            withChange(compared, "updated").filter((c) => !byNodes(c) && !byHardening(c)),
            [],
            "changed inputs",
        );
    });

    it("changes the hardened workloads only in their pod templates", () => {
        for (const c of withChange(compared, "updated").filter((u) =>
            hardenedWorkloads.includes(`${u.type} ${u.name}`),
        )) {
            assert.deepStrictEqual(
                c.changedInputs.filter((p) => !p.startsWith("spec.template.")),
                [],
                `${c.name} changed outside its pod template`,
            );
        }
    });

    // The nodes part on an existing cluster, outside its own components.
    const nodesChanges: [Change, string, string][] = [
        ["deleted", "dev-workers-internal-tcp", "blanket TCP between workers, now per port"],
        ["deleted", "dev-workers-internal-udp", "blanket UDP between workers, now per port"],
        ["deleted", "dev-workers-internal-ipip", "Calico's IP-in-IP, not used by Cilium"],
        ["created", "dev-workers-internal-kubelet", "kubelet between workers"],
        ["created", "dev-workers-internal-nodeports-tcp", "NodePorts between workers"],
        ["created", "dev-workers-internal-nodeports-udp", "NodePorts between workers"],
        ["created", "dev-workers-cni-vxlan", "Cilium's VXLAN"],
        ["created", "dev-workers-cni-health", "Cilium's health checks"],
        ["created", "dev-random", "the join tokens' random provider"],
        ["created", "dev-time", "the join tokens' time provider"],
        ["updated", "dev-workers", "the group's description"],
        ["updated", "dev-workers-internal-icmp", "the rule's description"],
        ["updated", "dev-apiserver", "--kubelet-certificate-authority"],
        ["updated", "dev-user-cluster", "agents on the host network, tolerating not-ready nodes"],
    ];
    // The migration work of the tunnel part (issue #13) on an existing konnectivity cluster: one
    // rolling update of kube-apiserver for the tunnel gate, in place for the rest.
    const tunnelChanges: [Change, string, string][] = [
        ["created", "dev-tunnel-gate", "the gate's deadline (30 s; none while migrating)"],
        [
            "updated",
            "dev-konnectivity-server",
            "publishNotReadyAddresses, so agents reach a new server before it is Ready",
        ],
    ];
    for (const [change, name, why] of [...nodesChanges, ...tunnelChanges]) {
        it(`${change === "deleted" ? "deletes" : change === "created" ? "creates" : "updates"} ${name}: ${why}`, () => {
            const found = compared.filter((c) => c.name === name && c.change === change && c.custom);
            assert.strictEqual(found.length, 1, JSON.stringify(compared.filter((c) => c.name === name)));
        });
    }

    it("changes kube-apiserver only by the nodes' --kubelet-certificate-authority and the hardening's flags, and the agents only by host network, the not-ready toleration and lease counting", async () => {
        const run = await devRun();
        const deployment = (name: string) => (r: { name: string; type: string }) =>
            r.name === name && r.type === "kubernetes:apps/v1:Deployment";
        const flags = (inputs: Record<string, unknown>) =>
            (at(inputs, "spec.template.spec.containers[0].args") as string[]).map((a) => a.split("=")[0]);
        const before = flags(snapshot.resources.find(deployment("dev-apiserver"))!.inputs);
        const now = flags(run.resources.find(deployment("dev-apiserver"))!.inputs);
        assert.deepStrictEqual(now.filter((f) => !before.includes(f)).sort(), [
            // the hardening's (README "Hardening"; the audit log, encryption at rest, TLS, tokens)
            "--audit-log-format",
            "--audit-log-path",
            "--audit-policy-file",
            "--encryption-provider-config",
            "--etcd-compaction-interval",
            // the nodes part's: kube-apiserver verifies the kubelets' serving certificates
            "--kubelet-certificate-authority",
            "--requestheader-uid-headers",
            "--service-account-extend-token-expiration",
            "--tls-cipher-suites",
            "--tls-min-version",
        ]);
        assert.deepStrictEqual(
            before.filter((f) => !now.includes(f)),
            [],
        );
        const agentChanges = compared.find(deployment("dev-user-cluster"))!.changedInputs;
        // the nodes part's: host network, the not-ready toleration
        for (const path of ["spec.template.spec.hostNetwork", "spec.template.spec.tolerations[1]"]) {
            assert.ok(agentChanges.includes(path), path);
        }
        // the hardening's: lease counting (flags appended, the token mounted, the API at the public endpoint)
        assert.deepStrictEqual(
            agentChanges.filter(
                (p) => !["spec.template.spec.hostNetwork", "spec.template.spec.tolerations[1]"].includes(p),
            ),
            [
                "spec.template.spec.automountServiceAccountToken",
                ...agentChanges.filter((p) => /^spec\.template\.spec\.containers\[0\]\.(args|env)\[\d+\]/.test(p)),
            ],
        );
    });

    it("adds the tunnel gate to the apiserver pod (a container and its volume), and publishes not-ready agent endpoints", async () => {
        const run = await devRun();
        const pod = (resources: readonly { name: string; type: string; inputs: Record<string, unknown> }[]) =>
            at(
                resources.find((r) => r.name === "dev-apiserver" && r.type.endsWith(":Deployment"))!.inputs,
                "spec.template.spec",
            ) as {
                containers: { name: string }[];
                volumes: { name: string }[];
            };
        const [before, now] = [pod(snapshot.resources), pod(run.resources)];
        assert.deepStrictEqual(
            now.containers.map((c) => c.name).filter((n) => !before.containers.some((c) => c.name === n)),
            ["tunnel-gate"],
        );
        assert.deepStrictEqual(
            now.volumes.map((v) => v.name).filter((n) => !before.volumes.some((v) => v.name === n)),
            // the hardening's (encryption at rest, audit, lease counting), then the gate's
            ["encryption", "audit-policy", "konnectivity-server-kubeconfig", "tunnel-gate"],
        );
        assert.deepStrictEqual(
            compared.find((c) => c.name === "dev-konnectivity-server" && c.type.endsWith(":Service"))!.changedInputs,
            ["spec.publishNotReadyAddresses"],
        );
    });

    it("moved only the user cluster's provider and the kubelet-API binding, which serve every mode, to the cluster", () => {
        assert.deepStrictEqual(
            compared
                .filter((c) => c.aliasOf !== undefined)
                .map((c) => [c.type, c.name, c.aliasOf?.split("::")[2]])
                .sort(),
            [
                [
                    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                    "dev-user-cluster-kubelet-api",
                    "gks:index:KonnectivityAgents$kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                ],
                [
                    "pulumi:providers:kubernetes",
                    "dev-user-cluster",
                    "gks:index:KonnectivityAgents$pulumi:providers:kubernetes",
                ],
            ],
        );
    });
});
