import * as assert from "assert";
import { parse } from "yaml";
import { readStackConfig, standInFor, withConfig, withStandIns } from "../harness";
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

    it("needs no tenant secret for clouds.yaml sign-in, and one for an application credential", () => {
        const worker = devObject<Record<string, unknown>>("workerTenant");
        const controlPlane = devObject<Record<string, unknown>>("controlPlaneTenant");
        const config = withConfig(readStackConfig("dev"), {
            workerTenant: { ...worker, credentials: { cloud: "openstack" } },
            controlPlaneTenant: {
                ...controlPlane,
                project: { id: "p-1" },
                credentials: { authUrl: "https://keystone.example.com:5000/v3", applicationCredentialId: "ac-1" },
            },
        });
        const { standIns } = withStandIns(config);
        assert.deepStrictEqual(
            standIns.map((s) => s.key),
            ["gks-cluster:seedKubeconfig", "gks-cluster:controlPlaneCredentialSecret"],
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

    it("does not trip over a tenant value that is not an object (validation reports it later)", () => {
        const config = withConfig(readStackConfig("dev"), { workerTenant: "oops" });
        const { standIns } = withStandIns({
            ...config,
            values: { ...config.values, "gks-cluster:workerTenant": "oops" },
        });
        assert.deepStrictEqual(
            standIns.map((s) => s.key),
            ["gks-cluster:seedKubeconfig", "gks-cluster:controlPlaneCredentialSecret"],
        );
    });
});
