/**
 * Every other minor the versions table pins, as a smoke run: its etcd, kube-apiserver and
 * konnectivity builds run the rendered stack of that minor (no controller-manager, scheduler or
 * kubemark, which only the default minor builds: see README), the agents form the mesh, a node
 * proxy GET reaches a kubelet through the tunnel, and the rendered objects pass the dry-run.
 */
import { strict as assert } from "assert";
import { supportedKubernetesVersions } from "../../components/config";
import { defaultMinor } from "../build/targets";
import { waitMesh } from "../lib/konnectivity";
import { checkCommandLines, checkEgress, checkReadyz, checkVersions } from "./checks";
import { dryRunSeed, dryRunUserCluster } from "./dryRun";
import { labOf, LabContext, meshBoundMs, suiteChanges, withLab } from "./harness";

for (const minor of supportedKubernetesVersions.filter((m) => m !== defaultMinor)) {
    describe(`Kubernetes ${minor} (smoke)`, function () {
        this.timeout(300_000);
        const ctx: LabContext = {};
        withLab(ctx, { ...suiteChanges, kubernetesVersion: minor }, { kubelet: "stand-in" }, async (l) => {
            for (const a of l.agents()) a.start();
            await waitMesh(l, meshBoundMs);
        });

        it("runs the rendered command lines of the pinned builds", async () => {
            const l = labOf(ctx);
            assert.ok(checkCommandLines(l).length >= 9);
            await checkVersions(l);
        });

        it("serves /readyz through the load balancer and on every kube-apiserver", () => checkReadyz(labOf(ctx)));

        it("reaches a kubelet through the tunnel from every kube-apiserver", () =>
            checkEgress(labOf(ctx), labOf(ctx).workers[0].name));

        it("passes the server-side dry-run of the seed and user-cluster objects", async () => {
            await dryRunSeed(labOf(ctx));
            await dryRunUserCluster(labOf(ctx));
        });
    });
}
