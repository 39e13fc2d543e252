import * as assert from "assert";
import {
    documentsOfKind,
    fileText,
    FileSource,
    flagFile,
    kubeApiservers,
    lookupFile,
    readFlagFile,
    sameSource,
} from "../../../policies/lib/files";
import { Unknown } from "../../../policies/lib/known";
import { plainResource, unknown } from "./plain";
import type { Report } from "../../../policies/lib/policy";
import { Resource, types } from "../../../policies/lib/resources";
import { Container, PlacedContainer } from "../../../policies/lib/workloads";

/**
 * policies/lib/files.ts: the file at a path of a container, followed as the kubelet builds it
 * (mount, pod volume, ConfigMap or Secret key), its text, and configuration documents by kind.
 */
describe("files a container reads", () => {
    const resource = plainResource;
    const object = (kind: "ConfigMap" | "Secret", name: string, fields: Record<string, unknown>, namespace = "ns") =>
        resource(
            kind === "ConfigMap" ? types.configMap : types.secret,
            { metadata: { name, namespace }, ...fields },
            `${kind}-${name}`,
        );
    const workload = resource(types.deployment, { metadata: { namespace: "ns" } }, "w");
    const container = (volumeMounts: unknown, args: unknown[] = []): Container => ({
        kind: "containers",
        index: 0,
        spec: { name: "c", volumeMounts, args },
    });
    const cm = object("ConfigMap", "conf", { data: { "a.yaml": "A", "b.yaml": "B" } });
    const secret = object("Secret", "keys", { data: { "k.pem": Buffer.from("K").toString("base64") } });
    const stack = [cm, secret];
    /** The text found at `path`, or how the lookup ended. */
    const read = (volumes: unknown, mounts: unknown, path: string, resources: Resource[] = stack) => {
        const lookup = lookupFile(resources, workload, { spec: { volumes } }, container(mounts), path);
        return "found" in lookup ? { text: fileText(lookup.found), key: lookup.found.key } : lookup;
    };
    const confVolume = { name: "v", configMap: { name: "conf" } };
    const at = (mountPath: unknown, extra: Record<string, unknown> = {}) => [{ name: "v", mountPath, ...extra }];

    describe("the mount that holds a path", () => {
        const table: [string, unknown, string, unknown][] = [
            ["a file in the mounted directory", at("/etc/c"), "/etc/c/a.yaml", { text: "A", key: "a.yaml" }],
            ["a mount path with a trailing slash", at("/etc/c/"), "/etc/c/b.yaml", { text: "B", key: "b.yaml" }],
            ["no mount", [], "/etc/c/a.yaml", { missing: "no volume is mounted at /etc/c" }],
            ["a mount at the root", at("/"), "/a.yaml", { text: "A", key: "a.yaml" }],
            [
                "not a directory mounted at the path itself",
                at("/etc/c"),
                "/etc/c",
                { missing: "no volume is mounted at /etc" },
            ],
            ["no mount, at the root", [], "/a.yaml", { missing: "no volume is mounted at /" }],
            [
                "a directory whose name only begins the same",
                at("/etc/co"),
                "/etc/conf/a.yaml",
                { missing: "no volume is mounted at /etc/conf" },
            ],
            [
                "a subPath mount at the path",
                at("/etc/x.yaml", { subPath: "a.yaml" }),
                "/etc/x.yaml",
                { text: "A", key: "a.yaml" },
            ],
            [
                "a subPath mount as a directory of its volume",
                at("/etc/c", { subPath: "sub" }),
                "/etc/c/a.yaml",
                { missing: "volume v holds no sub/a.yaml" },
            ],
            [
                "an empty subPath mounts the whole volume",
                at("/etc/c", { subPath: "" }),
                "/etc/c/a.yaml",
                { text: "A", key: "a.yaml" },
            ],
            [
                "mounts without a text path or name are skipped",
                [{ name: "v", mountPath: 1 }, { mountPath: "/etc/c" }],
                "/etc/c/a.yaml",
                { missing: "no volume is mounted at /etc/c" },
            ],
            [
                "a file in a nested directory is no key",
                at("/etc"),
                "/etc/c/a.yaml",
                { missing: "volume v holds no c/a.yaml" },
            ],
        ];
        for (const [what, mounts, path, expected] of table) {
            it(`reads ${what}`, () => assert.deepStrictEqual(read([confVolume], mounts, path), expected));
        }
        it("takes the deepest mount, whatever the order", () => {
            const volumes = [confVolume, { name: "outer", emptyDir: {} }];
            for (const mounts of [
                [{ name: "outer", mountPath: "/etc" }, ...at("/etc/c")],
                [...at("/etc/c"), { name: "outer", mountPath: "/etc" }],
            ]) {
                assert.deepStrictEqual(read(volumes, mounts, "/etc/c/a.yaml"), { text: "A", key: "a.yaml" });
                assert.deepStrictEqual(read(volumes, mounts, "/etc/a.yaml"), {
                    elsewhere: "/etc/a.yaml is on a volume of type emptyDir",
                });
            }
        });
        it("finds a key through items under a subPath directory (a trailing slash is the same directory)", () => {
            const volumes = [
                { name: "v", configMap: { name: "conf", items: [{ key: "b.yaml", path: "sub/x.yaml" }] } },
            ];
            for (const subPath of ["sub", "sub/", "sub//"]) {
                assert.deepStrictEqual(read(volumes, at("/etc/c", { subPath }), "/etc/c/x.yaml"), {
                    text: "B",
                    key: "b.yaml",
                });
            }
        });
        it("takes a subPath mount at the path over a directory mount that holds it", () =>
            assert.deepStrictEqual(
                read([confVolume], [...at("/etc/c"), ...at("/etc/c/a.yaml", { subPath: "b.yaml" })], "/etc/c/a.yaml"),
                { text: "B", key: "b.yaml" },
            ));
        it("waits for mounts not known yet: the list, a path, a volume name or a subPath", () => {
            const u = unknown("mounts");
            assert.deepStrictEqual(read([confVolume], u, "/etc/c/a.yaml"), { unknown: u });
            for (const mount of [
                { name: "v", mountPath: u },
                { name: u, mountPath: "/x" },
                { name: "v", mountPath: "/x", subPath: u },
            ]) {
                assert.deepStrictEqual(read([confVolume], [mount, ...at("/etc/c")], "/etc/c/a.yaml"), { unknown: u });
            }
        });
    });

    describe("the volume and object behind the mount", () => {
        const mounts = at("/etc/c");
        const table: [string, unknown, unknown, Resource[]?][] = [
            [
                "a volume the pod lacks",
                [{ name: "other", configMap: { name: "conf" } }],
                { missing: "the pod has no volume v" },
            ],
            [
                "a volume of another type",
                [{ name: "v", hostPath: { path: "/x" } }],
                { elsewhere: "/etc/c/a.yaml is on a volume of type hostPath" },
            ],
            ["a volume without a type", [{ name: "v" }], { elsewhere: "/etc/c/a.yaml is on a volume of type unknown" }],
            [
                "a Secret volume without the key",
                [{ name: "v", secret: { secretName: "keys" } }],
                { text: undefined, key: "a.yaml" },
            ],
            [
                "a ConfigMap outside the stack",
                [{ name: "v", configMap: { name: "nope" } }],
                { elsewhere: "/etc/c/a.yaml is in ConfigMap nope, which this stack does not manage" },
            ],
            [
                "a ConfigMap of that name in another namespace",
                [confVolume],
                { elsewhere: "/etc/c/a.yaml is in ConfigMap conf, which this stack does not manage" },
                [object("ConfigMap", "conf", { data: { "a.yaml": "A" } }, "other")],
            ],
            [
                "items that rename a key",
                [{ name: "v", configMap: { name: "conf", items: [{ key: "b.yaml", path: "a.yaml" }] } }],
                { text: "B", key: "b.yaml" },
            ],
            [
                "items that leave a key out",
                [{ name: "v", configMap: { name: "conf", items: [{ key: "b.yaml", path: "b.yaml" }] } }],
                { missing: "volume v holds no a.yaml" },
            ],
            [
                "an item whose key is no text",
                [{ name: "v", configMap: { name: "conf", items: [{ key: 1, path: "a.yaml" }] } }],
                { missing: "volume v holds no a.yaml" },
            ],
            [
                "a key the ConfigMap lacks",
                [confVolume],
                { text: undefined, key: "a.yaml" },
                [object("ConfigMap", "conf", { data: {} })],
            ],
            [
                "a projected ConfigMap",
                [{ name: "v", projected: { sources: [{ configMap: { name: "conf" } }] } }],
                { text: "A", key: "a.yaml" },
            ],
            [
                "a projected source of another kind",
                [{ name: "v", projected: { sources: [{ serviceAccountToken: { path: "a.yaml" } }] } }],
                { missing: "volume v holds no a.yaml" },
            ],
            [
                "a projected source that lacks the key, then one that has it",
                [
                    {
                        name: "v",
                        projected: { sources: [{ secret: { name: "keys" } }, { configMap: { name: "conf" } }] },
                    },
                ],
                { text: "A", key: "a.yaml" },
            ],
            [
                "a projected source with items that lacks the key",
                [
                    {
                        name: "v",
                        projected: {
                            sources: [
                                { configMap: { name: "conf", items: [{ key: "x", path: "a.yaml" }] } },
                                { secret: { name: "keys", items: [{ key: "k.pem", path: "a.yaml" }] } },
                            ],
                        },
                    },
                ],
                { text: undefined, key: "x" },
            ],
            [
                "a projected Secret",
                [
                    {
                        name: "v",
                        projected: {
                            sources: [{ secret: { name: "keys", items: [{ key: "k.pem", path: "a.yaml" }] } }],
                        },
                    },
                ],
                { text: "K", key: "k.pem" },
            ],
        ];
        for (const [what, volumes, expected, resources] of table) {
            it(`reads ${what}`, () =>
                assert.deepStrictEqual(read(volumes, mounts, "/etc/c/a.yaml", resources), expected));
        }
        it("names the kind of object a file is in, projected or not", () => {
            const kind = (volume: unknown, path = "/etc/c/k.pem") => {
                const lookup = lookupFile(stack, workload, { spec: { volumes: [volume] } }, container(mounts), path);
                return "found" in lookup ? lookup.found.kind : lookup;
            };
            assert.strictEqual(kind({ name: "v", secret: { secretName: "keys" } }), "Secret");
            assert.strictEqual(kind({ name: "v", projected: { sources: [{ secret: { name: "keys" } }] } }), "Secret");
            assert.strictEqual(
                kind({ name: "v", projected: { sources: [{ configMap: { name: "conf" } }] } }, "/etc/c/a.yaml"),
                "ConfigMap",
            );
        });
        it("reads a Secret volume's key, base64-decoded", () =>
            assert.deepStrictEqual(read([{ name: "v", secret: { secretName: "keys" } }], mounts, "/etc/c/k.pem"), {
                text: "K",
                key: "k.pem",
            }));
        it("waits for what is not known yet on the way", () => {
            const u = unknown("x");
            const cases: [unknown, Resource[]?][] = [
                [u],
                [[{ name: "v", configMap: { name: u } }]],
                [[{ name: "v", configMap: { name: "conf", items: u } }]],
                [[{ name: "v", configMap: { name: "conf", items: [{ key: u, path: "a.yaml" }] } }]],
            ];
            for (const [volumes, resources] of cases) {
                const lookup = lookupFile(
                    resources ?? stack,
                    workload,
                    { spec: { volumes } },
                    container(mounts),
                    "/etc/c/a.yaml",
                );
                assert.deepStrictEqual(lookup, { unknown: u });
            }
            const sources = { name: "v", projected: { sources: u } };
            assert.deepStrictEqual(read([sources], mounts, "/etc/c/a.yaml"), { missing: "volume v holds no a.yaml" });
        });
        it("skips an object whose name is not known yet", () => {
            const named = resource(
                types.configMap,
                { metadata: { name: unknown("name"), namespace: "ns" }, data: { "a.yaml": "X" } },
                "conf",
            );
            assert.deepStrictEqual(read([confVolume], mounts, "/etc/c/a.yaml", [named, cm]), {
                text: "A",
                key: "a.yaml",
            });
        });
    });

    describe("fileText", () => {
        const source = (kind: "ConfigMap" | "Secret", fields: Record<string, unknown>): FileSource => ({
            kind,
            resource: object(kind, "o", fields),
            key: "k",
        });
        const u = unknown("data");
        const table: [string, FileSource, unknown][] = [
            ["a ConfigMap's data", source("ConfigMap", { data: { k: "text" } }), "text"],
            [
                "a ConfigMap's binaryData, base64",
                source("ConfigMap", { binaryData: { k: Buffer.from("bin").toString("base64") } }),
                "bin",
            ],
            ["a Secret's stringData", source("Secret", { stringData: { k: "plain" } }), "plain"],
            [
                "a Secret's data, base64",
                source("Secret", { data: { k: Buffer.from("secret").toString("base64") } }),
                "secret",
            ],
            ["not a Secret's data as text", source("Secret", { data: { k: "c2VjcmV0" }, stringData: {} }), "secret"],
            ["nothing for a missing key", source("ConfigMap", { data: { other: "x" } }), undefined],
            ["nothing for a value that is no text", source("ConfigMap", { data: { k: 1 } }), undefined],
            ["an unknown value", source("ConfigMap", { data: { k: u } }), u],
            ["an unknown encoded value", source("Secret", { data: { k: u } }), u],
            ["an unknown data map", source("ConfigMap", { data: u }), u],
            ["an unknown binaryData map", source("ConfigMap", { data: {}, binaryData: u }), u],
            ["an unknown stringData map", source("Secret", { stringData: u }), u],
        ];
        for (const [what, s, expected] of table) {
            it(`reads ${what}`, () => assert.strictEqual(fileText(s), expected));
        }
    });

    describe("documentsOfKind", () => {
        const doc = "kind: Wanted\nvalue: 1\n";
        it("finds documents of the kind under any key of any ConfigMap or Secret", () => {
            const resources = [
                object("ConfigMap", "a", { data: { x: doc, y: "kind: Other\n", z: "Wanted but no YAML: [" } }),
                object("Secret", "b", { stringData: { s: doc }, data: { d: Buffer.from(doc).toString("base64") } }),
                object("ConfigMap", "c", { binaryData: { bin: Buffer.from(`{"kind": "Wanted"}`).toString("base64") } }),
                resource(types.deployment, { data: { x: doc } }, "not-an-object"),
            ];
            const { found, unknowns } = documentsOfKind(resources, "Wanted");
            assert.deepStrictEqual(
                found.map((d) => `${d.source.kind} ${d.source.resource.name} ${d.source.key}`),
                ["ConfigMap ConfigMap-a x", "ConfigMap ConfigMap-c bin", "Secret Secret-b d", "Secret Secret-b s"],
            );
            assert.deepStrictEqual(found[0].document, { kind: "Wanted", value: 1 });
            assert.strictEqual(found[0].text, doc);
            assert.deepStrictEqual(unknowns, []);
        });
        it("skips values that are no text", () =>
            assert.deepStrictEqual(
                documentsOfKind([object("ConfigMap", "a", { data: { x: 1, y: null, z: doc } })], "Wanted").found.map(
                    (d) => d.source.key,
                ),
                ["z"],
            ));
        it("does not take a document that only mentions the kind", () =>
            assert.deepStrictEqual(
                documentsOfKind([object("ConfigMap", "a", { data: { x: "kind: Other\nnote: Wanted\n" } })], "Wanted")
                    .found,
                [],
            ));
        it("collects maps and values not known yet", () => {
            const map = unknown("map");
            const value = unknown("value");
            const { found, unknowns } = documentsOfKind(
                [object("ConfigMap", "a", { data: map }), object("Secret", "b", { stringData: { s: value, t: doc } })],
                "Wanted",
            );
            assert.deepStrictEqual(
                found.map((d) => d.source.key),
                ["t"],
            );
            assert.deepStrictEqual(unknowns, [map, value]);
        });
    });

    it("tells the same object's key apart from others", () => {
        const a: FileSource = { kind: "ConfigMap", resource: cm, key: "a.yaml" };
        assert.ok(sameSource(a, { ...a }));
        assert.ok(!sameSource(a, { ...a, key: "b.yaml" }));
        assert.ok(!sameSource(a, { ...a, resource: object("ConfigMap", "other", {}) }));
    });

    describe("the file a flag names", () => {
        const placed = (
            args: unknown[],
            mounts: unknown = at("/etc/c"),
            volumes: unknown = [confVolume],
        ): PlacedContainer => ({
            workload,
            template: { spec: { volumes } },
            container: container(mounts, args),
        });
        const recorder = () => {
            const seen = {
                violations: [] as [string, string | undefined][],
                unknowns: [] as Unknown[],
                notApplicable: [] as string[],
            };
            const report: Report = {
                violation: (message, urn) => seen.violations.push([message, urn]),
                unknown: (value) => seen.unknowns.push(value),
                notApplicable: (reason) => seen.notApplicable.push(reason),
            };
            return { seen, report };
        };
        it("follows the flag to the file", () => {
            assert.deepStrictEqual(flagFile(stack, placed(["--config=/etc/c/a.yaml"]), "config"), {
                path: "/etc/c/a.yaml",
                source: { kind: "ConfigMap", resource: cm, key: "a.yaml" },
                text: "A",
            });
            assert.deepStrictEqual(flagFile(stack, placed([]), "config"), { absent: true });
            assert.deepStrictEqual(flagFile(stack, placed(["--config=/var/a"]), "config"), {
                path: "/var/a",
                missing: "no volume is mounted at /var",
            });
            assert.deepStrictEqual(
                flagFile(
                    stack,
                    placed(["--config=/etc/c/a.yaml"], at("/etc/c"), [{ name: "v", emptyDir: {} }]),
                    "config",
                ),
                {
                    path: "/etc/c/a.yaml",
                    elsewhere: "/etc/c/a.yaml is on a volume of type emptyDir",
                },
            );
        });
        it("waits for the flag, the way or the text not known yet", () => {
            const u = unknown("x");
            assert.deepStrictEqual(flagFile(stack, placed([u]), "config"), { unknown: u });
            assert.deepStrictEqual(flagFile(stack, placed(["--config=/etc/c/a.yaml"], u), "config"), { unknown: u });
            const later = [object("ConfigMap", "conf", { data: u })];
            assert.deepStrictEqual(flagFile(later, placed(["--config=/etc/c/a.yaml"]), "config"), { unknown: u });
        });
        it("reads it for a rule: the file, or a violation, an unknown, or nothing", () => {
            const who = 'container "c" of w';
            const ok = recorder();
            assert.deepStrictEqual(readFlagFile(stack, placed(["--config=/etc/c/a.yaml"]), "config", ok.report), {
                path: "/etc/c/a.yaml",
                source: { kind: "ConfigMap", resource: cm, key: "a.yaml" },
                text: "A",
                where: `${who} reads --config=/etc/c/a.yaml`,
            });
            assert.deepStrictEqual(ok.seen, { violations: [], unknowns: [], notApplicable: [] });

            const missing = recorder();
            assert.strictEqual(readFlagFile(stack, placed(["--config=/var/a"]), "config", missing.report), undefined);
            assert.deepStrictEqual(missing.seen.violations, [
                [`${who} reads --config=/var/a, but no volume is mounted at /var: it exits at start.`, workload.urn],
            ]);
            const noKey = recorder();
            assert.strictEqual(
                readFlagFile(
                    stack,
                    placed(["--config=/etc/c/z.yaml"], at("/etc/c"), [
                        { name: "v", configMap: { name: "conf", items: [{ key: "z", path: "z.yaml" }] } },
                    ]),
                    "config",
                    noKey.report,
                ),
                undefined,
            );
            assert.deepStrictEqual(noKey.seen.violations, [
                [
                    `${who} reads --config=/etc/c/z.yaml, but ConfigMap ConfigMap-conf (key z) does not exist: it exits at start.`,
                    workload.urn,
                ],
            ]);

            const absent = recorder();
            assert.strictEqual(
                readFlagFile(stack, placed([]), "config", absent.report, "sets no --config."),
                undefined,
            );
            assert.deepStrictEqual(absent.seen.violations, [[`${who} sets no --config.`, workload.urn]]);
            const optional = recorder();
            assert.strictEqual(readFlagFile(stack, placed([]), "config", optional.report), undefined);
            assert.deepStrictEqual(optional.seen.violations, []);

            const elsewhere = recorder();
            assert.strictEqual(
                readFlagFile(
                    stack,
                    placed(["--config=/etc/c/a.yaml"], at("/etc/c"), [{ name: "v", emptyDir: {} }]),
                    "config",
                    elsewhere.report,
                ),
                undefined,
            );
            assert.deepStrictEqual(elsewhere.seen, { violations: [], unknowns: [], notApplicable: [] });

            const u = unknown("x");
            const waiting = recorder();
            assert.strictEqual(
                readFlagFile(stack, placed([u]), "config", waiting.report, "sets no --config."),
                undefined,
            );
            assert.deepStrictEqual(waiting.seen, { violations: [], unknowns: [u], notApplicable: [] });
        });
        it("finds the stack's kube-apiservers, or says there is none", () => {
            const api = resource(
                types.pod,
                { spec: { containers: [{ name: "kube-apiserver" }, { name: "x" }] } },
                "api",
            );
            const spec = unknown("spec");
            const later = resource(types.pod, { spec }, "later");
            const some = recorder();
            assert.deepStrictEqual(
                kubeApiservers([api, later], some.report).map((p) => p.container.spec.name),
                ["kube-apiserver"],
            );
            assert.deepStrictEqual(some.seen, { violations: [], unknowns: [spec], notApplicable: [] });
            const none = recorder();
            assert.deepStrictEqual(kubeApiservers([cm], none.report), []);
            assert.deepStrictEqual(none.seen.notApplicable, ["the stack runs no kube-apiserver"]);
        });
    });
});
