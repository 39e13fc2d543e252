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
 * tunnel-privileges-contained: only OpenVPN containers hold network privileges (NET_ADMIN, NET_RAW,
 * the node's /dev/net/tun), none is privileged, and nothing else in a control-plane namespace (one
 * that runs kube-apiserver) adds capabilities, mounts host paths or shares the node's namespaces.
 */
describe("tunnel-privileges-contained", () => {
    const engine = only("tunnel-privileges-contained");
    const apiserver = { name: "api", image: "registry.k8s.io/kube-apiserver:v1.36.5" };
    const vpnImage = "docker.io/library/openvpn-custom:2.6.12";
    const caps = (...add: unknown[]) => ({ securityContext: { capabilities: { drop: ["ALL"], add } } });
    const tun = { name: "tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } };
    const tunMount = { volumeMounts: [{ name: "tun", mountPath: "/dev/net/tun" }] };
    const deployment = (
        namespace: string,
        containers: Record<string, unknown>[],
        pod: Record<string, unknown> = {},
        name = "w",
    ) => workload(types.deployment, containers, { namespace, name, pod });
    /** cp-a is a control-plane namespace: it runs kube-apiserver. */
    const controlPlane = (...workloads: EngineResource[]) => [
        deployment("cp-a", [apiserver], {}, "apiserver"),
        ...workloads,
    ];
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const vpn = (more: Record<string, unknown> = {}) => ({ name: "vpn", image: vpnImage, ...more });

    const privilegedTunnel =
        'container "vpn" of w (namespace cp-a) is privileged: every capability and every device of the node. OpenVPN needs NET_ADMIN and /dev/net/tun only; set privileged: false.';
    const flagged: [string, EngineResource[], string[]][] = [
        [
            "a privileged OpenVPN container (what KKP ran)",
            controlPlane(deployment("cp-a", [vpn({ securityContext: { privileged: true } })])),
            [privilegedTunnel],
        ],
        [
            "a privileged container beside kube-apiserver",
            controlPlane(
                deployment("cp-a", [{ name: "x", image: "alpine:3.20", securityContext: { privileged: true } }]),
            ),
            [
                'container "x" of w (namespace cp-a) is privileged: every capability and every device of the node. Nothing of the control plane needs that; set privileged: false.',
            ],
        ],
        [
            "an OpenVPN container adding SYS_ADMIN",
            controlPlane(deployment("cp-a", [vpn(caps("NET_ADMIN", "SYS_ADMIN", "NET_RAW"))])),
            [
                'container "vpn" of w (namespace cp-a) adds SYS_ADMIN. An OpenVPN container needs NET_ADMIN and NET_RAW at most.',
            ],
        ],
        [
            "NET_ADMIN on a container that is no OpenVPN, beside kube-apiserver",
            controlPlane(
                deployment("cp-a", [
                    { name: "debug", image: "nicolaka/netshoot:v0.13", ...caps("NET_ADMIN", "net_raw") },
                ]),
            ),
            [
                'container "debug" of w (namespace cp-a) adds NET_ADMIN, NET_RAW. Outside the tunnel\'s OpenVPN containers, nothing in a control-plane namespace adds capabilities (its Pod Security level cannot stop it in openvpn mode).',
            ],
        ],
        [
            "CAP_NET_RAW spelled with its prefix on kube-apiserver itself",
            [deployment("cp-a", [{ ...apiserver, ...caps("CAP_NET_RAW") }])],
            [
                'container "api" of w (namespace cp-a) adds NET_RAW. Outside the tunnel\'s OpenVPN containers, nothing in a control-plane namespace adds capabilities (its Pod Security level cannot stop it in openvpn mode).',
            ],
        ],
        [
            "a hostPath other than the TUN device in the control-plane namespace",
            controlPlane(
                deployment(
                    "cp-a",
                    [
                        {
                            name: "etcd",
                            image: "registry.k8s.io/etcd:3.6.8-0",
                            volumeMounts: [{ name: "h", mountPath: "/data" }],
                        },
                    ],
                    {
                        volumes: [{ name: "h", hostPath: { path: "/var/lib/etcd" } }],
                    },
                ),
            ),
            [
                'w (namespace cp-a) mounts the host path /var/lib/etcd (volume h, in container "etcd"). Only the tunnel\'s OpenVPN containers may mount a host path, and only /dev/net/tun.',
            ],
        ],
        [
            "a hostPath no container mounts, in the control-plane namespace",
            controlPlane(
                deployment("cp-a", [{ name: "x", image: "alpine:3.20" }], {
                    volumes: [{ name: "h", hostPath: { path: "/" } }],
                }),
            ),
            [
                "w (namespace cp-a) mounts the host path / (volume h). Only the tunnel's OpenVPN containers may mount a host path, and only /dev/net/tun.",
            ],
        ],
        [
            "the TUN device mounted into a container that is no OpenVPN",
            controlPlane(
                deployment("cp-a", [{ name: "shell", image: "alpine:3.20", ...tunMount }], { volumes: [tun] }),
            ),
            [
                'w (namespace cp-a) mounts the host path /dev/net/tun (volume tun, in container "shell"). Only the tunnel\'s OpenVPN containers may mount a host path, and only /dev/net/tun.',
            ],
        ],
        [
            "the TUN device shared by OpenVPN and a shell",
            controlPlane(
                deployment("cp-a", [vpn(tunMount), { name: "shell", image: "alpine:3.20", ...tunMount }], {
                    volumes: [tun],
                }),
            ),
            [
                'w (namespace cp-a) mounts the host path /dev/net/tun (volume tun, in container "vpn", container "shell"). Only the tunnel\'s OpenVPN containers may mount a host path, and only /dev/net/tun.',
            ],
        ],
        [
            "another host path for an OpenVPN container outside the control plane",
            [
                deployment("kube-system", [vpn({ volumeMounts: [{ name: "h", mountPath: "/h" }] })], {
                    volumes: [{ name: "h", hostPath: { path: "/etc" } }],
                }),
            ],
            [
                'w (namespace kube-system) mounts the host path /etc (volume h, in container "vpn"). Only the tunnel\'s OpenVPN containers may mount a host path, and only /dev/net/tun.',
            ],
        ],
        ...(["hostNetwork", "hostPID", "hostIPC"] as const).map((key): [string, EngineResource[], string[]] => [
            `${key} in the control-plane namespace`,
            controlPlane(deployment("cp-a", [{ name: "x", image: "alpine:3.20" }], { [key]: true })),
            [`w (namespace cp-a) sets ${key}: the tunnel needs none of the node's namespaces.`],
        ]),
        [
            "a capability that only contains a tunnel capability's name",
            controlPlane(deployment("cp-a", [vpn(caps("X_CAP_NET_ADMIN"))])),
            [
                'container "vpn" of w (namespace cp-a) adds X_CAP_NET_ADMIN. An OpenVPN container needs NET_ADMIN and NET_RAW at most.',
            ],
        ],
        [
            "a host path shared by OpenVPN and another container outside the control plane",
            [
                deployment(
                    "kube-system",
                    [
                        vpn({ volumeMounts: [{ name: "h", mountPath: "/h" }] }),
                        { name: "x", image: "alpine:3.20", volumeMounts: [{ name: "h", mountPath: "/h" }] },
                    ],
                    { volumes: [{ name: "h", hostPath: { path: "/etc" } }] },
                ),
            ],
            [
                'w (namespace kube-system) mounts the host path /etc (volume h, in container "vpn", container "x"). Only the tunnel\'s OpenVPN containers may mount a host path, and only /dev/net/tun.',
            ],
        ],
        [
            "hostNetwork on an OpenVPN pod anywhere",
            [deployment("kube-system", [vpn()], { hostNetwork: true })],
            ["w (namespace kube-system) sets hostNetwork: the tunnel needs none of the node's namespaces."],
        ],
        [
            "a privileged OpenVPN client anywhere (the user cluster's kube-system)",
            [
                deployment("kube-system", [
                    {
                        name: "client",
                        image: "quay.io/kubermatic/openvpn:v2.5.2-r0",
                        securityContext: { privileged: true },
                    },
                ]),
            ],
            [
                'container "client" of w (namespace kube-system) is privileged: every capability and every device of the node. OpenVPN needs NET_ADMIN and /dev/net/tun only; set privileged: false.',
            ],
        ],
    ];
    for (const [what, resources, expected] of flagged) {
        it(`flags ${what}, on the workload`, () => {
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), expected);
            assert.deepStrictEqual(
                urns(analysis),
                expected.map(() => resources.at(-1)?.urn),
            );
        });
    }

    it("reports every finding of a workload, each on its own", () => {
        const everything = deployment(
            "cp-a",
            [
                vpn({
                    securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
                    volumeMounts: [{ name: "h", mountPath: "/h" }],
                }),
            ],
            { hostPID: true, hostIPC: true, volumes: [{ name: "h", hostPath: { path: "/etc" } }] },
        );
        assert.deepStrictEqual(
            check(controlPlane(everything)).map((m) => m.split(/[:.] /)[0]),
            [
                "w (namespace cp-a) sets hostPID",
                "w (namespace cp-a) sets hostIPC",
                'container "vpn" of w (namespace cp-a) is privileged',
                'container "vpn" of w (namespace cp-a) adds SYS_ADMIN',
                'w (namespace cp-a) mounts the host path /etc (volume h, in container "vpn")',
            ],
        );
    });

    const fine: [string, EngineResource[]][] = [
        [
            "the TUN device for OpenVPN beside a shell with other mounts",
            controlPlane(
                deployment(
                    "cp-a",
                    [
                        vpn(tunMount),
                        { name: "shell", image: "alpine:3.20", volumeMounts: [{ name: "data", mountPath: "/d" }] },
                    ],
                    { volumes: [tun, { name: "data", emptyDir: {} }] },
                ),
            ),
        ],
        [
            "an OpenVPN server with NET_ADMIN, NET_RAW and the TUN device, recognised by its command",
            controlPlane(
                deployment(
                    "cp-a",
                    [
                        {
                            name: "srv",
                            image: "registry.example.com/vpn:1.0",
                            command: ["/usr/sbin/openvpn", "--config", "/c"],
                            ...caps("NET_ADMIN", "CAP_NET_RAW"),
                            ...tunMount,
                        },
                    ],
                    {
                        volumes: [tun],
                    },
                ),
            ),
        ],
        [
            "a sidecar with NET_ADMIN next to kube-apiserver",
            controlPlane(
                deployment("cp-a", [apiserver, vpn({ ...caps("NET_ADMIN"), ...tunMount })], { volumes: [tun] }),
            ),
        ],
        [
            "the TUN device no container mounts",
            controlPlane(deployment("cp-a", [{ name: "x", image: "alpine:3.20" }], { volumes: [tun] })),
        ],
        [
            "explicit false and no securityContext details",
            controlPlane(
                deployment(
                    "cp-a",
                    [
                        {
                            name: "x",
                            image: "alpine:3.20",
                            securityContext: { privileged: false, capabilities: { add: "NET_ADMIN" } },
                        },
                        { name: "y", image: "alpine:3.20" },
                    ],
                    {
                        hostNetwork: false,
                        volumes: [{ name: "e", emptyDir: {} }, "junk"],
                    },
                ),
            ),
        ],
        [
            "privileged workloads in a namespace without kube-apiserver or OpenVPN (a CNI in kube-system)",
            controlPlane(
                deployment(
                    "kube-system",
                    [
                        {
                            name: "calico-node",
                            image: "quay.io/calico/node:v3.30.0",
                            securityContext: { privileged: true },
                        },
                    ],
                    { hostNetwork: true },
                ),
            ),
        ],
        [
            "a privileged neighbour of an OpenVPN container outside the control plane, and its host paths",
            [
                deployment(
                    "kube-system",
                    [
                        vpn(),
                        {
                            name: "cni",
                            image: "quay.io/calico/node:v3.30.0",
                            securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
                            volumeMounts: [
                                { name: "h", mountPath: "/h" },
                                { name: "tun", mountPath: "/t" },
                            ],
                        },
                    ],
                    {
                        volumes: [{ name: "h", hostPath: { path: "/etc" } }, tun],
                    },
                ),
            ],
        ],
    ];
    for (const [what, resources] of fine) {
        it(`passes ${what}`, () => {
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), []);
            assert.deepStrictEqual(notApplicable(analysis), []);
        });
    }

    it("finds control-plane namespaces by kube-apiserver in any workload, whatever comes first", () => {
        const sidecar = deployment("cp-b", [{ name: "x", image: "alpine:3.20", ...caps("NET_ADMIN") }]);
        const api = workload(
            types.statefulSet,
            [{ name: "k", image: "example.com/k:1", command: ["kube-apiserver"] }],
            { namespace: "cp-b" },
        );
        assert.deepStrictEqual(check([sidecar, api]).length, 1);
        assert.deepStrictEqual(check([sidecar]), []);
        const withSidecar = deployment("cp-b", [{ name: "proxy", image: "envoyproxy/envoy:v1.34.0" }, apiserver]);
        assert.deepStrictEqual(check([sidecar, withSidecar]).length, 1);
    });

    it("reads namespaces of workloads only", () => {
        const unknownNamespace = resource(types.configMap, { metadata: { name: "c", namespace: unknownValue } });
        assert.deepStrictEqual(engine.analyzeStack(controlPlane(unknownNamespace)).diagnostics, []);
    });

    const pending: [string, () => EngineResource[]][] = [
        [
            "a control-plane namespace",
            () => [workload(types.deployment, [apiserver], { namespace: unknownValue as string })],
        ],
        [
            "a workload's namespace",
            () => controlPlane(workload(types.deployment, [vpn()], { namespace: unknownValue as string })),
        ],
        [
            "a workload's containers",
            () =>
                controlPlane(workload(types.deployment, [], { namespace: "cp-a", pod: { containers: unknownValue } })),
        ],
        ["hostNetwork", () => controlPlane(deployment("cp-a", [vpn()], { hostNetwork: unknownValue }))],
        ["a securityContext", () => controlPlane(deployment("cp-a", [vpn({ securityContext: unknownValue })]))],
        [
            "privileged",
            () => controlPlane(deployment("cp-a", [vpn({ securityContext: { privileged: unknownValue } })])),
        ],
        [
            "added capabilities",
            () =>
                controlPlane(
                    deployment("cp-a", [
                        { name: "x", image: "alpine:3.20", securityContext: { capabilities: { add: unknownValue } } },
                    ]),
                ),
        ],
        ["the volumes", () => controlPlane(deployment("cp-a", [vpn()], { volumes: unknownValue }))],
        [
            "a host path",
            () =>
                controlPlane(
                    deployment("cp-a", [vpn()], { volumes: [{ name: "h", hostPath: { path: unknownValue } }] }),
                ),
        ],
    ];
    for (const [what, build] of pending) {
        it(`waits for ${what} (advisory)`, () => {
            const analysis = engine.analyzeStack(build());
            assertWaits(analysis);
        });
    }

    it("reports what it knows beside what it waits for", () => {
        const mixed = deployment(
            "cp-a",
            [
                vpn({ securityContext: unknownValue }),
                {
                    name: "x",
                    image: "alpine:3.20",
                    securityContext: { privileged: unknownValue, capabilities: { add: ["SYS_ADMIN"] } },
                },
                { name: "y", image: "alpine:3.20", securityContext: { capabilities: { add: unknownValue } } },
                { name: "z", image: "alpine:3.20", securityContext: { privileged: true } },
            ],
            {
                volumes: [
                    { name: "h", hostPath: { path: unknownValue } },
                    { name: "g", hostPath: { path: "/g" } },
                ],
            },
        );
        const analysis = engine.analyzeStack(controlPlane(mixed));
        assert.deepStrictEqual(
            messages(analysis)
                .slice(0, -1)
                .map((m) => m.split(/[:.] /)[0]),
            [
                'container "x" of w (namespace cp-a) adds SYS_ADMIN',
                'container "z" of w (namespace cp-a) is privileged',
                "w (namespace cp-a) mounts the host path /g (volume g)",
            ],
        );
        assert.deepStrictEqual(levels(analysis), ["mandatory", "mandatory", "mandatory", "advisory"]);
    });

    it("counts a container whose mounts are not known yet as no user of a host path", () =>
        assert.deepStrictEqual(
            check(
                controlPlane(
                    deployment(
                        "cp-a",
                        [
                            vpn({ volumeMounts: unknownValue }),
                            { name: "x", image: "alpine:3.20", volumeMounts: unknownValue },
                        ],
                        { volumes: [tun] },
                    ),
                ),
            ),
            [],
        ));

    it("is not applicable without kube-apiserver and OpenVPN", () => {
        const analysis = engine.analyzeStack([
            deployment("apps", [{ name: "web", image: "nginx:1.27", securityContext: { privileged: true } }]),
        ]);
        assert.deepStrictEqual(notApplicable(analysis), ["the stack runs no kube-apiserver and no OpenVPN container"]);
        assert.deepStrictEqual(analysis.diagnostics, []);
    });
});
