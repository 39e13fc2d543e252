import * as assert from "assert";
import { at, ProgramRun, projectNamed, readStackConfig, RecordedResource, runProgram, withStandIns } from "../harness";

/** Every key that occurs more than once. */
function duplicates(keys: readonly string[]): string[] {
    const seen = new Set<string>();
    return [...new Set(keys.filter((k) => seen.has(k) || !seen.add(k)))];
}

describe("the example fleet (examples/fleet): 50 clusters on two seeds, offline", function () {
    this.timeout(300_000);
    let run: ProgramRun;
    let byUrn: Map<string, RecordedResource>;
    before(async () => {
        const project = projectNamed("gks-fleet")!;
        run = await runProgram(withStandIns(readStackConfig("dev", project)).config);
        if (run.error) throw run.error;
        byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    });

    /** Where a Kubernetes object lands: its provider's cluster (a seed's kubeconfig, or the user cluster's provider). */
    const clusterOf = (r: RecordedResource) => {
        const provider = byUrn.get(r.provider ?? "");
        return provider?.name.endsWith("-seed")
            ? `seed ${String(provider.inputs.kubeconfig)}`
            : `provider ${r.provider}`;
    };

    it("renders 50 clusters, half on each seed", () => {
        const clusters = run.resources.filter((r) => r.type === "gks:index:Cluster");
        assert.strictEqual(clusters.length, 50);
        const seeds = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes" && r.name.endsWith("-seed"));
        const kubeconfigs = seeds.map((p) => String(p.inputs.kubeconfig));
        assert.deepStrictEqual(
            [...new Set(kubeconfigs)].map((k) => kubeconfigs.filter((x) => x === k).length),
            [25, 25],
        );
    });

    it("has no two Kubernetes objects of the same kind, namespace and name in one cluster", () => {
        const objects = run.resources.filter((r) => r.custom && /^kubernetes:[^:]+\/[^:]+:[A-Z]/.test(r.type));
        assert.ok(objects.length > 50 * 20);
        const keys = objects.map(
            (r) =>
                `${clusterOf(r)} ${r.type} ${String(at(r.inputs, "metadata.namespace") ?? "")}/${String(at(r.inputs, "metadata.name") ?? r.name)}`,
        );
        assert.deepStrictEqual(duplicates(keys), []);
    });

    it("has no NodePort twice on a seed", () => {
        const services = run.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
        const ports = services.flatMap((s) =>
            ((at(s.inputs, "spec.ports") as { nodePort?: number }[] | undefined) ?? [])
                .filter((p) => p.nodePort !== undefined)
                .map((p) => `${clusterOf(s)} ${p.nodePort}`),
        );
        assert.ok(ports.length >= 100);
        assert.deepStrictEqual(duplicates(ports), []);
    });

    it("has no OpenStack name twice in a project, and no project name twice in a domain", () => {
        const named = run.resources.filter(
            (r) => r.custom && r.type.startsWith("openstack:") && typeof r.inputs.name === "string",
        );
        const keys = named.map((r) => {
            if (r.type === "openstack:identity/project:Project")
                return `domain ${String(r.inputs.domainId)} project ${String(r.inputs.name)}`;
            const provider = byUrn.get(r.provider ?? "");
            return `project ${String(provider?.inputs.tenantId ?? provider?.inputs.cloud)} ${r.type} ${String(r.inputs.name)}`;
        });
        assert.ok(keys.length > 50 * 10);
        assert.deepStrictEqual(duplicates(keys), []);
    });
});
