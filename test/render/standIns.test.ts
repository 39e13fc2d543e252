import * as assert from "assert";
import { parse } from "yaml";
import { projectNamed, readStackConfig, standInFor, withConfig, withStandIns } from "../harness";
import { devObject } from "../fixtures";

const keys = (config: { values: Record<string, string> }) => Object.keys(config.values);

describe("offline stand-ins for secrets", () => {
    it("replaces exactly the secrets the dev stack needs (kubeconfig and both passwords), marked secret and labelled", () => {
        const { config, standIns } = withStandIns(readStackConfig("dev"));
        assert.deepStrictEqual(standIns, [
            { key: "gks-cluster:seedKubeconfig", reason: "missing" },
            { key: "gks-cluster:controlPlaneCredentialSecret", reason: "missing" },
            { key: "gks-cluster:workerCredentialSecret", reason: "missing" },
        ]);
        for (const { key } of standIns) {
            assert.ok(config.secretKeys.includes(key), key);
            assert.match(config.values[key], /offline-stand-in:/);
        }
        assert.strictEqual(
            config.values["gks-cluster:workerCredentialSecret"],
            "offline-stand-in:workerCredentialSecret",
        );
    });

    it("gives the seed a kubeconfig that parses as one and says it is a stand-in", () => {
        const kubeconfig = standInFor("seedKubeconfig");
        const doc = parse(kubeconfig);
        assert.strictEqual(doc.kind, "Config");
        assert.strictEqual(doc.apiVersion, "v1");
        assert.strictEqual(doc.contexts[0].name, doc["current-context"]);
        assert.match(doc.clusters[0].cluster.server, /^https:\/\/[^/]+\.invalid:6443$/);
        assert.match(kubeconfig, /^# offline-stand-in:seedKubeconfig/);
    });

    it("stands in every secret Pulumi.yaml declares, whatever the credentials (the CLI requires each)", () => {
        const worker = devObject<Record<string, unknown>>("workerTenant");
        const config = withConfig(readStackConfig("dev"), {
            workerTenant: { ...worker, credentials: { cloud: "openstack" } },
        });
        assert.deepStrictEqual(
            withStandIns(config).standIns.map((s) => s.key),
            [
                "gks-cluster:seedKubeconfig",
                "gks-cluster:controlPlaneCredentialSecret",
                "gks-cluster:workerCredentialSecret",
            ],
        );
    });

    it("stands in another project's secrets in its own namespace", () => {
        const { config, standIns } = withStandIns(readStackConfig("dev", projectNamed("gks-platform")!));
        assert.deepStrictEqual(standIns, [{ key: "gks-platform:controlPlaneCredentialSecret", reason: "missing" }]);
        assert.strictEqual(
            config.values["gks-platform:controlPlaneCredentialSecret"],
            "offline-stand-in:controlPlaneCredentialSecret",
        );
    });

    it("says a secret is held encrypted, and leaves a secret that is set alone", () => {
        const base = withConfig(readStackConfig("dev"), { controlPlaneCredentialSecret: "real-password" });
        const config = {
            ...base,
            encryptedKeys: ["gks-cluster:seedKubeconfig"],
            secretKeys: ["gks-cluster:seedKubeconfig"],
        };
        const result = withStandIns(config);
        assert.deepStrictEqual(result.standIns, [
            { key: "gks-cluster:seedKubeconfig", reason: "encrypted" },
            { key: "gks-cluster:workerCredentialSecret", reason: "missing" },
        ]);
        assert.strictEqual(result.config.values["gks-cluster:controlPlaneCredentialSecret"], "real-password");
        assert.ok(keys(result.config).includes("gks-cluster:seedKubeconfig"));
    });
});
