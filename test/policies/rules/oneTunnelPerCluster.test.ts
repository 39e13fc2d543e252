import * as assert from "assert";
import { EngineResource } from "../engine";
import {
    assertWaits,
    levels,
    messages,
    notApplicable,
    only,
    resource,
    types,
    unknownValue,
    urns,
    workload,
} from "./fixtures";

/**
 * one-tunnel-per-cluster: no namespace runs both an OpenVPN server and a konnectivity-server. An
 * OpenVPN server is recognised by what it is: an OpenVPN container that listens, is told to serve
 * (command line or a mounted configuration), or runs in a pod of its own with nothing making it a
 * client.
 */
describe("one-tunnel-per-cluster", () => {
    const engine = only("one-tunnel-per-cluster");
    const ns = "cluster-a";
    const apiserver = { name: "api", image: "registry.k8s.io/kube-apiserver:v1.36.5" };
    const proxy = { name: "proxy", image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.36.0" };
    const vpnImage = "docker.io/library/openvpn-custom:2.6.12";
    const konnectivity = (namespace = ns, name = "konnectivity") =>
        workload(types.deployment, [apiserver, proxy], { namespace, name });
    interface VpnOptions {
        readonly namespace?: string;
        readonly name?: string;
        /** Beside kube-apiserver, as its sidecar. */
        readonly sidecar?: boolean;
        readonly pod?: Record<string, unknown>;
    }
    const vpn = (container: Record<string, unknown>, { sidecar, ...options }: VpnOptions = {}) =>
        workload(types.deployment, [...(sidecar ? [apiserver] : []), { name: "vpn", image: vpnImage, ...container }], {
            namespace: ns,
            name: "openvpn",
            ...options,
        });
    const configMap = (data: unknown, namespace = ns) =>
        resource(types.configMap, { metadata: { name: "vpn-conf", namespace }, data });
    /** An OpenVPN container reading ConfigMap vpn-conf at /etc/openvpn. */
    const mounting = (container: Record<string, unknown> = {}, sidecarOf?: Record<string, unknown>) =>
        workload(
            types.deployment,
            [
                ...(sidecarOf ? [sidecarOf] : []),
                {
                    name: "vpn",
                    image: vpnImage,
                    volumeMounts: [{ name: "conf", mountPath: "/etc/openvpn" }],
                    ...container,
                },
            ],
            { namespace: ns, name: "openvpn", pod: { volumes: [{ name: "conf", configMap: { name: "vpn-conf" } }] } },
        );
    const check = (...resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const both = (server = "openvpn", konnectivityServers = "konnectivity") =>
        `Namespace ${ns} runs the OpenVPN server ${server} and konnectivity-server in ${konnectivityServers}. Two tunnels for one cluster fight over the apiserver's route to the nodes (egress selector vs. VPN routes) and leave the legacy path exposed. Choose one tunnelMode; a migration removes the old path in the same update.`;

    it("flags an OpenVPN server beside konnectivity-server, on the OpenVPN workload", () => {
        const server = vpn({ ports: [{ containerPort: 1194 }] });
        const analysis = engine.analyzeStack([konnectivity(), server]);
        assert.deepStrictEqual(messages(analysis), [both()]);
        assert.deepStrictEqual(urns(analysis), [server.urn]);
    });

    it("names every konnectivity-server workload and flags every OpenVPN server", () => {
        const servers = [
            vpn({ ports: [{ containerPort: 1194 }] }),
            vpn({ args: ["--server", "10.8.0.0", "255.255.0.0"] }, { name: "second" }),
        ];
        const konnectivityByImage = workload(types.statefulSet, [{ name: "k", image: proxy.image }], {
            namespace: ns,
            name: "k2",
        });
        const byName = workload(types.daemonSet, [{ name: "konnectivity-server", image: "example.com/proxy:1" }], {
            namespace: ns,
            name: "k3",
        });
        assert.deepStrictEqual(check(konnectivity(), konnectivityByImage, byName, ...servers), [
            both("openvpn", "konnectivity, k2, k3"),
            both("second", "konnectivity, k2, k3"),
        ]);
    });

    it("flags one workload that runs both", () => {
        const mixed = workload(
            types.deployment,
            [proxy, { name: "v", image: vpnImage, ports: [{ containerPort: 1194 }] }],
            {
                namespace: ns,
                name: "mixed",
            },
        );
        assert.deepStrictEqual(check(mixed), [both("mixed", "mixed")]);
    });

    it("passes one tunnel per namespace", () => {
        const server = vpn({ ports: [{ containerPort: 1194 }] });
        assert.deepStrictEqual(check(konnectivity("cluster-b"), server), []);
        assert.deepStrictEqual(check(server), []);
        assert.deepStrictEqual(check(konnectivity()), []);
    });

    const servers: [string, () => EngineResource[]][] = [
        ["a port it listens on", () => [vpn({ ports: [{ containerPort: 443 }] }, { sidecar: true })]],
        [
            "--server on its command line",
            () => [vpn({ command: ["openvpn", "--server", "10.8.0.0", "255.255.255.0"] }, { sidecar: true })],
        ],
        ["--tls-server on its command line", () => [vpn({ args: ["--tls-server"] }, { sidecar: true })]],
        [
            "--mode server",
            () => [vpn({ image: "x/y:1", command: ["openvpn"], args: ["--mode", "server"] }, { sidecar: true })],
        ],
        [
            "a mounted server directive",
            () => [
                mounting({}, apiserver),
                configMap({ "x.conf": "proto tcp-server\nserver 10.8.0.0 255.255.255.0\n" }),
            ],
        ],
        ["a mounted mode server", () => [mounting({}, apiserver), configMap({ "x.conf": "mode server\n" })]],
        ["a mounted tls-server", () => [mounting({}, apiserver), configMap({ "x.conf": "tls-server\n" })]],
        [
            "a server config after a client one",
            () => [
                mounting({}, apiserver),
                configMap({ "a.conf": "client\n", "b.conf": "# x\nserver 10.8.0.0 255.255.0.0\n" }),
            ],
        ],
        ["a pod of its own (the image's entrypoint serves)", () => [vpn({})]],
        [
            "a pod of its own, with a config that names no role",
            () => [mounting(), configMap({ "x.conf": "dev tun\nmode p2p\n" })],
        ],
        ["an image by digest", () => [vpn({ image: `kylemanna/openvpn@sha256:${"a".repeat(64)}` })]],
        ["an image named openvpn", () => [vpn({ image: "openvpn:2.6" })]],
        ["an image in an openvpn path", () => [vpn({ image: "registry.example.com/openvpn/server:1" })]],
        ["an image ending in -openvpn", () => [vpn({ image: "ghcr.io/acme/my-openvpn" })]],
        ["an image named .openvpn", () => [vpn({ image: "ghcr.io/acme/vpn.openvpn:1" })]],
        ["a binary in args", () => [vpn({ image: "x/y:1", args: ["/usr/sbin/openvpn"] })]],
    ];
    for (const [what, build] of servers) {
        it(`recognises an OpenVPN server by ${what}`, () =>
            assert.deepStrictEqual(check(konnectivity(), ...build()).length, 1));
    }

    const notServers: [string, () => EngineResource[]][] = [
        ["a sidecar beside kube-apiserver (a client dialling a server)", () => [vpn({}, { sidecar: true })]],
        ["--client on its command line", () => [vpn({ args: ["--client"] })]],
        ["--tls-client on its command line", () => [vpn({ args: ["--tls-client"] })]],
        ["--remote on its command line", () => [vpn({ command: ["openvpn", "--remote", "vpn.example", "1194"] })]],
        ["--mode p2p", () => [vpn({ args: ["--mode", "p2p"] }, { sidecar: true })]],
        [
            "a mounted client config",
            () => [mounting(), configMap({ "c.conf": "client\ndev tun\nremote vpn.example 1194\n" })],
        ],
        [
            "a mounted client of a host named server",
            () => [mounting(), configMap({ "c.conf": "remote server 1194\n" })],
        ],
        ["--remote to a host named server", () => [vpn({ args: ["--remote", "server", "1194"] })]],
        ["a mounted tls-client", () => [mounting(), configMap({ "c.conf": "tls-client\n" })]],
        ["a mounted client alone", () => [mounting(), configMap({ "c.conf": "client\n" })]],
        ["a mounted mode p2p, as a sidecar", () => [mounting({}, apiserver), configMap({ "c.conf": "mode p2p\n" })]],
        [
            "a config in a ConfigMap without data, as a sidecar",
            () => [
                mounting({}, apiserver),
                resource(types.configMap, { metadata: { name: "vpn-conf", namespace: ns }, binaryData: {} }),
            ],
        ],
        [
            "a server config in a Secret of the ConfigMap's name, as a sidecar",
            () => [
                mounting({}, apiserver),
                resource(types.secret, {
                    metadata: { name: "vpn-conf", namespace: ns },
                    data: { "x.conf": "server 10.8.0.0 255.255.0.0\n" },
                }),
            ],
        ],
        ["a mounted remote", () => [mounting(), configMap({ "c.conf": "remote vpn.example 1194\n", n: 1 })]],
        ["an image that only contains openvpn in a word", () => [vpn({ image: "acme/myopenvpnx:1" })]],
        ["an image with openvpn only in its digest", () => [vpn({ image: "acme/vpn@sha256:openvpn" })]],
        ["a binary named like openvpn", () => [vpn({ image: "x/y:1", command: ["openvpn-exporter"] })]],
        ["an image that is no string", () => [vpn({ image: 7 })]],
    ];
    for (const [what, build] of notServers) {
        it(`passes ${what}`, () => assert.deepStrictEqual(check(konnectivity(), ...build()), []));
    }

    it("reads mounted configs of its own namespace, from mounted volumes only", () => {
        const server = configMap({ "x.conf": "server 10.8.0.0 255.255.0.0\n" }, "cluster-b");
        const client = { args: ["--client"] };
        assert.deepStrictEqual(check(konnectivity(), mounting(client), server), []);
        const unmounted = workload(types.deployment, [{ name: "vpn", image: vpnImage, ...client }], {
            namespace: ns,
            pod: { volumes: [{ name: "conf", configMap: { name: "vpn-conf" } }] },
        });
        assert.deepStrictEqual(
            check(konnectivity(), unmounted, configMap({ "x.conf": "server 10.8.0.0 255.255.0.0\n" })),
            [],
        );
        const fromSecret = workload(
            types.deployment,
            [{ name: "vpn", image: vpnImage, ...client, volumeMounts: [{ name: "conf", mountPath: "/etc/openvpn" }] }],
            { namespace: ns, pod: { volumes: [{ name: "conf", secret: { secretName: "vpn-conf" } }, "junk"] } },
        );
        assert.deepStrictEqual(
            check(konnectivity(), fromSecret, configMap({ "x.conf": "server 10.8.0.0 255.255.0.0\n" })),
            [],
        );
        const otherName = resource(types.configMap, {
            metadata: { name: "other", namespace: ns },
            data: { "x.conf": "server 10.8.0.0 255.255.0.0\n" },
        });
        assert.deepStrictEqual(check(konnectivity(), mounting(client), otherName), []);
        assert.deepStrictEqual(check(konnectivity(), mounting(client), configMap("not a map")), []);
        assert.deepStrictEqual(
            check(konnectivity(), mounting({}, apiserver), configMap({ "x.conf": "# server\n" })),
            [],
        );
    });

    it("a command-line client stays a client whatever its config says it is not", () =>
        assert.deepStrictEqual(
            check(konnectivity(), mounting({ args: ["--client"] }), configMap({ "x.conf": "dev tun\n" })),
            [],
        ));

    const pending: [string, () => EngineResource[]][] = [
        [
            "its containers",
            () => [workload(types.deployment, [], { namespace: ns, pod: { containers: unknownValue } })],
        ],
        ["its namespace", () => [vpn({ ports: [{ containerPort: 1194 }] }, { namespace: unknownValue as string })]],
        ["its ports", () => [vpn({ ports: unknownValue })]],
        ["a mounted config", () => [mounting({}, apiserver), configMap(unknownValue)]],
        [
            "the name of a mounted ConfigMap",
            () => [
                vpn(
                    { volumeMounts: [{ name: "c", mountPath: "/c" }] },
                    { sidecar: true, pod: { volumes: [{ name: "c", configMap: { name: unknownValue } }] } },
                ),
            ],
        ],
        ["its volumes", () => [vpn({}, { sidecar: true, pod: { volumes: unknownValue } })]],
    ];
    for (const [what, build] of pending) {
        it(`waits for ${what} (advisory)`, () => {
            const analysis = engine.analyzeStack([konnectivity(), ...build()]);
            assertWaits(analysis);
        });
    }

    it("recognises a server by its config even beside an unknown one, and by its command before any config", () => {
        const twoVolumes = workload(
            types.deployment,
            [
                apiserver,
                {
                    name: "vpn",
                    image: vpnImage,
                    volumeMounts: [
                        { name: "a", mountPath: "/a" },
                        { name: "b", mountPath: "/b" },
                    ],
                },
            ],
            {
                namespace: ns,
                name: "openvpn",
                pod: {
                    volumes: [
                        { name: "a", configMap: { name: "unknown" } },
                        { name: "b", configMap: { name: "vpn-conf" } },
                    ],
                },
            },
        );
        const unknownConfig = resource(types.configMap, {
            metadata: { name: "unknown", namespace: ns },
            data: unknownValue,
        });
        const known = configMap({ "x.conf": "server 10.8.0.0 255.255.0.0\n" });
        assert.deepStrictEqual(levels(engine.analyzeStack([konnectivity(), twoVolumes, unknownConfig, known])), [
            "mandatory",
        ]);
        const byCommand = mounting({ args: ["--server", "10.8.0.0", "255.255.0.0"] }, apiserver);
        assert.deepStrictEqual(levels(engine.analyzeStack([konnectivity(), byCommand, configMap(unknownValue)])), [
            "mandatory",
        ]);
        const clientConfig = configMap({ "c.conf": "client\n" });
        assert.deepStrictEqual(levels(engine.analyzeStack([konnectivity(), twoVolumes, unknownConfig, clientConfig])), [
            "advisory",
        ]);
    });

    it("ignores an unknown namespace of a workload that runs no tunnel", () =>
        assert.deepStrictEqual(
            engine.analyzeStack([
                konnectivity(),
                workload(types.deployment, [apiserver], { namespace: unknownValue as string }),
            ]).diagnostics,
            [],
        ));

    it("is not applicable to a stack without OpenVPN server and konnectivity-server", () => {
        const analysis = engine.analyzeStack([
            workload(types.deployment, [apiserver], { namespace: ns }),
            vpn({}, { sidecar: true }),
        ]);
        assert.deepStrictEqual(notApplicable(analysis), [
            "the stack runs no OpenVPN server and no konnectivity-server",
        ]);
    });
});
