import * as assert from "assert";
import { compareRuns, StateResource, withChange, withoutKeyMaterial } from "./harness/compare";
import { devRun } from "./fixtures";
import snapshot from "./snapshots/devStackBeforeTunnelRedesign.json";

/**
 * The tunnel part's redesign (one folder per mode, owning both ends) moved code, not resources:
 * the dev stack as main registered it before (the snapshot) and as it registers it now must give
 * an update that changes nothing on an existing cluster. Key material differs from run to run
 * (the TLS mock makes new keys), so both sides compare with it replaced by labels.
 */
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
        assert.deepStrictEqual(withChange(compared, "created"), [], "new");
        assert.deepStrictEqual(withChange(compared, "updated"), [], "changed inputs");
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
