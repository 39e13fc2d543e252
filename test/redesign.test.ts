import * as assert from "assert";
import { compareRuns, StateResource, withChange, withoutKeyMaterial } from "./harness/compare";
import { devRun } from "./fixtures";
import snapshot from "./snapshots/devStackBeforeTunnelRedesign.json";

/**
 * The tunnel part's redesign (one folder per mode, owning both ends) moved code, not resources:
 * the dev stack as main registered it before (the snapshot) and as it registers it now must give
 * an update that changes nothing on an existing cluster but what the control plane's hardening
 * (issue #14, later than the snapshot) adds on purpose: its objects, and its workloads' pod templates. Key material differs from run to run
 * (the TLS mock makes new keys), so both sides compare with it replaced by labels.
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
    "pulumi:providers:random dev-random",
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
        assert.deepStrictEqual(withChange(compared, "deleted"), [], "lost (or renamed without an alias)");
        // What the hardening of the control plane (issue #14) adds and changes since the snapshot,
        // and nothing else: its new objects, and the pod templates of the control plane's workloads.
        assert.deepStrictEqual(
            withChange(compared, "created")
                .map((c) => `${c.type} ${c.name}`)
                .sort(),
            hardeningAdds,
            "new",
        );
        for (const c of withChange(compared, "updated")) {
            assert.ok(
                hardenedWorkloads.includes(`${c.type} ${c.name}`),
                `${c.type} ${c.name}: ${c.changedInputs.join()}`,
            );
            const outsideTemplate = c.changedInputs.filter((p) => !p.startsWith("spec.template."));
            assert.deepStrictEqual(outsideTemplate, [], `${c.name} changed outside its pod template`);
        }
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
