import * as assert from "assert";
import { parse } from "yaml";
import { wireSecret } from "../harness";
import { kubernetesKind, manifestOf, manifestYaml } from "../../scripts/render/manifests";
import { kubernetesTarget, providerRef } from "../../scripts/render/providers";
import { recorded, syntheticStack } from "./synthetic";

const find = (name: string) => syntheticStack().find((r) => r.name === name)!;

describe("render: Kubernetes manifests", () => {
    it("derives apiVersion and kind from the type token", () => {
        assert.deepStrictEqual(kubernetesKind("kubernetes:apps/v1:Deployment"), {
            apiVersion: "apps/v1",
            kind: "Deployment",
            patch: false,
        });
        assert.deepStrictEqual(kubernetesKind("kubernetes:core/v1:Secret"), {
            apiVersion: "v1",
            kind: "Secret",
            patch: false,
        });
        assert.deepStrictEqual(kubernetesKind("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"), {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            patch: false,
        });
        assert.deepStrictEqual(kubernetesKind("kubernetes:apps/v1:DeploymentPatch"), {
            apiVersion: "apps/v1",
            kind: "Deployment",
            patch: true,
        });
        for (const notAnObject of [
            "kubernetes:helm.sh/v3:Release",
            "kubernetes:core/v1:ConfigMapList",
            "kubernetes:yaml/v2:ConfigGroup",
            "kubernetes:kustomize/v2:Directory",
            "pulumi:providers:kubernetes",
            "openstack:networking/subnet:Subnet",
        ]) {
            assert.strictEqual(kubernetesKind(notAnObject), undefined, notAnObject);
        }
    });

    it("puts an object in the folder of its provider: <cluster>-seed, <cluster>-user-cluster, or the provider's name", () => {
        assert.strictEqual(manifestOf(find("dev-kube-apiserver"), "dev", false)?.target, "seed");
        assert.strictEqual(manifestOf(find("dev-konnectivity-agent"), "dev", false)?.target, "user-cluster");
        assert.strictEqual(
            kubernetesTarget(providerRef("urn:pulumi:dev::gks-cluster::pulumi:providers:kubernetes::other"), "dev"),
            "other",
        );
        assert.strictEqual(kubernetesTarget(providerRef("default:kubernetes"), "dev"), "default-provider");
        assert.strictEqual(
            kubernetesTarget(providerRef("urn:pulumi:dev::gks-cluster::pulumi:providers:kubernetes::prod-seed"), "dev"),
            "prod-seed",
        );
    });

    it("writes an applyable Deployment: apiVersion, kind, metadata first, spec as given, named <kind>-<namespace>-<name>.yaml", () => {
        const manifest = manifestOf(find("dev-kube-apiserver"), "dev", false)!;
        assert.strictEqual(manifest.file, "deployment-cluster-dev-kube-apiserver.yaml");
        const doc = parse(manifestYaml(manifest));
        assert.deepStrictEqual(Object.keys(doc).slice(0, 3), ["apiVersion", "kind", "metadata"]);
        assert.strictEqual(doc.apiVersion, "apps/v1");
        assert.strictEqual(doc.kind, "Deployment");
        assert.strictEqual(doc.metadata.name, "kube-apiserver");
        assert.strictEqual(doc.spec.replicas, 2);
        assert.deepStrictEqual(doc.spec.template.spec.containers[1].args, [
            "--uds-name=/run/konnectivity/konnectivity-server.socket",
            "--agent-port=8132",
            "--server-count=2",
        ]);
    });

    it("names a cluster-scoped object without namespace, and an autonamed one after its logical name", () => {
        assert.strictEqual(manifestOf(find("dev-namespace"), "dev", false)?.file, "namespace-cluster-dev.yaml");
        const account = manifestOf(find("dev-konnectivity-agent"), "dev", false);
        assert.strictEqual(account?.file, "deployment-kube-system-konnectivity-agent.yaml");
        const autonamed = manifestOf(
            syntheticStack().find((r) => r.type.endsWith("ServiceAccount"))!,
            "dev",
            false,
        )!;
        assert.ok(autonamed.autonamed);
        assert.strictEqual(autonamed.file, "serviceaccount-kube-system-dev-konnectivity-agent.yaml");
    });

    it("redacts a Secret's data to base64 of [secret], keeping the keys, and says so; shows them with --show-secrets", () => {
        const secret = find("dev-konnectivity-server-certs");
        const hidden = manifestOf(secret, "dev", false)!;
        const text = manifestYaml(hidden);
        assert.match(text, /^# Secret data redacted/);
        const doc = parse(text);
        assert.deepStrictEqual(doc.data, { "tls.crt": "W3NlY3JldF0=", "tls.key": "W3NlY3JldF0=" });
        assert.strictEqual(Buffer.from(doc.data["tls.key"], "base64").toString(), "[secret]");
        assert.doesNotMatch(text, /a2V5/);
        const shown = parse(manifestYaml(manifestOf(secret, "dev", true)!));
        assert.deepStrictEqual(shown.data, { "tls.crt": "Y2VydA==", "tls.key": "a2V5" });
    });

    it("redacts stringData and any value the program marked secret in other kinds", () => {
        const r = recorded("kubernetes:core/v1:Secret", "s", {
            wire: { metadata: { name: "s", namespace: "n" }, stringData: wireSecret({ token: "t0k3n" }) },
        });
        assert.deepStrictEqual(parse(manifestYaml(manifestOf(r, "dev", false)!)).stringData, { token: "[secret]" });
        const cm = recorded("kubernetes:core/v1:ConfigMap", "c", {
            wire: { metadata: { name: "c" }, data: { kubeconfig: wireSecret("secret text"), plain: "p" } },
        });
        assert.deepStrictEqual(parse(manifestYaml(manifestOf(cm, "dev", false)!)).data, {
            kubeconfig: "[secret]",
            plain: "p",
        });
    });

    it("makes no manifest for what is not a Kubernetes object", () => {
        for (const r of syntheticStack().filter((r) => !r.type.startsWith("kubernetes:"))) {
            assert.strictEqual(manifestOf(r, "dev", false), undefined, r.type);
        }
    });
});
