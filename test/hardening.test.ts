import * as assert from "assert";
import { parse } from "yaml";
import { encryptionKeyProblems, parseRunningState, runningStateOutput } from "../components/config";
import {
    auditLevel,
    auditPolicy,
    auditPolicyProblems,
    AuditRequest,
    auditPolicyYaml,
} from "../components/controlplane/auditPolicy";
import {
    encryptionConfiguration,
    encryptionConfigurationYaml,
    unencryptedResources,
    validateEncryptionConfiguration,
} from "../components/controlplane/encryption";
import { etcdBackendQuotaBytes, etcdMaxQuotaBytes } from "../components/controlplane/etcdStatefulSet";
import { criticalPodsQuota } from "../components/controlplane/priority";
import { versionPins } from "../components/config";
import { devConfig, devRun } from "./fixtures";
import {
    at,
    containerOf,
    flagOf,
    isSecretAt,
    isSecretOutputAt,
    mountedFile,
    one,
    ofType,
    ProgramRun,
    runProgram,
} from "./harness";

const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    quota: "kubernetes:core/v1:ResourceQuota",
    randomBytes: "random:index/randomBytes:RandomBytes",
};
const key = (fill: number, bytes = 32) => Buffer.alloc(bytes, fill).toString("base64");
const layout = { clusterName: "dev", namespace: "cluster-dev", versions: versionPins("1.36") };

/** The file a flag names, read from the Secret or ConfigMap the pod mounts at its directory. */
function mountedFileOf(run: ProgramRun, workload: string, container: string, flag: string): string {
    const w = one(run.resources, T.deployment, workload);
    const c = containerOf(w, container);
    return mountedFile(run.resources, w, c, flagOf(c, flag)!);
}

describe("encryption at rest", () => {
    describe("the EncryptionConfiguration (pure)", () => {
        const config = encryptionConfiguration([
            { name: "key2", secret: key(2) },
            { name: "key1", secret: key(1) },
        ]);

        it("encrypts Secrets with secretbox under the first key, reads every key, and plain data last", () => {
            assert.deepStrictEqual(validateEncryptionConfiguration(config), []);
            assert.deepStrictEqual(config.resources[0].resources, ["secrets"]);
            assert.deepStrictEqual(
                config.resources[0].providers.map((p) => Object.keys(p)[0]),
                ["secretbox", "identity"],
            );
            const yaml = encryptionConfigurationYaml(config);
            // kube-bench cis-1.12 1.2.28 reads the line after the first "providers:".
            const lines = yaml.split("\n");
            const next = lines[lines.findIndex((l) => l.trim() === "providers:") + 1];
            assert.deepStrictEqual(next.match(/[A-Za-z]+/g), ["secretbox"]);
            assert.deepStrictEqual(
                parse(yaml).resources[0].providers[0].secretbox.keys.map((k: { name: string }) => k.name),
                ["key2", "key1"],
            );
        });

        const broken: [string, unknown, RegExp][] = [
            [
                "a 16-byte secretbox key",
                encryptionConfiguration([{ name: "k", secret: key(1, 16) }]),
                /got 16, expected one of \[32\]/,
            ],
            ["a key that is no base64", encryptionConfiguration([{ name: "k", secret: "not base64!" }]), /base64/],
            [
                "a key without a name",
                encryptionConfiguration([{ name: "", secret: key(1) }]),
                /name is a mandatory field/,
            ],
            [
                "one name twice",
                encryptionConfiguration([
                    { name: "k", secret: key(1) },
                    { name: "k", secret: key(2) },
                ]),
                /listed twice/,
            ],
            ["no keys", encryptionConfiguration([]), /at least one keys/],
            [
                "two providers in one element",
                {
                    ...config,
                    resources: [{ resources: ["secrets"], providers: [{ identity: {}, secretbox: { keys: [] } }] }],
                },
                /more than one provider/,
            ],
            ["the wrong kind", { ...config, kind: "EncryptionConfig" }, /kind: must be EncryptionConfiguration/],
        ];
        for (const [what, bad, message] of broken) {
            it(`refuses ${what}, as kube-apiserver would, without printing key material`, () => {
                const problems = validateEncryptionConfiguration(bad);
                assert.ok(
                    problems.some((p) => message.test(p)),
                    problems.join("\n"),
                );
                assert.ok(!problems.join("").includes(key(1)));
            });
        }

        it("calls Secrets written by identity first, or by no entry, unencrypted", () => {
            assert.deepStrictEqual(unencryptedResources(config), []);
            const plainFirst = {
                ...config,
                resources: [
                    { ...config.resources[0], providers: [{ identity: {} }, config.resources[0].providers[0]] },
                ],
            };
            assert.match(unencryptedResources(plainFirst).join(), /secrets: written by identity/);
            const other = { ...config, resources: [{ ...config.resources[0], resources: ["configmaps"] }] };
            assert.match(unencryptedResources(other).join(), /no entry names it/);
            const everything = { ...config, resources: [{ ...config.resources[0], resources: ["*.*"] }] };
            assert.deepStrictEqual(unencryptedResources(everything), []);
            assert.throws(() => encryptionConfigurationYaml(plainFirst as typeof config), /written by identity/);
        });
    });

    describe("key rotation against the running apiservers' keys", () => {
        const cases: [string[] | undefined, string[], "safe" | RegExp[]][] = [
            [undefined, ["key1"], "safe"],
            [["key1"], ["key1"], "safe"],
            [["key1"], ["key1", "key2"], "safe"],
            [["key1", "key2"], ["key2", "key1"], "safe"],
            [["key2", "key1"], ["key2"], "safe"],
            [
                ["key1"],
                ["key2", "key1"],
                [/key2 cannot encrypt before every apiserver can decrypt with it.*\["key1","key2"\]/],
            ],
            [["key1", "key2"], ["key2"], [/dropping key1 would leave the Secrets it encrypted unreadable/]],
            [["key1"], ["key2"], [/dropping key1/, /key2 cannot encrypt/]],
        ];
        for (const [running, configured, verdict] of cases) {
            it(`${JSON.stringify(running)} -> ${JSON.stringify(configured)}: ${verdict === "safe" ? "safe" : "refused"}`, () => {
                const problems = encryptionKeyProblems(configured, running);
                if (verdict === "safe") {
                    assert.deepStrictEqual(problems, []);
                    return;
                }
                assert.strictEqual(problems.length, verdict.length);
                problems.forEach((p, i) => {
                    assert.strictEqual(p.key, "gks-cluster:encryptionKeys");
                    assert.match(p.message, verdict[i]);
                });
            });
        }

        it("reads the keys from the record, and refuses a record with a malformed key list", () => {
            assert.deepStrictEqual(
                parseRunningState({
                    kubernetesVersion: "1.36",
                    tunnelMode: "konnectivity",
                    encryptionKeys: ["k2", "k1"],
                })?.encryptionKeys,
                ["k2", "k1"],
            );
            for (const bad of [[], "key1", [1]]) {
                assert.throws(
                    () =>
                        parseRunningState({
                            kubernetesVersion: "1.36",
                            tunnelMode: "konnectivity",
                            encryptionKeys: bad,
                        }),
                    /clusterState\.encryptionKeys/,
                );
            }
        });

        it("stops a run that drops the encrypting key before any resource but the reads of stacks", async () => {
            const run = await runProgram(devConfig({ encryptionKeys: ["key2"] }), {
                lastOutputs: {
                    [runningStateOutput]: {
                        kubernetesVersion: "1.36",
                        tunnelMode: "konnectivity",
                        encryptionKeys: ["key1"],
                    },
                },
            });
            assert.strictEqual(run.error?.name, "ConfigError");
            assert.match(
                run.error.message,
                /gks-cluster:encryptionKeys = \["key2"\]: the running apiservers encrypt with key1/,
            );
            assert.deepStrictEqual(run.resources.map((r) => `${r.type} ${r.name}`).sort(), [
                "pulumi:pulumi:Stack gks-cluster-dev",
                "pulumi:pulumi:StackReference dev-last-update",
                "pulumi:pulumi:StackReference dev-platform",
            ]);
        });
    });

    describe("in the dev stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await devRun();
        });

        it("mounts the configuration into kube-apiserver from a Secret, built from a random 32-byte key kept secret", () => {
            const yaml = mountedFileOf(run, "dev-apiserver", "kube-apiserver", "encryption-provider-config");
            const config = parse(yaml);
            assert.deepStrictEqual(validateEncryptionConfiguration(config), []);
            assert.deepStrictEqual(unencryptedResources(config), []);
            const [k] = config.resources[0].providers[0].secretbox.keys;
            assert.strictEqual(k.name, "key1");
            const bytes = one(run.resources, T.randomBytes, "dev-encryption-key1");
            assert.strictEqual(bytes.inputs.length, 32);
            assert.strictEqual(k.secret, bytes.outputs.base64);
            assert.ok(isSecretOutputAt(bytes, "base64"));
            const secret = ofType(run.resources, T.secret).find(
                (s) => at(s.inputs, "metadata.name") === "encryption-configuration",
            )!;
            assert.ok(isSecretAt(secret, "stringData"));
        });

        it("records the apiservers' key names in clusterState, for the next rotation check", () => {
            assert.deepStrictEqual((run.outputs[runningStateOutput] as Record<string, unknown>).encryptionKeys, [
                "key1",
            ]);
        });
    });
});

describe("audit logging", () => {
    const policy = auditPolicy();
    const request = (
        verb: string,
        group: string,
        resource: string,
        extra: Partial<AuditRequest> = {},
    ): AuditRequest => ({
        user: "alice",
        groups: ["system:authenticated"],
        verb,
        resource: { group, resource, namespace: "team-a", name: "x" },
        ...extra,
    });

    const levels: [string, AuditRequest, string][] = [
        ["a Secret read", request("get", "", "secrets"), "Metadata"],
        ["a Secret write", request("update", "", "secrets"), "Metadata"],
        ["a ConfigMap write", request("create", "", "configmaps"), "Metadata"],
        [
            "a token request",
            request("create", "", "serviceaccounts", {
                resource: { group: "", resource: "serviceaccounts", subresource: "token" },
            }),
            "Metadata",
        ],
        ["a pod created", request("create", "", "pods"), "Metadata"],
        [
            "an exec",
            request("create", "", "pods", { resource: { group: "", resource: "pods", subresource: "exec" } }),
            "Metadata",
        ],
        ["a custom resource", request("delete", "example.com", "widgets"), "Metadata"],
        ["a RoleBinding created", request("create", "rbac.authorization.k8s.io", "rolebindings"), "Request"],
        [
            "a webhook configuration patched",
            request("patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
            "Request",
        ],
        ["a RoleBinding read", request("get", "rbac.authorization.k8s.io", "rolebindings"), "Metadata"],
        ["a health probe", { user: "system:anonymous", verb: "get", path: "/readyz" }, "None"],
        [
            "kube-proxy's watch",
            request("watch", "discovery.k8s.io", "endpointslices", { user: "system:kube-proxy" }),
            "None",
        ],
        [
            "a kubelet's lease heartbeat",
            request("update", "coordination.k8s.io", "leases", {
                user: "system:node:n1",
                groups: ["system:nodes"],
                resource: { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" },
            }),
            "None",
        ],
        [
            "a konnectivity-server's lease renewal",
            request("update", "coordination.k8s.io", "leases", {
                user: "system:konnectivity-server",
                resource: { group: "coordination.k8s.io", resource: "leases", namespace: "kube-system" },
            }),
            "None",
        ],
        [
            "someone else's lease in kube-system",
            request("update", "coordination.k8s.io", "leases", {
                resource: { group: "coordination.k8s.io", resource: "leases", namespace: "kube-system" },
            }),
            "Metadata",
        ],
        ["an event", request("create", "events.k8s.io", "events"), "None"],
        ["a metrics scrape", { user: "prometheus", verb: "get", path: "/metrics" }, "Metadata"],
    ];
    for (const [what, r, level] of levels) {
        it(`logs ${what} at ${level}`, () => assert.strictEqual(auditLevel(policy, r), level));
    }

    it("passes its own checks: no Secret body at any level, Metadata for what no rule names", () => {
        assert.deepStrictEqual(auditPolicyProblems(policy), []);
        assert.strictEqual(parse(auditPolicyYaml(policy)).rules.at(-1).level, "Metadata");
    });

    const unfit: [string, unknown, RegExp][] = [
        [
            "bodies for everything",
            { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [{ level: "RequestResponse" }] },
            /rules\[0\] logs RequestResponse .* of Secrets/,
        ],
        [
            "bodies for one named Secret (KKP's usersshkeys rule)",
            {
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                rules: [
                    {
                        level: "RequestResponse",
                        verbs: ["update"],
                        resources: [{ group: "", resources: ["secrets"], resourceNames: ["usersshkeys"] }],
                    },
                    { level: "Metadata" },
                ],
            },
            /rules\[0\] logs RequestResponse \(bodies\) for update of Secrets/,
        ],
        [
            "bodies for one user's requests",
            {
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                rules: [{ level: "Request", users: ["bob"] }, { level: "Metadata" }],
            },
            /rules\[0\] logs Request/,
        ],
        [
            "a wildcard group",
            {
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                rules: [{ level: "Request", resources: [{ group: "*" }] }, { level: "Metadata" }],
            },
            /rules\[0\] logs Request/,
        ],
        [
            "no catch-all",
            {
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                rules: [{ level: "Metadata", resources: [{ group: "" }] }],
            },
            /catch-all rule at Metadata/,
        ],
        ["no rules", { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [] }, /no rules/],
    ];
    for (const [what, p, message] of unfit) {
        it(`finds a policy with ${what} unfit`, () => assert.match(auditPolicyProblems(p).join("\n"), message));
    }

    it("accepts bodies for everything once an earlier rule keeps Secrets at Metadata", () => {
        assert.deepStrictEqual(
            auditPolicyProblems({
                apiVersion: "audit.k8s.io/v1",
                kind: "Policy",
                rules: [
                    { level: "Metadata", resources: [{ group: "", resources: ["secrets"] }] },
                    { level: "RequestResponse" },
                ],
            }),
            [],
        );
    });

    it("in the dev stack: the mounted policy, and the log on stdout (no file on the pod's disk)", async () => {
        const run = await devRun();
        const yaml = mountedFileOf(run, "dev-apiserver", "kube-apiserver", "audit-policy-file");
        assert.deepStrictEqual(parse(yaml), policy);
        const apiserver = containerOf(one(run.resources, T.deployment, "dev-apiserver"), "kube-apiserver");
        assert.strictEqual(flagOf(apiserver, "audit-log-path"), "-");
        assert.strictEqual(flagOf(apiserver, "audit-log-format"), "json");
        const volumes = at(
            one(run.resources, T.deployment, "dev-apiserver").inputs,
            "spec.template.spec.volumes",
        ) as Record<string, unknown>[];
        assert.ok(!volumes.some((v) => v.hostPath), "no host path");
    });
});

describe("etcd hardening", () => {
    it("sizes the backend quota to the volume: half of what 1Gi for WAL and snapshots leaves, at most 8Gi", () => {
        const GiB = 2 ** 30;
        const MiB = 2 ** 20;
        assert.strictEqual(etcdBackendQuotaBytes("2Gi"), 512 * MiB);
        assert.strictEqual(etcdBackendQuotaBytes("10Gi"), 4.5 * GiB);
        assert.strictEqual(etcdBackendQuotaBytes("5000Mi"), Math.floor((5000 * MiB - GiB) / 2 / MiB) * MiB);
        assert.strictEqual(etcdBackendQuotaBytes("17Gi"), 8 * GiB);
        assert.strictEqual(etcdBackendQuotaBytes("1Ti"), etcdMaxQuotaBytes);
        assert.throws(() => etcdBackendQuotaBytes("1Gi"), /below 512Mi/);
        // Room for a defragmentation's copy: twice the quota plus the WAL headroom fits the volume.
        for (const size of ["2Gi", "10Gi", "100Gi"]) {
            const bytes = Number(size.slice(0, -2)) * GiB;
            assert.ok(2 * etcdBackendQuotaBytes(size) + GiB <= bytes, size);
        }
    });

    it("runs initial, per-compaction and periodic corruption checks with the flags etcd 3.6 and 3.7 both take", async () => {
        const run = await devRun();
        const etcd = containerOf(one(run.resources, T.statefulSet, "dev-etcd"), "etcd");
        assert.strictEqual(flagOf(etcd, "feature-gates"), "InitialCorruptCheck=true,CompactHashCheck=true");
        assert.strictEqual(flagOf(etcd, "corrupt-check-time"), "240m");
        assert.strictEqual(flagOf(etcd, "quota-backend-bytes"), String(4.5 * 2 ** 30));
        // Deprecated in 3.6 and removed in 3.7; with the feature gates they would even conflict in 3.6.
        assert.ok(!etcd.args.some((a) => a.startsWith("--experimental-")), etcd.args.join(" "));
        // Compaction is kube-apiserver's: etcd's own stays off.
        assert.ok(!etcd.args.some((a) => a.startsWith("--auto-compaction")));
        const apiserver = containerOf(one(run.resources, T.deployment, "dev-apiserver"), "kube-apiserver");
        assert.strictEqual(flagOf(apiserver, "etcd-compaction-interval"), "5m");
    });
});

describe("priority of the control-plane pods", () => {
    it("admits a system class through a quota that covers it, and leaves other classes to the seed", () => {
        const quota = criticalPodsQuota(layout, "system-cluster-critical", 12)!;
        assert.deepStrictEqual(at(quota, "spec.scopeSelector.matchExpressions"), [
            { scopeName: "PriorityClass", operator: "In", values: ["system-cluster-critical"] },
        ]);
        assert.strictEqual(at(quota, "spec.hard.pods"), "12");
        assert.strictEqual(criticalPodsQuota(layout, "gks-control-plane", 12), undefined);
    });

    it("in the dev stack: every control-plane pod at system-cluster-critical, admitted before it is created", async () => {
        const run = await devRun();
        const quota = one(run.resources, T.quota, "dev-critical-pods");
        const workloads = [...ofType(run.resources, T.statefulSet), ...ofType(run.resources, T.deployment)].filter(
            (w) => at(w.inputs, "metadata.namespace") === "cluster-dev",
        );
        assert.strictEqual(workloads.length, 4);
        let pods = 0;
        for (const w of workloads) {
            assert.strictEqual(at(w.inputs, "spec.template.spec.priorityClassName"), "system-cluster-critical", w.name);
            assert.ok(w.dependencies?.includes(quota.urn), `${w.name} waits for the quota`);
            pods += Number(at(w.inputs, "spec.replicas")) + (w.type === T.deployment ? 1 : 0);
        }
        assert.ok(Number(at(quota.inputs, "spec.hard.pods")) >= 2 * pods, "room for surges and terminating pods");
    });
});
