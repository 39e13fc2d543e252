import * as assert from "assert";
import { stringify } from "yaml";
import { EngineResource } from "../engine";
import { apiserver, configMapFiles, configMapVolume, mountAt, secretFiles, secretVolume } from "./apiserverFiles";
import { levels, messages, notApplicable, only, unknownValue, urns, workload, types } from "./fixtures";

/**
 * apiserver-encryption-at-rest: every kube-apiserver names, with --encryption-provider-config, a
 * mounted EncryptionConfiguration that kube-apiserver loads and that writes Secrets with
 * secretbox, aescbc or kms first.
 */
describe("apiserver-encryption-at-rest", () => {
    const engine = only("apiserver-encryption-at-rest");
    const path = "/etc/kubernetes/enc/config.yaml";
    const key32 = Buffer.alloc(32, 7).toString("base64");
    const providers = {
        secretbox: { secretbox: { keys: [{ name: "k1", secret: key32 }] } },
        aescbc: { aescbc: { keys: [{ name: "k1", secret: key32 }] } },
        aesgcm: { aesgcm: { keys: [{ name: "k1", secret: key32 }] } },
        kms: { kms: { apiVersion: "v2", name: "vault", endpoint: "unix:///kms.sock" } },
        identity: { identity: {} },
    };
    const config = (first: Record<string, unknown>, resources: unknown[] = ["secrets"]) =>
        stringify({
            apiVersion: "apiserver.config.k8s.io/v1",
            kind: "EncryptionConfiguration",
            resources: [{ resources, providers: [first, providers.identity] }],
        });
    /** kube-apiserver reading `text` from Secret enc (key config.yaml), mounted at /etc/kubernetes/enc. */
    const stack = (text: string): EngineResource[] => [
        apiserver([`--encryption-provider-config=${path}`], {
            volumeMounts: [mountAt("enc", "/etc/kubernetes/enc")],
            volumes: [secretVolume("enc", "enc")],
        }),
        secretFiles("enc", { "config.yaml": text }),
    ];
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const from = `container "kube-apiserver" of apiserver reads --encryption-provider-config=${path} from Secret enc (key config.yaml)`;

    const accepted = ["secretbox", "aescbc", "kms"] as const;
    for (const provider of accepted) {
        it(`passes secrets written with ${provider} first`, () =>
            assert.deepStrictEqual(check(stack(config(providers[provider]))), []));
    }
    for (const wildcard of ["*.", "*.*"]) {
        it(`passes secretbox for the wildcard ${wildcard}`, () =>
            assert.deepStrictEqual(check(stack(config(providers.secretbox, [wildcard]))), []));
    }

    const flagged: [string, string, string][] = [
        ["identity first", config(providers.identity), "writes secrets with identity first, in plain text"],
        [
            "aesgcm first",
            config(providers.aesgcm),
            "writes secrets with aesgcm first, whose random nonces need a key rotation every 200,000 writes (the CIS Benchmark accepts aescbc, kms or secretbox)",
        ],
        [
            "no entry for secrets",
            config(providers.secretbox, ["configmaps"]),
            "names no provider for secrets, so they are written in plain text",
        ],
    ];
    for (const [what, text, writes] of flagged) {
        it(`flags ${what}, on the Secret that holds the file`, () => {
            const resources = stack(text);
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), [`${from}, which ${writes}.`]);
            assert.deepStrictEqual(urns(analysis), [resources[1].urn]);
        });
    }

    it("flags a file kube-apiserver would refuse, with each of its problems, and nothing about its providers", () => {
        const text = stringify({
            apiVersion: "v1",
            kind: "Encryption",
            resources: [{ resources: ["secrets"], providers: [providers.identity] }],
        });
        assert.deepStrictEqual(check(stack(text)), [
            `${from}, which kube-apiserver would refuse:\n  - apiVersion: must be apiserver.config.k8s.io/v1 (got "v1")\n  - kind: must be EncryptionConfiguration (got "Encryption")`,
        ]);
        const broken = check(stack("kind: ["));
        assert.strictEqual(broken.length, 1);
        assert.ok(broken[0].startsWith(`${from}, which kube-apiserver would refuse:\n  - not valid YAML: `), broken[0]);
    });

    it("flags a kube-apiserver without the flag, on its workload", () => {
        const resources = [apiserver(["--secure-port=6443"])];
        const analysis = engine.analyzeStack(resources);
        assert.deepStrictEqual(messages(analysis), [
            'container "kube-apiserver" of apiserver has no --encryption-provider-config: Secrets (keys, tokens, credentials) are stored in etcd, its volumes and its backups in plain text.',
        ]);
        assert.deepStrictEqual(urns(analysis), [resources[0].urn]);
    });

    it("flags a file that does not exist (kube-apiserver exits at start)", () => {
        const [server] = stack(config(providers.secretbox));
        assert.deepStrictEqual(check([server, secretFiles("enc", { "other.yaml": "x" })]), [
            `container "kube-apiserver" of apiserver reads --encryption-provider-config=${path}, but Secret enc (key config.yaml) does not exist: it exits at start.`,
        ]);
    });

    it("reads the file from a ConfigMap too", () => {
        const resources = [
            apiserver([`--encryption-provider-config=${path}`], {
                volumeMounts: [mountAt("enc", "/etc/kubernetes/enc")],
                volumes: [configMapVolume("enc", "enc-cm")],
            }),
            configMapFiles("enc-cm", { "config.yaml": config(providers.identity) }),
        ];
        assert.match(
            check(resources)[0],
            /from ConfigMap enc-cm \(key config\.yaml\), which writes secrets with identity/,
        );
    });

    it("leaves a file it cannot read alone (a hostPath)", () => {
        const server = apiserver([`--encryption-provider-config=${path}`], {
            volumeMounts: [mountAt("enc", "/etc/kubernetes/enc")],
            volumes: [{ name: "enc", hostPath: { path: "/srv/enc" } }],
        });
        const analysis = engine.analyzeStack([server]);
        assert.deepStrictEqual(analysis.diagnostics, []);
        assert.deepStrictEqual(analysis.notApplicable, []);
    });

    it("checks every kube-apiserver, each on its own", () => {
        const good = stack(config(providers.secretbox));
        const bad = apiserver([], { name: "second" });
        const refused = stringify({ apiVersion: "v1", kind: "EncryptionConfiguration", resources: [] });
        assert.deepStrictEqual(
            check([apiserver([], { name: "first" }), ...stack(refused), bad, ...good.slice(1)]).map((m) =>
                m.split(" ").slice(0, 5).join(" "),
            ),
            [
                'container "kube-apiserver" of first has',
                'container "kube-apiserver" of apiserver reads',
                'container "kube-apiserver" of second has',
            ],
        );
    });

    it("waits for an unknown flag or file (advisory), after the verdicts it has", () => {
        const pending = engine.analyzeStack([
            apiserver([], { name: "first" }),
            apiserver([unknownValue], { name: "second" }),
        ]);
        assert.deepStrictEqual(levels(pending), ["mandatory", "advisory"]);
        assert.match(messages(pending)[1], /during preview/);
        const [server] = stack("");
        const unknownFile = engine.analyzeStack([server, secretFiles("enc", { "config.yaml": unknownValue })]);
        assert.deepStrictEqual(levels(unknownFile), ["advisory"]);
    });

    it("is not applicable to a stack without kube-apiserver", () => {
        const analysis = engine.analyzeStack([workload(types.deployment, [{ name: "web", image: "nginx:1.27" }])]);
        assert.deepStrictEqual(notApplicable(analysis), ["the stack runs no kube-apiserver"]);
        assert.deepStrictEqual(analysis.diagnostics, []);
    });
});
