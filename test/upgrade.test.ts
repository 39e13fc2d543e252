import * as assert from "assert";
import { kubernetesUpgradeProblems, runningStateOutput, versionPins } from "../components/config";
import { devConfig, devRun } from "./fixtures";
import { at, byUrn, one, ofType, ProgramRun, RecordedResource, runProgram } from "./harness";
import { compareRuns, StateResource, withChange, withoutKeyMaterial } from "./harness/compare";

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    userClusterProvider: "pulumi:providers:kubernetes",
};

const running = (kubernetesVersion: string) => ({
    [runningStateOutput]: { kubernetesVersion, tunnelMode: "konnectivity" },
});

function imageOf(r: RecordedResource, container: string): string {
    const containers = at(r.inputs, "spec.template.spec.containers") as { name: string; image: string }[];
    return containers.find((c) => c.name === container)!.image;
}

describe("upgrades: the Kubernetes minor moves one step at a time and never down", () => {
    describe("the rule (running -> configured)", () => {
        const cases: [string, string, "allowed" | RegExp][] = [
            ["1.36", "1.36", "allowed"],
            ["1.36", "1.37", "allowed"],
            ["1.35", "1.36", "allowed"],
            // A cluster recorded by an older release, one minor below the oldest supported.
            ["1.34", "1.35", "allowed"],
            ["1.35", "1.37", /one minor at a time \(1\.36 first.*allowed now: 1\.35 or 1\.36$/],
            ["1.33", "1.35", /one minor at a time.*supports none of them \(1\.35, 1\.36, 1\.37\)/],
            ["1.37", "1.36", /cannot be downgraded.*allowed now: 1\.37$/],
            ["1.36", "1.35", /cannot be downgraded.*allowed now: 1\.36 or 1\.37$/],
            // Recorded by a newer release: going back to what this one supports is a downgrade.
            ["1.38", "1.37", /runs 1\.38.*cannot be downgraded/],
        ];
        for (const [from, to, verdict] of cases) {
            it(`${from} -> ${to}: ${verdict === "allowed" ? "allowed" : "refused"}`, () => {
                const problems = kubernetesUpgradeProblems(to, from);
                if (verdict === "allowed") {
                    assert.deepStrictEqual(problems, []);
                    return;
                }
                assert.strictEqual(problems.length, 1);
                assert.strictEqual(problems[0].key, "gks-cluster:kubernetesVersion");
                assert.strictEqual(problems[0].value, to);
                assert.match(problems[0].message, new RegExp(`the cluster runs ${from.replace(".", "\\.")}`));
                assert.match(problems[0].message, verdict);
            });
        }

        it("names the key in the namespace the settings were read from", () => {
            assert.strictEqual(kubernetesUpgradeProblems("1.37", "1.35", "c1")[0].key, "c1:kubernetesVersion");
        });
    });

    describe("the stack program", () => {
        for (const [what, from, to] of [
            ["a skip", "1.35", "1.37"],
            ["a downgrade", "1.37", "1.36"],
        ]) {
            it(`refuses ${what} (${from} -> ${to}) before registering anything but the reads of stacks`, async () => {
                const run = await runProgram(devConfig({ kubernetesVersion: to }), { lastOutputs: running(from) });
                assert.strictEqual(run.error?.name, "ConfigError");
                // withRunningState's ConfigError: the key, both versions, and what is allowed.
                assert.match(
                    run.error.message,
                    new RegExp(`gks-cluster:kubernetesVersion = "${to}": the cluster runs ${from} .*allowed now: `),
                );
                assert.deepStrictEqual(run.resources.map((r) => `${r.type} ${r.name}`).sort(), [
                    "pulumi:pulumi:Stack gks-cluster-dev",
                    "pulumi:pulumi:StackReference dev-last-update",
                    "pulumi:pulumi:StackReference dev-platform",
                ]);
            });
        }

        it("refuses an upgrade and a tunnel switch in one update, naming both and how to split them", async () => {
            const run = await runProgram(devConfig({ kubernetesVersion: "1.37", tunnelMode: "openvpn" }), {
                lastOutputs: running("1.36"),
            });
            assert.strictEqual(run.error?.name, "ConfigError");
            assert.match(
                run.error.message,
                /gks-cluster:tunnelMode = "openvpn": the cluster runs konnectivity on 1\.36 .*keep tunnelMode konnectivity for the upgrade, or kubernetesVersion 1\.36 for the switch/,
            );
            assert.deepStrictEqual(
                run.resources.filter((r) => !r.read && r.type !== "pulumi:pulumi:Stack"),
                [],
            );
        });

        it("upgrades one step (1.36 -> 1.37): every image moves, and the record moves to 1.37", async () => {
            const run = await runProgram(devConfig({ kubernetesVersion: "1.37" }), { lastOutputs: running("1.36") });
            if (run.error) throw run.error;
            const pins = versionPins("1.37");
            assert.strictEqual(
                imageOf(one(run.resources, T.statefulSet, "dev-etcd"), "etcd"),
                `registry.k8s.io/etcd:${pins.etcd}`,
            );
            for (const [name, container, image] of [
                ["dev-apiserver", "kube-apiserver", "kube-apiserver"],
                ["dev-controller-manager", "kube-controller-manager", "kube-controller-manager"],
                ["dev-scheduler", "kube-scheduler", "kube-scheduler"],
            ]) {
                assert.strictEqual(
                    imageOf(one(run.resources, T.deployment, name), container),
                    `registry.k8s.io/${image}:${pins.kubernetes}`,
                );
            }
            assert.deepStrictEqual(run.outputs[runningStateOutput], {
                kubernetesVersion: "1.37",
                tunnelMode: "konnectivity",
                encryptionKeys: ["key1"],
            });

            // What the update does to the 1.36 cluster, nothing created or deleted: the control
            // plane's images move, then the user cluster's pieces that follow the minor (add-ons,
            // the join configuration, and the pool nodes that do not pin a version, replaced with a
            // new token each). The agents stay: both minors pin konnectivity v0.36.0.
            const masked = (r: ProgramRun): StateResource[] =>
                r.resources.map((x) => ({
                    ...x,
                    inputs: x.custom ? (withoutKeyMaterial(x.inputs) as Record<string, unknown>) : {},
                }));
            const compared = compareRuns(masked(await devRun()), masked(run));
            assert.deepStrictEqual(withChange(compared, "created"), []);
            assert.deepStrictEqual(withChange(compared, "deleted"), []);
            const updated = withChange(compared, "updated").map((c) => `${c.type} ${c.name}`);
            const controlPlane = [
                "kubernetes:apps/v1:StatefulSet dev-etcd",
                "kubernetes:apps/v1:Deployment dev-apiserver",
                "kubernetes:apps/v1:Deployment dev-controller-manager",
                "kubernetes:apps/v1:Deployment dev-scheduler",
            ];
            const userCluster = [
                "kubernetes:apps/v1:DaemonSet dev-addons-kube-proxy",
                "kubernetes:apps/v1:Deployment dev-addons-coredns",
                "kubernetes:core/v1:ConfigMap dev-join-kubeadm-config",
                ...[0, 1].flatMap((i) => [
                    `openstack:compute/instance:Instance dev-small-${i}`,
                    `random:index/randomPassword:RandomPassword dev-small-${i}-token`,
                    `time:index/offset:Offset dev-small-${i}-token`,
                    `kubernetes:core/v1:Secret dev-small-${i}-token`,
                ]),
            ];
            assert.deepStrictEqual([...updated].sort(), [...controlPlane, ...userCluster].sort());
            for (const c of withChange(compared, "updated").filter((u) =>
                controlPlane.includes(`${u.type} ${u.name}`),
            )) {
                assert.deepStrictEqual(
                    c.changedInputs.filter((p) => !/^spec\.template\.spec\.containers\[\d+\]\.image$/.test(p)),
                    [],
                    `${c.name}: only its images`,
                );
            }
        });
    });

    describe("the order of an update: etcd, kube-apiserver, controller-manager and scheduler, then the user cluster", () => {
        let run: ProgramRun;
        before(async () => {
            run = await devRun();
        });
        /** The names of the resources `r` waits for (the engine's dependencies of its registration). */
        const waitsFor = (r: RecordedResource) => (r.dependencies ?? []).map((urn) => byUrn(run.resources, urn)?.name);

        it("kube-apiserver waits for etcd's rollout", () => {
            assert.ok(waitsFor(one(run.resources, T.deployment, "dev-apiserver")).includes("dev-etcd"));
        });

        it("controller-manager and scheduler wait for kube-apiserver's rollout", () => {
            for (const name of ["dev-controller-manager", "dev-scheduler"]) {
                assert.ok(waitsFor(one(run.resources, T.deployment, name)).includes("dev-apiserver"), name);
            }
        });

        it("etcd waits for no other workload: a new cluster's members start together, in parallel", () => {
            const etcd = one(run.resources, T.statefulSet, "dev-etcd");
            assert.strictEqual(at(etcd.inputs, "spec.podManagementPolicy"), "Parallel");
            const workloads = [...ofType(run.resources, T.deployment), ...ofType(run.resources, T.statefulSet)];
            assert.deepStrictEqual(
                workloads.filter((w) => etcd.dependencies?.includes(w.urn)).map((w) => w.name),
                [],
            );
        });

        it("the user cluster's objects wait for every control-plane workload (through their provider)", () => {
            const provider = one(run.resources, T.userClusterProvider, "dev-user-cluster");
            const waited = waitsFor(provider);
            for (const name of ["dev-etcd", "dev-apiserver", "dev-controller-manager", "dev-scheduler"]) {
                assert.ok(waited.includes(name), name);
            }
            const userObjects = run.resources.filter((r) => r.provider === provider.urn);
            assert.ok(userObjects.length > 0);
        });
    });
});
