import * as assert from "assert";
import { Unknown } from "../../../policies/lib/known";
import { plainResource, unknown } from "./plain";
import { types } from "../../../policies/lib/resources";
import {
    Container,
    containerFlags,
    containerLabel,
    containersOf,
    flagValue,
    isEtcd,
    isKonnectivityAgent,
    isKonnectivityServer,
    isKubeApiserver,
    isWorkload,
    placedContainers,
    podTemplate,
    replicasOf,
} from "../../../policies/lib/workloads";

/** policies/lib/workloads.ts: pod templates, containers, what they run, their flags and replicas. */
describe("workloads", () => {
    const resource = (type: string, props: Record<string, unknown>, name = "w") => plainResource(type, props, name);
    const container = (
        spec: Record<string, unknown>,
        kind: Container["kind"] = "containers",
        index = 0,
    ): Container => ({
        kind,
        index,
        spec,
    });

    describe("podTemplate", () => {
        const template = { spec: { containers: [] } };
        const table: [string, Record<string, unknown>][] = [
            [types.deployment, { spec: { template } }],
            [types.statefulSet, { spec: { template } }],
            [types.daemonSet, { spec: { template } }],
            [types.replicaSet, { spec: { template } }],
            [types.job, { spec: { template } }],
            [types.cronJob, { spec: { jobTemplate: { spec: { template } } } }],
            [types.pod, template],
        ];
        for (const [type, props] of table) {
            it(`finds the template of a ${type.split(":")[2]}`, () =>
                assert.strictEqual(podTemplate(resource(type, props)), type === types.pod ? props : template));
        }
        it("knows workloads by type", () => {
            assert.deepStrictEqual(
                table.map(([type]) => isWorkload({ type })),
                table.map(() => true),
            );
            assert.strictEqual(isWorkload({ type: types.configMap }), false);
        });
        it("has none for what is no workload", () =>
            assert.strictEqual(podTemplate(resource(types.configMap, { spec: { template } })), undefined));
    });

    describe("containersOf", () => {
        it("lists containers, init and ephemeral containers with their index", () => {
            const { containers, unknowns } = containersOf({
                spec: {
                    containers: [{ name: "a" }, { name: "b" }],
                    initContainers: [{ name: "i" }],
                    ephemeralContainers: [{ name: "e" }],
                },
            });
            assert.deepStrictEqual(
                containers.map((c) => `${c.kind}[${c.index}]=${String(c.spec.name)}`),
                ["containers[0]=a", "containers[1]=b", "initContainers[0]=i", "ephemeralContainers[0]=e"],
            );
            assert.deepStrictEqual(unknowns, []);
        });
        it("collects what is not known yet, and skips entries that are no object", () => {
            const spec = unknown("spec");
            assert.deepStrictEqual(containersOf({ spec }), { containers: [], unknowns: [spec] });
            const list = unknown("list");
            const entry = unknown("entry");
            const { containers, unknowns } = containersOf({
                spec: { containers: ["x", null, entry, { name: "a" }], initContainers: list },
            });
            assert.deepStrictEqual(
                containers.map((c) => c.index),
                [3],
            );
            assert.deepStrictEqual(unknowns, [entry, list]);
        });
        it("has none without a template", () =>
            assert.deepStrictEqual(containersOf(undefined), { containers: [], unknowns: [] }));
    });

    it("labels a container by its name, else by its place", () => {
        assert.strictEqual(containerLabel(container({ name: "c" })), 'container "c"');
        assert.strictEqual(containerLabel(container({ name: 1 }, "initContainers", 2)), "initContainers[2]");
    });

    describe("what a container runs", () => {
        const table: [string, Record<string, unknown>, string][] = [
            ["the server by name", { name: "konnectivity-server", image: "mirror/proxy:1" }, "server"],
            [
                "the server by image",
                { name: "x", image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0" },
                "server",
            ],
            ["the agent by name", { name: "konnectivity-agent" }, "agent"],
            ["the agent by image", { image: "mirror.example/kas-network-proxy/proxy-agent@sha256:aa" }, "agent"],
            ["kube-apiserver by name", { name: "kube-apiserver" }, "apiserver"],
            ["kube-apiserver by image tag", { image: "registry.k8s.io/kube-apiserver:v1.36.5" }, "apiserver"],
            ["kube-apiserver by image digest", { image: "registry.k8s.io/kube-apiserver@sha256:aa" }, "apiserver"],
            ["kube-apiserver by its binary", { command: ["/usr/local/bin/kube-apiserver", "--v=2"] }, "apiserver"],
            ["kube-apiserver by a bare binary", { command: ["kube-apiserver"] }, "apiserver"],
            ["kube-apiserver in hyperkube", { command: ["/hyperkube", "kube-apiserver"] }, "apiserver"],
            ["kube-apiserver after words that are no text", { command: [7, "kube-apiserver"] }, "apiserver"],
            ["etcd by image", { image: "registry.k8s.io/etcd:3.6.6-0" }, "etcd"],
            ["etcd by a bare image", { image: "etcd@sha256:aa" }, "etcd"],
            ["etcd by image path", { image: "quay.io/coreos/etcd:v3.6.6" }, "etcd"],
            ["etcd by its binary", { command: ["/usr/local/bin/etcd"] }, "etcd"],
            ["not an image that only ends in etcd", { image: "example/myetcd:1" }, ""],
            ["not an etcd operator", { image: "example/etcd-operator:1" }, ""],
            ["not kube-apiserver's neighbours", { image: "example/kube-apiserver-proxy:1", name: "proxy" }, ""],
            ["not hyperkube running something else", { command: ["hyperkube", "kubelet"] }, ""],
            ["not hyperkube alone", { command: ["hyperkube"] }, ""],
            ["nothing from an image that is no text", { image: 7, command: ["sh"] }, ""],
            ["nothing from an image list that reads like images", { image: ["etcd:3", "x/kube-apiserver:v1"] }, ""],
            ["nothing from a command not known yet", { command: unknown("command") }, ""],
            ["nothing from nothing", {}, ""],
        ];
        const roles = (c: Container) =>
            [
                isKonnectivityServer(c) ? "server" : "",
                isKonnectivityAgent(c) ? "agent" : "",
                isKubeApiserver(c) ? "apiserver" : "",
                isEtcd(c) ? "etcd" : "",
            ].join("");
        for (const [what, spec, role] of table) {
            it(`recognises ${what}`, () => assert.strictEqual(roles(container(spec)), role));
        }
    });

    describe("containerFlags and flagValue", () => {
        it("reads command and args as one command line", () => {
            const flags = containerFlags(container({ command: ["/proxy-agent", "--ca-cert"], args: ["/c", "--v", 5] }));
            assert.deepStrictEqual(Object.fromEntries(flags.flags), { "ca-cert": "/c", v: "true" });
            assert.deepStrictEqual(flags.unknowns, []);
            assert.strictEqual(flags.unknownWords, 0);
        });
        it("counts unknown words, and any number for a list not known yet", () => {
            const word = unknown("word");
            const one = containerFlags(container({ args: ["--a=1", word, "--b", "2"] }));
            assert.deepStrictEqual(Object.fromEntries(one.flags), { a: "1", b: "2" });
            assert.deepStrictEqual(one.unknowns, [word]);
            assert.strictEqual(one.unknownWords, 1);
            const args = unknown("args");
            const all = containerFlags(container({ command: ["/proxy-agent", "--ca-cert"], args }));
            assert.deepStrictEqual(all.unknowns, [args]);
            assert.strictEqual(all.unknownWords, Infinity);
            assert.strictEqual(flagValue(all, "ca-cert"), args);
        });
        it("gives a flag's value; an absent one is unknown only when some words are", () => {
            const word = unknown("word");
            const flags = containerFlags(container({ args: ["--ca-cert=/a", word] }));
            assert.strictEqual(flagValue(flags, "ca-cert"), "/a");
            assert.strictEqual(flagValue(flags, "agent-cert"), word);
            assert.strictEqual(
                flagValue(containerFlags(container({ args: ["--ca-cert=/a"] })), "agent-cert"),
                undefined,
            );
        });
    });

    it("places every matching container in its workload, and collects what is not known yet", () => {
        const spec = unknown("spec");
        const a = resource(
            types.deployment,
            { spec: { template: { spec: { containers: [{ name: "konnectivity-agent" }, { name: "x" }] } } } },
            "a",
        );
        const b = resource(types.pod, { spec }, "b");
        const cm = resource(types.configMap, { spec: { containers: [{ name: "konnectivity-agent" }] } }, "cm");
        const { found, unknowns } = placedContainers([a, b, cm], isKonnectivityAgent);
        assert.deepStrictEqual(
            found.map((p) => [p.workload.name, p.container.spec.name, p.template === a.props.spec]),
            [["a", "konnectivity-agent", false]],
        );
        assert.strictEqual(found[0].template, (a.props.spec as { template: unknown }).template);
        assert.deepStrictEqual(unknowns, [spec]);
    });

    describe("replicasOf", () => {
        const replicas = unknown("replicas");
        const table: [string, string, unknown, number | undefined | Unknown][] = [
            ["a Pod: one", types.pod, undefined, 1],
            ["a Deployment's replicas", types.deployment, 3, 3],
            ["zero", types.statefulSet, 0, 0],
            ["Kubernetes' default 1", types.replicaSet, undefined, 1],
            ["1 for replicas that are no number", types.deployment, "3", 1],
            ["replicas not known yet", types.deployment, replicas, replicas],
            ["none for a DaemonSet", types.daemonSet, 3, undefined],
            ["none for a Job", types.job, 3, undefined],
        ];
        for (const [what, type, value, expected] of table) {
            it(`gives ${what}`, () =>
                assert.strictEqual(
                    replicasOf(resource(type, { spec: value === undefined ? {} : { replicas: value } })),
                    expected,
                ));
        }
    });
});
