import * as assert from "assert";
import { parseImage } from "../../../policies/lib/images";
import { assertWaits, levels, messages, notApplicable, only, types, unknownValue, workload } from "./fixtures";

/** images-pinned: every container of every workload kind runs a version tag or a digest. */
describe("images-pinned", () => {
    const engine = only("images-pinned");
    const check = (image: string, kind: string = types.deployment) =>
        messages(engine.analyze(workload(kind, [{ name: "app", image }], { name: "web" })));
    const digest = `sha256:${"a".repeat(64)}`;

    const pinned = [
        "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0",
        "alpine:3.20",
        "localhost:5000/team/app:1",
        `busybox@${digest}`,
        `busybox:latest@${digest}`,
        " alpine:3.20 ",
        // A digest alone, and an algorithm with components (the OCI grammar's `algorithm-separator`).
        `@${digest}`,
        `busybox@sha256+b64u:${"a".repeat(64)}`,
    ];
    for (const image of pinned) it(`passes ${JSON.stringify(image)}`, () => assert.deepStrictEqual(check(image), []));

    const tail =
        "A floating image changes under a running cluster (kube-apiserver, konnectivity server and agents must " +
        "stay on matching versions). Pin a version tag or a digest.";
    const unpinned: [string, string][] = [
        ["alpine", "it has no tag (that means latest)"],
        ["alpine:", "it has no tag (that means latest)"],
        ["localhost:5000/team/app", "it has no tag (that means latest)"],
        ["alpine:latest", 'its tag is "latest"'],
        ["alpine:stable", 'its tag "stable" is not a version'],
        ["busybox@sha256:abc", 'its digest "sha256:abc" is not algorithm:hex'],
        [`busybox@${digest.replace("sha256:", "")}`, `its digest "${"a".repeat(64)}" is not algorithm:hex`],
        [`busybox@sha256:${"a".repeat(31)}`, `its digest "sha256:${"a".repeat(31)}" is not algorithm:hex`],
        [`busybox@Sha256:${"a".repeat(64)}`, `its digest "Sha256:${"a".repeat(64)}" is not algorithm:hex`],
        [`busybox@${digest}z`, `its digest "${digest}z" is not algorithm:hex`],
        // Surrounding blanks are not part of the tag.
        [" alpine:latest ", 'its tag is "latest"'],
    ];
    for (const [image, reason] of unpinned) {
        it(`flags ${image}: ${reason}`, () =>
            assert.deepStrictEqual(check(image), [`container "app" of web runs ${image}: ${reason}. ${tail}`]));
    }

    it("reads name, tag and digest apart (a registry port is no tag)", () => {
        assert.deepStrictEqual(parseImage(`localhost:5000/app:1.36@${digest}`), {
            name: "localhost:5000/app",
            tag: "1.36",
            digest,
        });
        assert.deepStrictEqual(parseImage("localhost:5000/app"), { name: "localhost:5000/app", digest: undefined });
        assert.deepStrictEqual(parseImage(`@${digest}`), { name: "", digest });
    });

    for (const kind of [types.statefulSet, types.daemonSet, types.replicaSet, types.job, types.cronJob, types.pod]) {
        it(`checks a ${kind.split(":")[2]}`, () => assert.strictEqual(check("alpine", kind).length, 1));
    }

    it("checks init and ephemeral containers, each on its own", () => {
        const pod = workload(types.deployment, [{ name: "c", image: "alpine:3.20" }], {
            name: "web",
            pod: {
                initContainers: [{ name: "init", image: "alpine" }],
                ephemeralContainers: [{ name: "dbg", image: "busybox:latest" }],
            },
        });
        assert.deepStrictEqual(
            messages(engine.analyze(pod)).map((m) => m.split(":")[0]),
            ['container "init" of web runs alpine', 'container "dbg" of web runs busybox'],
        );
    });

    it("skips a container without an image, and waits for an unknown one (advisory)", () => {
        assert.deepStrictEqual(messages(engine.analyze(workload(types.deployment, [{ name: "app" }]))), []);
        const waiting = engine.analyze(workload(types.deployment, [{ name: "app", image: unknownValue }]));
        assertWaits(waiting);
    });

    it("reports the pinned verdicts it has and waits on an unknown container list", () => {
        const analysis = engine.analyze(
            workload(types.deployment, [{ name: "app", image: "alpine" }], {
                pod: { initContainers: unknownValue },
            }),
        );
        assert.deepStrictEqual(levels(analysis), ["mandatory", "advisory"]);
    });

    it("is not applicable to what is no workload", () =>
        assert.deepStrictEqual(notApplicable(engine.analyze(workload(types.configMap, []))).length, 1));
});
