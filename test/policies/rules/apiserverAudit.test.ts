import * as assert from "assert";
import fc from "fast-check";
import { quantityBytes } from "../../../policies/rules/apiserverAudit";
import { EngineResource } from "../engine";
import { apiserver, ApiserverOptions, configMapFiles, configMapVolume, mountAt } from "./apiserverFiles";
import { assertWaits, levels, messages, notApplicable, only, types, unknownValue, urns, workload } from "./fixtures";

/**
 * apiserver-audit-log: every kube-apiserver has an audit backend, a log file that rotates within
 * its disk, and a mounted audit policy that logs every request at Metadata and no Secret's body.
 */
describe("apiserver-audit-log", () => {
    const engine = only("apiserver-audit-log");
    const policyPath = "/etc/kubernetes/audit/policy.yaml";
    const metadataPolicy = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n";
    const who = 'container "kube-apiserver" of apiserver';
    const policyFlag = `--audit-policy-file=${policyPath}`;
    /** kube-apiserver with these args, its audit policy from ConfigMap audit (key policy.yaml). */
    const stack = (
        args: readonly unknown[],
        options: ApiserverOptions = {},
        policy: unknown = metadataPolicy,
    ): EngineResource[] => [
        apiserver([policyFlag, ...args], {
            ...options,
            volumeMounts: [mountAt("audit", "/etc/kubernetes/audit"), ...(options.volumeMounts ?? [])],
            volumes: [configMapVolume("audit", "audit"), ...((options.volumes as unknown[] | undefined) ?? [])],
        }),
        configMapFiles("audit", { "policy.yaml": policy as string }),
    ];
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));

    describe("the backend", () => {
        const passing: [string, string[]][] = [
            ["a log to stdout", ["--audit-log-path=-"]],
            ["a webhook", ["--audit-webhook-config-file=/etc/kubernetes/audit/webhook.yaml"]],
            ["a webhook beside stdout", ["--audit-log-path=-", "--audit-webhook-config-file=/w.yaml"]],
            [
                "a rotated log file",
                ["--audit-log-path=/var/log/audit.log", "--audit-log-maxsize=100", "--audit-log-maxbackup=10"],
            ],
        ];
        for (const [what, args] of passing) it(`passes ${what}`, () => assert.deepStrictEqual(check(stack(args)), []));

        const noBackend = `${who} has no audit backend (--audit-log-path or --audit-webhook-config-file): no request is recorded, whatever the policy.`;
        for (const args of [[], ["--audit-log-path="]]) {
            it(`flags no backend (${JSON.stringify(args)}), on the workload`, () => {
                const resources = stack(args);
                const analysis = engine.analyzeStack(resources);
                assert.deepStrictEqual(messages(analysis), [noBackend]);
                assert.deepStrictEqual(urns(analysis), [resources[0].urn]);
            });
        }

        const unrotated = (missing: string) =>
            `${who} writes the audit log to the file /var/log/audit.log without ${missing} > 0: the files grow until the disk is full. Set both (e.g. 100 and 10), or log to stdout (--audit-log-path=-).`;
        const rotation: [string[], string][] = [
            [[], "--audit-log-maxsize"],
            [["--audit-log-maxbackup=10"], "--audit-log-maxsize"],
            [["--audit-log-maxsize=0", "--audit-log-maxbackup=10"], "--audit-log-maxsize"],
            [["--audit-log-maxsize=100M", "--audit-log-maxbackup=10"], "--audit-log-maxsize"],
            [["--audit-log-maxsize=100"], "--audit-log-maxbackup"],
            [["--audit-log-maxsize=100", "--audit-log-maxbackup=0"], "--audit-log-maxbackup"],
        ];
        for (const [args, missing] of rotation) {
            it(`flags a log file with ${JSON.stringify(args)}: no ${missing}`, () => {
                const resources = stack(["--audit-log-path=/var/log/audit.log", ...args]);
                const analysis = engine.analyzeStack(resources);
                assert.deepStrictEqual(messages(analysis), [unrotated(missing)]);
                assert.deepStrictEqual(urns(analysis), [resources[0].urn]);
            });
        }

        it("checks a log file beside a webhook, even one not known yet", () => {
            const file = ["--audit-log-path=/var/log/audit.log", "--audit-webhook-config-file=/w.yaml"];
            assert.deepStrictEqual(check(stack(file)), [unrotated("--audit-log-maxsize")]);
            const rotation = ["--audit-log-maxsize=0", "--audit-log-maxbackup=1"];
            const unknownWebhook = engine.analyzeStack(
                stack(["--audit-log-path=/var/log/audit.log", ...rotation, unknownValue]),
            );
            assert.deepStrictEqual(levels(unknownWebhook), ["mandatory"]);
            assert.deepStrictEqual(messages(unknownWebhook), [unrotated("--audit-log-maxsize")]);
        });

        const pending: [string, unknown[]][] = [
            ["the log path", [unknownValue]],
            [
                "the log path, with its rotation known",
                ["--audit-log-maxsize=1", "--audit-log-maxbackup=1", unknownValue],
            ],
            ["a webhook, without a log path", ["--audit-log-path=", unknownValue]],
            ["the size", ["--audit-log-path=/a.log", "--audit-log-maxbackup=1", unknownValue]],
            ["the backups", ["--audit-log-path=/a.log", "--audit-log-maxsize=1", unknownValue]],
        ];
        for (const [what, args] of pending) {
            it(`waits for ${what} (advisory)`, () => {
                const analysis = engine.analyzeStack(stack(args));
                assertWaits(analysis);
            });
        }
        it("does not wait on unknown words when stdout is the log", () =>
            assert.deepStrictEqual(engine.analyzeStack(stack(["--audit-log-path=-", unknownValue])).diagnostics, []));
    });

    describe("the log file on an emptyDir with a sizeLimit", () => {
        /** 100MB x (backups + 1) files in /var/log/kube/audit.log on these volumes. */
        const onDisk = (backups: number, mounts: Record<string, unknown>[], volumes: unknown) =>
            check(
                stack(
                    [
                        "--audit-log-path=/var/log/kube/audit.log",
                        "--audit-log-maxsize=100",
                        `--audit-log-maxbackup=${backups}`,
                    ],
                    { volumeMounts: mounts, volumes },
                ),
            );
        const logs = (sizeLimit: unknown) => ({ name: "logs", emptyDir: { sizeLimit } });
        const over = (files: number, limit: string) =>
            `${who} keeps up to ${files} audit log files of 100MB in /var/log/kube/audit.log, more than its emptyDir's sizeLimit ${limit}: the kubelet evicts the pod when they fill it. Lower the rotation or raise the limit.`;

        const table: [string, number, string, string[]][] = [
            ["exactly the limit", 9, "1000Mi", []],
            ["a MiB over", 9, "999Mi", [over(10, "999Mi")]],
            ["decimal units", 9, "1G", [over(10, "1G")]],
            ["within a Gi", 9, "1Gi", []],
        ];
        for (const [what, backups, limit, expected] of table) {
            it(`${expected.length ? "flags" : "passes"} ${what}: ${backups + 1} x 100MB in ${limit}`, () =>
                assert.deepStrictEqual(onDisk(backups, [mountAt("logs", "/var/log/kube")], [logs(limit)]), expected));
        }

        it("uses the longest mount that holds the file, whatever the order", () => {
            const outer = { name: "outer", emptyDir: { sizeLimit: "100Gi" } };
            const mounts = [mountAt("outer", "/var/log"), mountAt("logs", "/var/log/kube/")];
            assert.deepStrictEqual(onDisk(9, mounts, [outer, logs("1Mi")]), [over(10, "1Mi")]);
            assert.deepStrictEqual(onDisk(9, [...mounts].reverse(), [outer, logs("1Mi")]), [over(10, "1Mi")]);
            const small = { name: "outer", emptyDir: { sizeLimit: "1Mi" } };
            assert.deepStrictEqual(onDisk(9, mounts, [small, logs("100Gi")]), []);
        });

        const unbounded: [string, Record<string, unknown>[], unknown[]][] = [
            ["no sizeLimit", [mountAt("logs", "/var/log/kube")], [{ name: "logs", emptyDir: {} }]],
            ["a sizeLimit that is no quantity", [mountAt("logs", "/var/log/kube")], [logs("lots")]],
            ["a hostPath", [mountAt("logs", "/var/log/kube")], [{ name: "logs", hostPath: { path: "/l" } }]],
            ["a mount beside the file's directory", [mountAt("logs", "/var/log/ku")], [logs("1Mi")]],
            ["a mount without a path", [{ name: "logs" }], [logs("1Mi")]],
            ["no mount", [], [logs("1Mi")]],
        ];
        for (const [what, mounts, volumes] of unbounded) {
            it(`passes ${what}`, () => assert.deepStrictEqual(onDisk(9, mounts, volumes), []));
        }

        it("waits for a mount not known yet that may hold the log file", () => {
            const args = [
                policyFlag,
                "--audit-log-path=/var/log/kube/audit.log",
                "--audit-log-maxsize=100",
                "--audit-log-maxbackup=9",
            ];
            const server = apiserver(args, {
                volumeMounts: [
                    { name: "audit", mountPath: policyPath, subPath: "policy.yaml" },
                    { name: "logs", mountPath: unknownValue },
                ],
                volumes: [configMapVolume("audit", "audit")],
            });
            const analysis = engine.analyzeStack([server, configMapFiles("audit", { "policy.yaml": metadataPolicy })]);
            assert.deepStrictEqual(levels(analysis), ["advisory"]);
        });

        it("waits for unknown mounts or volumes (advisory)", () => {
            const args = [
                "--audit-log-path=/var/log/kube/audit.log",
                "--audit-log-maxsize=100",
                "--audit-log-maxbackup=9",
            ];
            for (const field of ["volumeMounts", "volumes"]) {
                const resources = stack(args);
                const pod = (resources[0].props.spec as { template: { spec: Record<string, unknown> } }).template.spec;
                const container = (pod.containers as Record<string, unknown>[])[0];
                (field === "volumes" ? pod : container)[field] = unknownValue;
                assert.deepStrictEqual(levels(engine.analyzeStack(resources)), ["advisory"], field);
            }
        });
    });

    describe("the policy file", () => {
        it("flags a kube-apiserver without --audit-policy-file, on its workload", () => {
            const resources = [apiserver(["--audit-log-path=-"])];
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), [
                `${who} has no --audit-policy-file: kube-apiserver records no audit events at all.`,
            ]);
            assert.deepStrictEqual(urns(analysis), [resources[0].urn]);
        });

        it("flags a policy that falls short, with every problem, on the ConfigMap", () => {
            const bodies = [
                "apiVersion: audit.k8s.io/v1",
                "kind: Policy",
                "rules:",
                "  - level: RequestResponse",
                "    resources: [{group: '', resources: [secrets]}]",
                "  - level: Metadata",
                "    resources: [{group: apps}]",
            ].join("\n");
            const resources = stack(["--audit-log-path=-"], {}, bodies);
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), [
                `${who} reads --audit-policy-file=${policyPath} from ConfigMap audit (key policy.yaml), which falls short:\n` +
                    "  - rules[0] logs RequestResponse (bodies) for get of Secrets\n" +
                    "  - logs nothing for requests its rules do not name: end with a catch-all rule at Metadata",
            ]);
            assert.deepStrictEqual(urns(analysis), [resources[1].urn]);
        });

        it("flags a policy that is no YAML, and one that is no audit Policy", () => {
            const broken = check(stack(["--audit-log-path=-"], {}, "rules: ["));
            assert.strictEqual(broken.length, 1);
            assert.ok(broken[0].includes("(key policy.yaml), which falls short:\n  - not valid YAML: "), broken[0]);
            assert.deepStrictEqual(check(stack(["--audit-log-path=-"], {}, "kind: Policy\n")), [
                `${who} reads --audit-policy-file=${policyPath} from ConfigMap audit (key policy.yaml), which falls short:\n  - must be an audit.k8s.io/v1 Policy`,
            ]);
        });

        it("checks the policy and the backend of every kube-apiserver", () => {
            const second = stack([], { name: "second" }, "kind: Policy\n");
            const lines = check([...stack([]), second[0]]).map((m) => m.split(":")[0]);
            assert.deepStrictEqual(lines, [
                `${who} has no audit backend (--audit-log-path or --audit-webhook-config-file)`,
                'container "kube-apiserver" of second has no audit backend (--audit-log-path or --audit-webhook-config-file)',
            ]);
        });

        it("waits for an unknown policy file (advisory)", () =>
            assert.deepStrictEqual(levels(engine.analyzeStack(stack(["--audit-log-path=-"], {}, unknownValue))), [
                "advisory",
            ]));
    });

    it("is not applicable to a stack without kube-apiserver", () => {
        const analysis = engine.analyzeStack([workload(types.deployment, [{ name: "web", image: "nginx:1.27" }])]);
        assert.deepStrictEqual(notApplicable(analysis), ["the stack runs no kube-apiserver"]);
    });

    describe("quantityBytes (Kubernetes quantities)", () => {
        const table: [unknown, number | undefined][] = [
            ["1Ki", 1024],
            ["1Mi", 2 ** 20],
            ["2Gi", 2 * 2 ** 30],
            ["1Ti", 2 ** 40],
            ["1k", 1e3],
            ["500M", 5e8],
            ["1G", 1e9],
            ["1T", 1e12],
            ["1.5Gi", 1.5 * 2 ** 30],
            ["1.25Mi", 1.25 * 2 ** 20],
            ["4096", 4096],
            ["1Pi", undefined],
            ["1 Gi", undefined],
            [" 1Gi", undefined],
            ["1Gi ", undefined],
            ["Gi", undefined],
            ["1.Gi", undefined],
            [1024, undefined],
            [undefined, undefined],
        ];
        for (const [quantity, bytes] of table) {
            it(`${JSON.stringify(quantity)} is ${String(bytes)}`, () =>
                assert.strictEqual(quantityBytes(quantity), bytes));
        }
        it("scales every integer by its unit", () =>
            fc.assert(
                fc.property(
                    fc.nat({ max: 1e6 }),
                    fc.constantFrom(["Ki", 1024], ["M", 1e6], ["", 1]),
                    (n, [unit, f]) => {
                        assert.strictEqual(quantityBytes(`${n}${String(unit)}`), n * Number(f));
                    },
                ),
            ));
    });
});
