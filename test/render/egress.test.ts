import * as assert from "assert";
import { egressSelectorDataKey } from "../../components/tunnel/konnectivity/egressSelector";
import { egressSelectorFiles } from "../../scripts/render/egress";
import { recorded, syntheticEgressSelector, syntheticStack } from "./synthetic";

describe("render: the egress selector file", () => {
    it("is the ConfigMap's egress-selector-configuration.yaml, byte for byte, with no problems when it loads", () => {
        const found = egressSelectorFiles(syntheticStack());
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].content, syntheticEgressSelector);
        assert.strictEqual(found[0].source.name, "dev-egress-selector");
        assert.deepStrictEqual(found[0].problems, []);
    });

    it("reports what kube-apiserver would refuse", () => {
        const broken = recorded("kubernetes:core/v1:ConfigMap", "broken", {
            wire: {
                metadata: { name: "broken" },
                data: { [egressSelectorDataKey]: syntheticEgressSelector.replace("GRPC", "gRPC") },
            },
        });
        const [file] = egressSelectorFiles([broken]);
        assert.strictEqual(file.problems.length, 1);
        assert.match(file.problems[0], /proxyProtocol: unsupported value "gRPC"/);
        const notYaml = recorded("kubernetes:core/v1:ConfigMap", "not-yaml", {
            wire: { metadata: { name: "x" }, data: { [egressSelectorDataKey]: "a: [" } },
        });
        assert.match(egressSelectorFiles([notYaml])[0].problems[0], /not valid YAML/);
    });

    it("finds none when no ConfigMap holds the key", () => {
        const other = syntheticStack().filter((r) => r.name !== "dev-egress-selector");
        assert.deepStrictEqual(egressSelectorFiles(other), []);
    });
});
