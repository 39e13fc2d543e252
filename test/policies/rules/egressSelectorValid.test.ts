import * as assert from "assert";
import { egressSelectorYaml, konnectivityEgressSelector } from "../../../components/tunnel/konnectivity/egressSelector";
import { clusterSocket } from "../../../policies/rules/egressSelectorValid";
import { EngineResource } from "../engine";
import { levels, messages, notApplicable, only, resource, types, unknownValue, urns, workload } from "./fixtures";

/**
 * egress-selector-valid: every egress selector configuration loads in kube-apiserver, and the
 * cluster socket of the one a kube-apiserver reads is the --uds-name of a konnectivity-server
 * in its pod, in the mode of its proxyProtocol, on a volume both containers mount.
 */
describe("egress-selector-valid", () => {
    const engine = only("egress-selector-valid");
    const socket = "/run/konnectivity/konnectivity-server.socket";
    const file = "/etc/kubernetes/egress/selector.yaml";
    const good = egressSelectorYaml(konnectivityEgressSelector(socket));
    const yaml = (protocol: string, udsName = socket) =>
        [
            "apiVersion: apiserver.k8s.io/v1beta1",
            "kind: EgressSelectorConfiguration",
            "egressSelections:",
            "- name: cluster",
            "  connection:",
            `    proxyProtocol: ${protocol}`,
            "    transport:",
            `      uds: { udsName: "${udsName}" }`,
        ].join("\n");

    const configMap = (data: Record<string, unknown>, name = "egress", namespace = "ns") =>
        resource(types.configMap, { metadata: { name, namespace }, data }, { name: `cm-${name}` });
    const apiserver = (extra: Record<string, unknown> = {}) => ({
        name: "kube-apiserver",
        image: "registry.k8s.io/kube-apiserver:v1.36.5",
        command: ["kube-apiserver", `--egress-selector-config-file=${file}`],
        volumeMounts: [
            { name: "egress", mountPath: "/etc/kubernetes/egress" },
            { name: "uds", mountPath: "/run/konnectivity" },
        ],
        ...extra,
    });
    const server = (args: unknown, extra: Record<string, unknown> = {}) => ({
        name: "konnectivity-server",
        image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.34.0",
        args,
        volumeMounts: [{ name: "uds", mountPath: "/run/konnectivity/" }],
        ...extra,
    });
    const volumes = [
        { name: "egress", configMap: { name: "egress", items: [{ key: "conf", path: "selector.yaml" }] } },
        { name: "uds", emptyDir: {} },
    ];
    const pod = (containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
        workload(types.deployment, containers, { name: "api", namespace: "ns", pod: { volumes, ...extra } });
    /** The apiserver pod as the program builds it, with `conf` as the file's text. */
    const stack = (conf: unknown, serverArgs: unknown = [`--uds-name=${socket}`, "--mode=grpc"]) => {
        const w = pod([apiserver(), server(serverArgs)]);
        return { w, cm: configMap({ conf }), resources: [w, configMap({ conf })] };
    };
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const reads = `container "kube-apiserver" of api reads --egress-selector-config-file=${file}`;
    const from = `${reads} from ConfigMap cm-egress (key conf)`;
    const intro = `${from}, whose cluster egress goes to the unix socket ${socket}`;

    it("passes the program's own configuration, served by the sidecar", () => {
        const { resources } = stack(good);
        assert.deepStrictEqual(engine.analyzeStack(resources).diagnostics, []);
        assert.deepStrictEqual(notApplicable(engine.analyzeStack(resources)), []);
    });

    it("passes HTTPConnect to a server in http-connect mode, and GRPC to one without --mode (grpc)", () => {
        assert.deepStrictEqual(
            check(stack(yaml("HTTPConnect"), [`--uds-name=${socket}`, "--mode=http-connect"]).resources),
            [],
        );
        assert.deepStrictEqual(check(stack(yaml("GRPC"), [`--uds-name=${socket}`]).resources), []);
    });

    describe("a file kube-apiserver would refuse", () => {
        const table: [string, string, string[]][] = [
            [
                "GRPC without a transport",
                yaml("GRPC").split("\n").slice(0, 6).join("\n"),
                ["egressSelections[0].connection.transport: transport must be set for GRPC"],
            ],
            [
                "an unsupported protocol",
                yaml("gRPC"),
                [
                    'egressSelections[0].connection.proxyProtocol: unsupported value "gRPC"; supported: "Direct", "HTTPConnect", "GRPC"',
                ],
            ],
            [
                "an empty socket name",
                yaml("GRPC", ""),
                ["egressSelections[0].connection.transport.uds.udsName: UDSName should be present for UDS connections"],
            ],
            [
                "another kind",
                good.replace("kind: EgressSelectorConfiguration", "kind: Egress"),
                ['kind: invalid service configuration object "Egress"; must be EgressSelectorConfiguration'],
            ],
        ];
        for (const [what, conf, problems] of table) {
            it(`flags ${what}, on the ConfigMap`, () => {
                const { resources, cm } = stack(conf);
                const analysis = engine.analyzeStack(resources);
                assert.deepStrictEqual(messages(analysis), [
                    `${from}, which would stop it from starting:\n  - ${problems.join("\n  - ")}\n` +
                        "Generate it with egressSelectorYaml(konnectivityEgressSelector(udsName)).",
                ]);
                assert.deepStrictEqual(urns(analysis), [cm.urn]);
                assert.deepStrictEqual(levels(analysis), ["mandatory"]);
            });
        }
        it("flags text that is not YAML with the parser's words, and checks nothing else", () => {
            const [message] = check(stack("kind: [EgressSelectorConfiguration").resources);
            assert.match(
                message,
                new RegExp(
                    `^${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, which would stop it from starting:\n  - not valid YAML: `,
                ),
            );
            assert.strictEqual(check(stack("kind: [EgressSelectorConfiguration").resources).length, 1);
        });
    });

    describe("the pod around a kube-apiserver that reads a valid file", () => {
        it("flags a pod without a konnectivity-server, on the workload", () => {
            const w = pod([apiserver()]);
            const analysis = engine.analyzeStack([w, configMap({ conf: good })]);
            assert.deepStrictEqual(messages(analysis), [
                `${intro}, but its pod has no konnectivity-server container to serve that socket: logs/exec/port-forward ` +
                    "and webhooks to Services would fail. Add the konnectivity-server sidecar with --uds-name set to that path.",
            ]);
            assert.deepStrictEqual(urns(analysis), [w.urn]);
        });
        it("waits for containers not known yet instead of calling the sidecar missing", () => {
            const w = pod([apiserver()], { initContainers: unknownValue });
            assert.deepStrictEqual(levels(engine.analyzeStack([w, configMap({ conf: good })])), ["advisory"]);
        });
        const table: [string, string[], string[]][] = [
            [
                "another socket",
                ["--uds-name=/tmp/other.socket", "--mode=grpc"],
                [
                    `${intro}, but its container "konnectivity-server" has --uds-name=/tmp/other.socket. kube-apiserver ` +
                        `would find no proxy on that socket. Set --uds-name=${socket} (and --server-port=0).`,
                ],
            ],
            [
                "no socket (TCP)",
                ["--mode=grpc"],
                [
                    `${intro}, but its container "konnectivity-server" has no --uds-name (it listens on TCP). kube-apiserver ` +
                        `would find no proxy on that socket. Set --uds-name=${socket} (and --server-port=0).`,
                ],
            ],
            [
                "http-connect behind GRPC",
                [`--uds-name=${socket}`, "--mode=http-connect"],
                [
                    `${intro} with GRPC, but container "konnectivity-server" runs --mode=http-connect. ` +
                        "Set --mode=grpc (it must match the egress selector's proxyProtocol).",
                ],
            ],
        ];
        for (const [what, args, expected] of table) {
            it(`flags a sidecar serving ${what}, on the workload`, () => {
                const { w, resources } = stack(good, args);
                const analysis = engine.analyzeStack(resources);
                assert.deepStrictEqual(messages(analysis), expected);
                assert.deepStrictEqual(urns(analysis), [w.urn]);
            });
        }
        it("flags grpc behind HTTPConnect", () =>
            assert.deepStrictEqual(check(stack(yaml("HTTPConnect")).resources), [
                `${intro} with HTTPConnect, but container "konnectivity-server" runs --mode=grpc. ` +
                    "Set --mode=http-connect (it must match the egress selector's proxyProtocol).",
            ]));
        it("checks every konnectivity-server of the pod", () => {
            const w = pod([
                apiserver(),
                server([`--uds-name=${socket}`]),
                server(["--uds-name=/x"], { name: "second" }),
            ]);
            assert.deepStrictEqual(
                check([w, configMap({ conf: good })]).map((m) => m.slice(intro.length).split(" has ")[0]),
                [', but its container "second"'],
            );
        });

        const share = (server: string, apiserver: string) =>
            `${intro}, but container "konnectivity-server" and container "kube-apiserver" do not share the socket's ` +
            `directory (${server} vs ${apiserver}). Mount one emptyDir at the socket's directory in both containers.`;
        const mounts: [string, unknown, unknown, string[]][] = [
            [
                "the same volume",
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [],
            ],
            [
                "the same directory of a volume through subPaths",
                [{ name: "uds", mountPath: "/run/konnectivity", subPath: "sock" }],
                [{ name: "uds", mountPath: "/run/konnectivity", subPath: "sock/" }],
                [],
            ],
            [
                "other directories of one volume through subPaths",
                [{ name: "uds", mountPath: "/run/konnectivity", subPath: "a" }],
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [share("uds/a", "uds")],
            ],
            [
                "the socket's directory at two places of one volume",
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [{ name: "uds", mountPath: "/run/konnectivity", subPath: "a/b" }],
                [share("uds", "uds/a/b")],
            ],
            [
                "the same volume at a parent directory",
                [{ name: "uds", mountPath: "/run" }],
                [{ name: "uds", mountPath: "/run/" }],
                [],
            ],
            [
                "no mount on the apiserver",
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [],
                [share("uds", "no volume")],
            ],
            [
                "no mount on the server",
                [],
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [share("no volume", "uds")],
            ],
            ["no mount on either", [], [], [share("no volume", "no volume")]],
            [
                "two volumes",
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [{ name: "other", mountPath: "/run/konnectivity" }],
                [share("uds", "other")],
            ],
            [
                "the deeper mount decides",
                [
                    { name: "run", mountPath: "/run" },
                    { name: "uds", mountPath: "/run/konnectivity" },
                ],
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [],
            ],
            [
                "the deeper mount decides, whatever the order",
                [{ name: "uds", mountPath: "/run/konnectivity" }],
                [
                    { name: "uds", mountPath: "/run/konnectivity" },
                    { name: "run", mountPath: "/run" },
                ],
                [],
            ],
            [
                "a mount of a directory whose name is a prefix of the socket's directory",
                [{ name: "uds", mountPath: "/run/konn" }],
                [{ name: "uds", mountPath: "/run/konn" }],
                [share("no volume", "no volume")],
            ],
            [
                "mounts without a name or a path are skipped",
                [{ mountPath: "/run/konnectivity" }, { name: "uds" }],
                [{ name: "uds", mountPath: 7 }],
                [share("no volume", "no volume")],
            ],
            [
                "a deeper mount without a name does not hide a named one",
                [{ name: "uds", mountPath: "/run" }, { mountPath: "/run/konnectivity" }],
                [{ name: "uds", mountPath: "/run" }],
                [],
            ],
        ];
        for (const [what, serverMounts, apiserverMounts, expected] of mounts) {
            it(`${expected.length === 0 ? "passes" : "flags"} ${what}`, () => {
                const w = pod([
                    apiserver({
                        volumeMounts:
                            apiserverMounts === unknownValue
                                ? unknownValue
                                : [
                                      { name: "egress", mountPath: "/etc/kubernetes/egress" },
                                      ...(apiserverMounts as unknown[]),
                                  ],
                    }),
                    server([`--uds-name=${socket}`], { volumeMounts: serverMounts }),
                ]);
                const resources = [w, configMap({ conf: good })];
                assert.deepStrictEqual(check(resources), expected);
            });
        }

        it("does not look at the pod of a configuration without a cluster socket", () => {
            const direct = [
                "apiVersion: apiserver.k8s.io/v1beta1",
                "kind: EgressSelectorConfiguration",
                "egressSelections:",
                "- name: controlplane",
                "  connection: { proxyProtocol: Direct }",
            ].join("\n");
            assert.deepStrictEqual(check([pod([apiserver()]), configMap({ conf: direct })]), []);
        });

        describe("waits (advisory, during preview) for", () => {
            const mountsWait = (serverMounts: unknown, apiserverMounts: unknown[]) => {
                const w = pod([
                    apiserver({
                        volumeMounts: [{ name: "egress", mountPath: "/etc/kubernetes/egress" }, ...apiserverMounts],
                    }),
                    server([`--uds-name=${socket}`], { volumeMounts: serverMounts }),
                ]);
                const analysis = engine.analyzeStack([w, configMap({ conf: good })]);
                assert.deepStrictEqual(levels(analysis), ["advisory"]);
            };
            it("the server's mounts not known yet", () =>
                mountsWait(unknownValue, [{ name: "uds", mountPath: "/run/konnectivity" }]));
            it("a mount of the server whose path is not known yet", () =>
                mountsWait(
                    [{ name: "uds", mountPath: unknownValue }],
                    [{ name: "uds", mountPath: "/run/konnectivity" }],
                ));
            it("a mount of the apiserver whose volume is not known yet", () =>
                mountsWait(
                    [{ name: "uds", mountPath: "/run/konnectivity" }],
                    [{ name: unknownValue, mountPath: "/run/konnectivity" }],
                ));
            it("a mount of the apiserver not known yet, beside the file's own subPath mount", () => {
                const w = pod([
                    apiserver({
                        volumeMounts: [{ name: "egress", mountPath: file, subPath: "selector.yaml" }, unknownValue],
                    }),
                    server([`--uds-name=${socket}`]),
                ]);
                assert.deepStrictEqual(levels(engine.analyzeStack([w, configMap({ conf: good })])), ["advisory"]);
            });
            const waits = (args: unknown, expected = ["advisory"]) => {
                const analysis = engine.analyzeStack(stack(good, args).resources);
                assert.deepStrictEqual(levels(analysis), expected);
                assert.match(messages(analysis).at(-1) ?? "", /during preview/);
            };
            it("a --uds-name not known yet", () => waits(["--mode=grpc", "--uds-name", unknownValue]));
            it("a --mode not known yet", () => waits([`--uds-name=${socket}`, "--mode", unknownValue]));
            it("server arguments not known yet", () => waits(unknownValue));
        });
    });

    describe("what kube-apiserver reads", () => {
        it("is not applicable without a kube-apiserver that reads one, or a ConfigMap or Secret that holds one", () => {
            const reason = [
                "no kube-apiserver reads an egress selector configuration, and no ConfigMap or Secret holds one",
            ];
            assert.deepStrictEqual(notApplicable(engine.analyzeStack([])), reason);
            const noFlag = pod([apiserver({ command: ["kube-apiserver"] }), server([])]);
            assert.deepStrictEqual(notApplicable(engine.analyzeStack([noFlag, configMap({ other: "x: 1" })])), reason);
            assert.deepStrictEqual(engine.analyzeStack([noFlag]).diagnostics, []);
        });
        it("flags a file that is not there: the apiserver exits at start", () => {
            const w = pod([apiserver(), server([`--uds-name=${socket}`])]);
            const analysis = engine.analyzeStack([w, configMap({ other: good })]);
            assert.deepStrictEqual(messages(analysis), [
                `${reads}, but ConfigMap cm-egress (key conf) does not exist: it exits at start.`,
            ]);
            assert.deepStrictEqual(urns(analysis), [w.urn]);
        });
        it("leaves a file it cannot read alone (a ConfigMap outside the stack)", () =>
            assert.deepStrictEqual(engine.analyzeStack([pod([apiserver(), server([])])]).diagnostics, []));
        it("waits for a kube-apiserver's containers or the file's text not known yet", () => {
            const unknownPod = workload(types.deployment, [], { pod: { containers: unknownValue } });
            assert.deepStrictEqual(levels(engine.analyzeStack([unknownPod])), ["advisory"]);
            assert.deepStrictEqual(levels(engine.analyzeStack(stack(unknownValue).resources)), ["advisory"]);
        });
        it("reads a Secret too, and finds the socket by the selection named Cluster in any case", () => {
            const conf = good.replace("name: cluster", "name: Cluster");
            const secret = resource(
                types.secret,
                { metadata: { name: "egress", namespace: "ns" }, stringData: { conf } },
                { name: "s" },
            );
            const w = pod([apiserver(), server(["--uds-name=/x"])], {
                volumes: [
                    {
                        name: "egress",
                        secret: { secretName: "egress", items: [{ key: "conf", path: "selector.yaml" }] },
                    },
                    volumes[1],
                ],
            });
            assert.deepStrictEqual(
                check([w, secret]).map((m) => m.slice(0, m.indexOf(","))),
                [`${reads} from Secret s (key conf)`],
            );
        });
    });

    describe("configurations no kube-apiserver reads", () => {
        const refused = (source: string, problem: string) =>
            `${source} holds an EgressSelectorConfiguration that kube-apiserver would refuse:\n  - ${problem}`;
        it("flags an invalid one under any key, on its object", () => {
            const spare = configMap({ anything: yaml("gRPC") }, "spare");
            const analysis = engine.analyzeStack([spare]);
            assert.deepStrictEqual(messages(analysis), [
                refused(
                    "ConfigMap cm-spare (key anything)",
                    'egressSelections[0].connection.proxyProtocol: unsupported value "gRPC"; supported: "Direct", "HTTPConnect", "GRPC"',
                ),
            ]);
            assert.deepStrictEqual(urns(analysis), [spare.urn]);
        });
        it("lists every problem of a file, one a line", () => {
            const conf = yaml("GRPC").split("\n").slice(0, 6).join("\n").replace("v1beta1", "v1");
            const problems = [
                'apiVersion: must be apiserver.k8s.io/v1beta1 or apiserver.k8s.io/v1alpha1 (got "apiserver.k8s.io/v1")',
                "egressSelections[0].connection.transport: transport must be set for GRPC",
            ];
            assert.deepStrictEqual(check([configMap({ conf }, "spare")]), [
                `ConfigMap cm-spare (key conf) holds an EgressSelectorConfiguration that kube-apiserver would refuse:\n  - ${problems.join("\n  - ")}`,
            ]);
            assert.deepStrictEqual(check(stack(conf).resources), [
                `${from}, which would stop it from starting:\n  - ${problems.join("\n  - ")}\n` +
                    "Generate it with egressSelectorYaml(konnectivityEgressSelector(udsName)).",
            ]);
        });
        it("passes a valid one, which makes the rule applicable", () => {
            const analysis = engine.analyzeStack([configMap({ conf: good }, "spare")]);
            assert.deepStrictEqual(analysis.diagnostics, []);
            assert.deepStrictEqual(notApplicable(analysis), []);
        });
        it("does not report the file a kube-apiserver reads twice, but does report a copy under another key", () => {
            const conf = yaml("gRPC");
            const w = pod([apiserver(), server([`--uds-name=${socket}`])]);
            const cm = configMap({ conf, copy: conf });
            const found = check([w, cm]);
            assert.strictEqual(found.length, 2);
            assert.match(found[0], /^container "kube-apiserver" of api reads/);
            assert.match(found[1], /^ConfigMap cm-egress \(key copy\) holds/);
        });
    });

    describe("clusterSocket", () => {
        it("finds the socket and mode of the cluster selection", () => {
            assert.deepStrictEqual(clusterSocket(konnectivityEgressSelector("/run/k.sock")), {
                udsName: "/run/k.sock",
                mode: "grpc",
            });
            const http = { proxyProtocol: "HTTPConnect", transport: { uds: { udsName: "/s" } } };
            assert.deepStrictEqual(clusterSocket({ egressSelections: [{ name: "Cluster", connection: http }] }), {
                udsName: "/s",
                mode: "http-connect",
            });
        });
        const none: [string, unknown][] = [
            ["no selections", {}],
            ["selections that are no list", { egressSelections: "cluster" }],
            [
                "no cluster selection",
                {
                    egressSelections: [
                        { name: "etcd", connection: { proxyProtocol: "GRPC", transport: { uds: { udsName: "/s" } } } },
                    ],
                },
            ],
            ["a Direct cluster", { egressSelections: [{ name: "cluster", connection: { proxyProtocol: "Direct" } }] }],
            [
                "a Direct cluster with a socket",
                {
                    egressSelections: [
                        {
                            name: "cluster",
                            connection: { proxyProtocol: "Direct", transport: { uds: { udsName: "/s" } } },
                        },
                    ],
                },
            ],
            [
                "TCP",
                {
                    egressSelections: [
                        {
                            name: "cluster",
                            connection: { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "https://p" } } },
                        },
                    ],
                },
            ],
            [
                "a socket name that is no text",
                {
                    egressSelections: [
                        { name: "cluster", connection: { proxyProtocol: "GRPC", transport: { uds: { udsName: 1 } } } },
                    ],
                },
            ],
        ];
        for (const [what, config] of none)
            it(`finds none with ${what}`, () => assert.strictEqual(clusterSocket(config), undefined));
    });
});
