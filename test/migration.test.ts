import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { TunnelMode } from "../components/config";
import { devConfig } from "./fixtures";
import { at, descendantsOf, ofType, ProgramRun, projectRoot, RecordedResource, runProgram } from "./harness";
import { changeTable, ComparedResource, compareRuns, replacingChanges, withChange } from "./harness/compare";

/**
 * Switching a running cluster's tunnel with one `pulumi up`, both ways, played with the harness:
 * a run of mode A is the state; the same stack configured with mode B, the state recording A
 * (clusterState), is the update. compareRuns then says, per URN, what the engine would keep,
 * update (which inputs), create and delete. The engine deletes only after every create and update
 * succeeded, so "deleted" means: after the new path is up.
 */

const running = (tunnelMode: TunnelMode) => ({ clusterState: { kubernetesVersion: "1.36", tunnelMode } });
const other = (mode: TunnelMode): TunnelMode => (mode === "konnectivity" ? "openvpn" : "konnectivity");

async function run(mode: TunnelMode, options: { state?: ProgramRun; recorded?: TunnelMode } = {}): Promise<ProgramRun> {
    const result = await runProgram(devConfig({ tunnelMode: mode }), {
        state: options.state?.resources,
        lastOutputs: options.recorded ? running(options.recorded) : undefined,
    });
    if (result.error) throw result.error;
    return result;
}

const managed = (r: ProgramRun) =>
    new Set(r.resources.filter((x) => x.custom && !x.read && !x.type.startsWith("pulumi:pulumi:")).map((x) => x.urn));
const byName = (r: ProgramRun, type: string, name: string) =>
    r.resources.find((x) => x.type === type && x.name === name) as RecordedResource;
const change = (compared: readonly ComparedResource[], type: string, name: string) =>
    compared.find((c) => c.type === type && c.name === name)?.change;
const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    configMap: "kubernetes:core/v1:ConfigMap",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
};

/** What must survive a switch, by what it is: the cluster's data, identity, address and tenants. */
const mustSurvive: [string, string, string][] = [
    ["etcd and its volumes (volumeClaimTemplates)", "kubernetes:apps/v1:StatefulSet", "dev-etcd"],
    ["etcd's member names", T.service, "dev-etcd"],
    ["etcd's certificates", "kubernetes:core/v1:Secret", "dev-etcd-pki"],
    ["the cluster CA", "tls:index/selfSignedCert:SelfSignedCert", "dev-ca"],
    ["the cluster CA's key", "tls:index/privateKey:PrivateKey", "dev-ca"],
    ["the etcd CA", "tls:index/selfSignedCert:SelfSignedCert", "dev-etcd-ca"],
    ["the service-account key", "tls:index/privateKey:PrivateKey", "dev-service-account"],
    ["the service-account key's Secret", "kubernetes:core/v1:Secret", "dev-service-account-key"],
    ["the load balancer", "openstack:loadbalancer/loadBalancer:LoadBalancer", "dev-api"],
    ["the floating IP", "openstack:networking/floatingIp:FloatingIp", "dev-api"],
    ["the API listener", "openstack:loadbalancer/listener:Listener", "dev-api-apiserver"],
    ["the API pool", "openstack:loadbalancer/pool:Pool", "dev-api-apiserver"],
    ["the apiserver NodePort the workers dial", T.service, "dev-apiserver"],
    [
        "the seed rule for that NodePort",
        "openstack:networking/secGroupRule:SecGroupRule",
        "dev-api-seed-apiserver-lb-subnet",
    ],
    ["the worker tenant's project", "openstack:identity/project:Project", "dev-workers"],
    ["the worker network", "openstack:networking/network:Network", "dev-workers"],
    ["the worker router", "openstack:networking/router:Router", "dev-workers"],
    ["the user cluster's provider", "pulumi:providers:kubernetes", "dev-user-cluster"],
    [
        "kube-apiserver's kubelet access",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "dev-user-cluster-kubelet-api",
    ],
];

/** What the switch may update in place on what it keeps (to openvpn the namespace relaxes too). */
const updatedInPlace = (to: TunnelMode) => [
    ...(to === "openvpn" ? ["kubernetes:core/v1:Namespace dev"] : []),
    // kube-apiserver's NetworkPolicy gains the agent port; it keeps it while switching away.
    ...(to === "konnectivity" ? ["kubernetes:networking.k8s.io/v1:NetworkPolicy dev-apiserver"] : []),
    "kubernetes:apps/v1:Deployment dev-apiserver",
    "kubernetes:core/v1:ConfigMap dev-tunnel-gate",
    // The critical-pods quota counts the mode's own Deployments (openvpn-server).
    "kubernetes:core/v1:ResourceQuota dev-critical-pods",
];

for (const from of ["konnectivity", "openvpn"] as const) {
    const to = other(from);
    describe(`switching the dev stack's tunnel: ${from} -> ${to} (one pulumi up)`, function () {
        this.timeout(120_000);
        let freshFrom: ProgramRun;
        let freshTo: ProgramRun;
        let switched: ProgramRun;
        let compared: ComparedResource[];
        before(async () => {
            freshFrom = await run(from);
            freshTo = await run(to);
            switched = await run(to, { state: freshFrom, recorded: from });
            compared = compareRuns(freshFrom.resources, switched.resources);
        });

        it("keeps what must survive, inputs unchanged (so never replaced)", () => {
            for (const [what, type, name] of mustSurvive) {
                assert.strictEqual(change(compared, type, name), "kept", `${what} (${type} ${name})`);
            }
            // The tenants, the worker security group and the nodes part, whole.
            for (const type of [
                "gks:index:Tenant",
                "gks:index:WorkerSecurityGroup",
                "gks:index:NodeJoin",
                "gks:index:ClusterAddons",
                "gks:index:WorkerPool",
            ]) {
                for (const component of ofType(switched.resources, type)) {
                    for (const r of descendantsOf(switched.resources, component).filter((x) => x.custom)) {
                        assert.strictEqual(
                            change(compared, r.type, r.name),
                            "kept",
                            `${type} ${component.name}: ${r.type} ${r.name}`,
                        );
                    }
                }
            }
        });

        it("updates in place only the namespace's Pod Security level, kube-apiserver's pods and its NetworkPolicy, the gate's deadline and the pods quota", () => {
            const updated = withChange(compared, "updated").filter((c) => c.custom);
            assert.deepStrictEqual(updated.map((c) => `${c.type} ${c.name}`).sort(), updatedInPlace(to).sort());
            for (const c of updated)
                assert.deepStrictEqual(replacingChanges(c), [], `${c.type} ${c.name} would be replaced`);
            const apiserver = updated.find(
                (c) => c.name === "dev-apiserver" && c.type === "kubernetes:apps/v1:Deployment",
            )!;
            assert.ok(
                apiserver.changedInputs.every((p) => p.startsWith("spec.template.")),
                apiserver.changedInputs.join(),
            );
        });

        it(`creates exactly ${to}'s own objects and deletes exactly ${from}'s: the URN set is a fresh ${to} cluster's`, () => {
            const [a, b, after] = [managed(freshFrom), managed(freshTo), managed(switched)];
            assert.deepStrictEqual([...after].sort(), [...b].sort());
            assert.deepStrictEqual(
                withChange(compared, "created")
                    .filter((c) => c.custom)
                    .map((c) => c.urn)
                    .sort(),
                [...b].filter((u) => !a.has(u)).sort(),
            );
            assert.deepStrictEqual(
                withChange(compared, "deleted")
                    .filter((c) => c.custom)
                    .map((c) => c.urn)
                    .sort(),
                [...a].filter((u) => !b.has(u)).sort(),
            );
            // Nothing of the old mode is left: no listener, pool, member, rule, Secret, RBAC or NodePort of it.
            const leftovers = switched.resources.filter((r) =>
                new RegExp(from === "konnectivity" ? "konnectivity" : "openvpn").test(`${r.type} ${r.name}`),
            );
            assert.deepStrictEqual(
                leftovers.map((r) => r.name),
                [],
            );
        });

        it(`makes the ${to} path before the apiserver pods move: its user-cluster end first, the pods gated until their end is up`, () => {
            const apiserver = byName(switched, T.deployment, "dev-apiserver");
            const userEnd = ofType(
                switched.resources,
                to === "openvpn" ? "gks:index:OpenvpnClient" : "gks:index:KonnectivityAgents",
            )[0];
            const endWorkload = descendantsOf(switched.resources, userEnd).find((r) => r.type === T.deployment)!;
            assert.ok(
                apiserver.dependencies?.includes(endWorkload.urn),
                "kube-apiserver rolls after the user-cluster end",
            );
            // The user cluster's provider does not wait for the apiserver rollout (it serves the old pods' API).
            const provider = byName(switched, "pulumi:providers:kubernetes", "dev-user-cluster");
            assert.ok(!provider.dependencies?.includes(apiserver.urn));
            // Rolling: never fewer ready pods than replicas, each new pod gated until its tunnel end works.
            assert.deepStrictEqual(at(apiserver.inputs, "spec.strategy.rollingUpdate"), {
                maxUnavailable: 0,
                maxSurge: 1,
            });
            const containers = (at(apiserver.inputs, "spec.template.spec.containers") as { name: string }[]).map(
                (c) => c.name,
            );
            assert.strictEqual(containers.at(-1), "tunnel-gate");
            assert.deepStrictEqual(byName(switched, T.configMap, "dev-tunnel-gate").inputs.data, {
                "deadline-seconds": "none",
            });
            // The namespace admits both modes' pods until the old ones are gone.
            assert.strictEqual(
                at(byName(switched, T.namespace, "dev").inputs, "metadata.labels")![
                    "pod-security.kubernetes.io/enforce" as never
                ],
                "privileged",
            );
            const annotations = at(endWorkload.inputs, "metadata.annotations") as Record<string, string> | undefined;
            if (to === "openvpn") {
                assert.strictEqual(
                    annotations?.["pulumi.com/skipAwait"],
                    undefined,
                    "the client is awaited: connected before the pods move",
                );
            } else {
                // Agents connect only once a new server runs: created, not awaited; the gate waits for them.
                assert.strictEqual(annotations?.["pulumi.com/skipAwait"], "true");
                assert.strictEqual(
                    at(byName(switched, T.service, "dev-konnectivity-server").inputs, "spec.publishNotReadyAddresses"),
                    true,
                );
            }
        });

        it("the next update after the switch rolls no pod: it only sets the gate's deadline back (and relaxes what the switch needed)", async () => {
            const next = await run(to, { state: switched, recorded: to });
            const changed = withChange(compareRuns(switched.resources, next.resources), "updated").filter(
                (c) => c.custom,
            );
            const expected = ["kubernetes:core/v1:ConfigMap dev-tunnel-gate data.deadline-seconds"];
            if (to === "konnectivity")
                expected.push(`kubernetes:core/v1:Namespace dev metadata.labels["pod-security.kubernetes.io/enforce"]`);
            if (to === "openvpn") {
                expected.push("kubernetes:apps/v1:Deployment dev-user-cluster metadata.annotations");
                expected.push("kubernetes:networking.k8s.io/v1:NetworkPolicy dev-apiserver spec.ingress[0].ports[1]");
            }
            assert.deepStrictEqual(
                changed.map((c) => `${c.type} ${c.name} ${c.changedInputs.join(",")}`).sort(),
                expected.sort(),
            );
            // ...after which it is exactly a fresh cluster of that mode.
            const again = await run(to, { state: next, recorded: to });
            assert.deepStrictEqual(
                withChange(compareRuns(next.resources, again.resources), "updated").filter((c) => c.custom),
                [],
            );
            const freshNow = compareRuns(freshTo.resources, next.resources).filter(
                (c) => c.custom && c.change !== "kept",
            );
            // Key material differs between independent runs; everything else is equal.
            assert.ok(
                freshNow.every((c) => c.change === "updated"),
                JSON.stringify(freshNow.filter((c) => c.change !== "updated")),
            );
        });

        it(`switching back (${to} -> ${from}) leaves exactly a fresh ${from} cluster`, async () => {
            const back = await run(from, { state: switched, recorded: to });
            assert.deepStrictEqual([...managed(back)].sort(), [...managed(freshFrom)].sort());
            const c = compareRuns(switched.resources, back.resources);
            for (const [what, type, name] of mustSurvive) assert.strictEqual(change(c, type, name), "kept", what);
        });

        it(`a switch that failed midway converges back when the ${from} config runs again`, async () => {
            // The failed update created the new mode's objects and updated the apiserver Deployment
            // (its rollout then failed), deleted nothing, and left clusterState at the old mode.
            const created = new Set(withChange(compared, "created").map((c) => c.urn));
            const apiserverUrn = byName(switched, T.deployment, "dev-apiserver").urn;
            const midway: RecordedResource[] = [
                ...freshFrom.resources.filter((r) => r.urn !== apiserverUrn),
                ...switched.resources.filter((r) => created.has(r.urn) || r.urn === apiserverUrn),
            ];
            const rerun = await runProgram(devConfig({ tunnelMode: from }), {
                state: midway,
                lastOutputs: running(from),
            });
            if (rerun.error) throw rerun.error;
            const c = compareRuns(midway, rerun.resources);
            assert.deepStrictEqual([...managed(rerun)].sort(), [...managed(freshFrom)].sort());
            assert.deepStrictEqual(
                withChange(c, "deleted")
                    .map((x) => x.urn)
                    .sort(),
                [...created].sort(),
                "what the failed update created goes, after the old pods are back",
            );
            assert.deepStrictEqual(
                withChange(c, "created").filter((x) => x.custom),
                [],
            );
            const updated = withChange(c, "updated")
                .filter((x) => x.custom)
                .map((x) => `${x.type} ${x.name}`);
            assert.deepStrictEqual(
                updated,
                ["kubernetes:apps/v1:Deployment dev-apiserver"],
                "kube-apiserver rolls back to the old pods",
            );
            for (const [what, type, name] of mustSurvive) assert.strictEqual(change(c, type, name), "kept", what);
        });
    });
}

describe("the README's migration table is what the harness shows for the dev stack", function () {
    this.timeout(120_000);
    it("lists every resource a switch creates, updates or deletes, in both directions", async () => {
        const k = await run("konnectivity");
        const o = await run("openvpn", { state: k, recorded: "konnectivity" });
        const back = await run("konnectivity", { state: o, recorded: "openvpn" });
        const table = changeTable([
            { title: "konnectivity -> openvpn", compared: compareRuns(k.resources, o.resources) },
            { title: "openvpn -> konnectivity", compared: compareRuns(o.resources, back.resources) },
        ]);
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        const [, inReadme] = /<!-- migration-table -->\n([\s\S]*?)\n<!-- \/migration-table -->/.exec(readme) ?? [];
        const normalise = (t: string) =>
            t
                .split("\n")
                .map((l) =>
                    l
                        .trim()
                        .replace(/\s*\|\s*/g, "|")
                        .replace(/\|-+/g, "|-"),
                )
                .filter((l) => l !== "")
                .join("\n");
        assert.strictEqual(normalise(inReadme ?? ""), normalise(table), `README's table should read:\n${table}`);
    });
});
