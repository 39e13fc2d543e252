import * as assert from "assert";
import { egressSelectorOutputFile, RenderedFile, renderFiles } from "../../scripts/render/files";
import { RecordedResource } from "../harness";
import { assertManifestsApplyable } from "./checks";
import { syntheticEgressSelector, syntheticPki, syntheticStack } from "./synthetic";

describe("render: the files of a render (synthetic stack)", () => {
    let resources: RecordedResource[];
    before(async () => {
        resources = [...syntheticStack(), ...(await syntheticPki())];
    });
    const content = (files: RenderedFile[], path: string) => files.find((f) => f.path === path)?.content;

    it("lists every resource in resources.json, in tree order, with ids other inputs refer to and secrets redacted", () => {
        const { files } = renderFiles(resources, { clusterName: "dev", showSecrets: false });
        const records = JSON.parse(content(files, "resources.json")!) as Record<string, unknown>[];
        assert.strictEqual(records.length, resources.length);
        assert.deepStrictEqual(Object.keys(records[0]), [
            "urn",
            "type",
            "name",
            "id",
            "parent",
            "provider",
            "inputs",
            "outputs",
        ]);
        const byName = (type: string, name: string) => records.find((r) => r.type === type && r.name === name)!;
        const link = byName("openstack:networking/routerInterface:RouterInterface", "dev-workers");
        const router = byName("openstack:networking/router:Router", "dev-workers");
        assert.strictEqual((link.inputs as Record<string, unknown>).routerId, router.id);
        assert.strictEqual(byName("gks:index:Cluster", "dev").id, null);
        const key = byName("tls:index/privateKey:PrivateKey", "dev-tunnel-ca-key");
        assert.strictEqual((key.outputs as Record<string, unknown>).privateKeyPem, "[secret]");
        assert.doesNotMatch(content(files, "resources.json")!, /PRIVATE KEY/);
    });

    it("writes the manifests per cluster, the egress selector file and no PKI without --show-secrets", () => {
        const rendering = renderFiles(resources, { clusterName: "dev", showSecrets: false });
        const paths = rendering.files.map((f) => f.path);
        assert.deepStrictEqual(paths, [
            "resources.json",
            "seed/configmap-cluster-dev-egress-selector.yaml",
            "seed/deployment-cluster-dev-kube-apiserver.yaml",
            "seed/namespace-cluster-dev.yaml",
            "seed/secret-cluster-dev-konnectivity-server-certs.yaml",
            "seed/service-cluster-dev-kube-apiserver.yaml",
            "user-cluster/deployment-kube-system-konnectivity-agent.yaml",
            "user-cluster/serviceaccount-kube-system-dev-konnectivity-agent.yaml",
            egressSelectorOutputFile,
        ]);
        assert.strictEqual(assertManifestsApplyable(rendering.files), 7);
        assert.strictEqual(content(rendering.files, egressSelectorOutputFile), syntheticEgressSelector);
        assert.ok(rendering.hasTls);
        assert.deepStrictEqual(rendering.pki, []);
    });

    it("adds pki/ with --show-secrets", () => {
        const { files } = renderFiles(resources, { clusterName: "dev", showSecrets: true });
        assert.deepStrictEqual(
            files.filter((f) => f.path.startsWith("pki/")).map((f) => f.path),
            [
                "pki/dev-tunnel-ca.crt",
                "pki/dev-tunnel-ca.key",
                "pki/dev-tunnel-server.crt",
                "pki/dev-tunnel-server.key",
                "pki/dev-spare.key",
                "pki/ca-bundle.crt",
            ],
        );
        assert.match(content(files, "resources.json")!, /PRIVATE KEY/);
    });
});
