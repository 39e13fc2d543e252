import * as assert from "assert";
import { EngineResource } from "../engine";
import { levels, messages, notApplicable, only, resource, types, unknownValue, urns, workload } from "./fixtures";

/**
 * control-path-ha (advisory): every kube-apiserver and konnectivity-agent Deployment or
 * StatefulSet runs at least minReplicas (default 2) pods, and a PodDisruptionBudget in its
 * namespace selects its pods.
 */
describe("control-path-ha", () => {
    const name = "control-path-ha";
    const engine = only(name);
    const apiserver = { name: "api", image: "registry.k8s.io/kube-apiserver:v1.36.5" };
    const agent = { name: "agent", image: "registry.k8s.io/kas-network-proxy/proxy-agent:v0.34.0" };
    const labels = { "app.kubernetes.io/name": "kube-apiserver", tier: "cp" };
    const cp = (
        containers: Record<string, unknown>[],
        replicas: unknown = 2,
        more: { kind?: string; namespace?: string; labels?: unknown } = {},
    ) =>
        workload(more.kind ?? types.deployment, containers, {
            name: "cp",
            namespace: more.namespace ?? "cluster-a",
            // null: no spec.replicas at all.
            replicas: replicas === null ? undefined : replicas,
            template: { labels: more.labels ?? labels },
        });
    const pdb = (selector: unknown, namespace: unknown = "cluster-a") =>
        resource(types.podDisruptionBudget, {
            // null: no metadata.namespace (the default namespace).
            metadata: { name: "cp", ...(namespace === null ? {} : { namespace }) },
            spec: { maxUnavailable: 1, ...(selector === undefined ? {} : { selector }) },
        });
    const covering = pdb({ matchLabels: { "app.kubernetes.io/name": "kube-apiserver" } });
    const analyze = (...resources: EngineResource[]) => engine.analyzeStack(resources);
    const check = (...resources: EngineResource[]) => messages(analyze(...resources));
    const tooFew = (role: string, replicas: number, min = 2) =>
        `${role} cp runs ${replicas} replica(s): losing one pod or one node cuts the ` +
        `${role === "kube-apiserver" ? "API and its tunnel endpoint" : "tunnel from the workers"}. Run at least ${min}.`;
    const noPdb = (role: string) =>
        `${role} cp has no PodDisruptionBudget selecting its pods: a node drain may evict every replica at once. ` +
        "Add one (maxUnavailable: 1) whose selector matches the pod template's labels.";

    describe("replicas", () => {
        const table: [string, Record<string, unknown>, unknown, string[]][] = [
            ["kube-apiserver with 2", apiserver, 2, []],
            ["kube-apiserver with 1", apiserver, 1, [tooFew("kube-apiserver", 1)]],
            ["kube-apiserver with 0", apiserver, 0, [tooFew("kube-apiserver", 0)]],
            ["kube-apiserver without a count (1)", apiserver, null, [tooFew("kube-apiserver", 1)]],
            ["konnectivity-agent with 3", agent, 3, []],
            ["konnectivity-agent with 1", agent, 1, [tooFew("konnectivity-agent", 1)]],
            [
                "kube-apiserver by its container name",
                { name: "kube-apiserver", image: "x/y:1" },
                1,
                [tooFew("kube-apiserver", 1)],
            ],
            [
                "kube-apiserver by its command",
                { name: "c", image: "x/y:1", command: ["/usr/local/bin/kube-apiserver"] },
                1,
                [tooFew("kube-apiserver", 1)],
            ],
            [
                "konnectivity-agent by its container name",
                { name: "konnectivity-agent", image: "x/y:1" },
                1,
                [tooFew("konnectivity-agent", 1)],
            ],
        ];
        for (const [what, container, replicas, expected] of table) {
            it(`${expected.length > 0 ? "flags" : "passes"} ${what}`, () =>
                assert.deepStrictEqual(check(cp([container], replicas), covering), expected));
        }

        it("counts a StatefulSet too, and names the kube-apiserver of a pod that also runs an agent", () => {
            assert.deepStrictEqual(check(cp([apiserver], 1, { kind: types.statefulSet }), covering), [
                tooFew("kube-apiserver", 1),
            ]);
            assert.deepStrictEqual(check(cp([agent, apiserver], 1), covering), [tooFew("kube-apiserver", 1)]);
        });

        it("follows minReplicas", () => {
            const three = only(name, { [name]: { minReplicas: 3 } });
            assert.deepStrictEqual(messages(three.analyzeStack([cp([agent], 2), covering])), [
                tooFew("konnectivity-agent", 2, 3),
            ]);
            assert.deepStrictEqual(messages(three.analyzeStack([cp([agent], 3), covering])), []);
            const one = only(name, { [name]: { minReplicas: 1 } });
            assert.deepStrictEqual(messages(one.analyzeStack([cp([agent], 1), covering])), []);
        });

        it("reports on the workload's URN, at the policy's advisory level", () => {
            const w = cp([apiserver], 1);
            const analysis = analyze(w);
            assert.deepStrictEqual(urns(analysis), [w.urn, w.urn]);
            assert.deepStrictEqual(levels(analysis), ["advisory", "advisory"]);
            assert.deepStrictEqual(messages(analysis), [tooFew("kube-apiserver", 1), noPdb("kube-apiserver")]);
        });
    });

    describe("the PodDisruptionBudget", () => {
        const table: [string, EngineResource[], boolean][] = [
            ["one whose matchLabels select the pods", [covering], true],
            ["one with every matchLabel of the pods", [pdb({ matchLabels: labels })], true],
            ["an empty selector (every pod of the namespace)", [pdb({})], true],
            [
                "a matching expression",
                [pdb({ matchExpressions: [{ key: "tier", operator: "In", values: ["cp"] }] })],
                true,
            ],
            ["a non-matching and a matching one", [pdb({ matchLabels: { tier: "etcd" } }), covering], true],
            ["a non-matching one", [pdb({ matchLabels: { tier: "etcd" } })], false],
            ["one without a selector (selects nothing)", [pdb(undefined)], false],
            ["a selector that is no object", [pdb("tier=cp")], false],
            ["a matching one in another namespace", [pdb({}, "cluster-b")], false],
            ["a matching one in the default namespace", [pdb({}, null)], false],
            ["none", [], false],
        ];
        for (const [what, pdbs, covered] of table) {
            it(`${covered ? "passes" : "flags"} ${what}`, () =>
                assert.deepStrictEqual(check(cp([apiserver]), ...pdbs), covered ? [] : [noPdb("kube-apiserver")]));
        }

        it("matches pods without labels with an empty selector only", () => {
            assert.deepStrictEqual(check(cp([agent], 2, { labels: "x" }), pdb({})), []);
            assert.deepStrictEqual(check(cp([agent], 2, { labels: "x" }), covering), [noPdb("konnectivity-agent")]);
        });

        it("finds a workload and a PDB without namespaces both in default", () => {
            const w = workload(types.deployment, [apiserver], { name: "cp", replicas: 2, template: { labels } });
            assert.deepStrictEqual(check(w, pdb({}, null)), []);
        });
    });

    it("is not applicable without a kube-apiserver or konnectivity-agent Deployment or StatefulSet", () => {
        const reason = "the stack has no kube-apiserver or konnectivity-agent Deployment";
        const others = [
            cp([{ name: "web", image: "nginx:1.27" }], 1),
            cp([apiserver], 1, { kind: types.daemonSet }),
            cp([agent], 1, { kind: types.replicaSet }),
            workload(types.pod, [apiserver]),
        ];
        for (const w of others) assert.deepStrictEqual(notApplicable(analyze(w)), [reason], w.type);
        assert.deepStrictEqual(notApplicable(analyze()), [reason]);
        assert.deepStrictEqual(notApplicable(analyze(cp([apiserver]), covering)), []);
    });

    it("waits for what it cannot know yet (advisory, during preview), and still reports what it knows", () => {
        const table: [string, EngineResource[], string[]][] = [
            ["unknown containers", [cp(unknownValue as unknown as Record<string, unknown>[])], []],
            ["an unknown replica count", [cp([apiserver], unknownValue), covering], []],
            ["an unknown replica count and no PDB", [cp([apiserver], unknownValue)], [noPdb("kube-apiserver")]],
            ["unknown pod labels", [cp([apiserver], 2, { labels: unknownValue }), covering], []],
            ["an unknown pod label", [cp([apiserver], 2, { labels: { tier: unknownValue } }), covering], []],
            ["an unknown selector", [cp([apiserver]), pdb(unknownValue)], []],
            ["an unknown selector value", [cp([apiserver]), pdb({ matchLabels: { tier: unknownValue } })], []],
            ["an unknown PDB namespace", [cp([apiserver]), pdb({}, unknownValue)], []],
            [
                "a known miss and an unknown one",
                [cp([apiserver]), pdb({ matchLabels: { tier: "x" } }), pdb(unknownValue)],
                [],
            ],
        ];
        for (const [what, stack, known] of table) {
            const analysis = analyze(...stack);
            assert.deepStrictEqual(messages(analysis).slice(0, -1), known, what);
            assert.match(messages(analysis).at(-1) ?? "", /during preview/, what);
            assert.deepStrictEqual(analysis.notApplicable, [], what);
        }
        const decided: [string, EngineResource[], string[]][] = [
            [
                "unknown labels, PDB elsewhere",
                [cp([apiserver], 2, { labels: unknownValue }), pdb({}, "cluster-b")],
                [noPdb("kube-apiserver")],
            ],
            ["unknown labels, no PDB", [cp([apiserver], 2, { labels: unknownValue })], [noPdb("kube-apiserver")]],
            ["an unknown selector beside a covering PDB", [cp([apiserver]), pdb(unknownValue), covering], []],
        ];
        for (const [what, stack, expected] of decided) {
            assert.deepStrictEqual(check(...stack), expected, what);
        }
    });
});
