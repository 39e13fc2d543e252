import * as assert from "assert";
import { policies } from "../../policies/policies";
import { Engine, EngineResource, unknownValue, violated } from "./engine";

/**
 * The policies a reviewer of an OpenVPN cluster wants (and one-tunnel-per-cluster's recognition
 * of an OpenVPN server), each on small stacks written the way someone else would write them:
 * other names than this program's, resources recognised by image, ports and capabilities.
 */
const only = (name: string) => new Engine(policies.filter((p) => p.name === name));

let serial = 0;
function res(type: string, props: Record<string, unknown>, extra: Partial<EngineResource> = {}): EngineResource {
    const name = `t${++serial}`;
    return { type, name, urn: `urn:pulumi:test::gks-cluster::${type}::${name}`, props, ...extra };
}

const deploymentType = "kubernetes:apps/v1:Deployment";
const deployment = (
    namespace: string,
    containers: Record<string, unknown>[],
    spec: Record<string, unknown> = {},
): EngineResource =>
    res(deploymentType, {
        metadata: { name: `w${serial}`, namespace },
        spec: { template: { spec: { containers, ...spec } } },
    });
const kubeApiserver = { name: "api", image: "registry.k8s.io/kube-apiserver:v1.36.5" };
const vpnImage = "docker.io/library/openvpn-custom:2.6.12";
const caps = (...add: string[]) => ({ securityContext: { capabilities: { drop: ["ALL"], add } } });
const tun = { name: "tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } };
const tunMount = { volumeMounts: [{ name: "tun", mountPath: "/dev/net/tun" }] };

describe("tunnel-privileges-contained", () => {
    const check = (resources: EngineResource[]) =>
        violated(only("tunnel-privileges-contained").analyzeStack(resources));
    const controlPlane = (...workloads: EngineResource[]) => [deployment("cp-a", [kubeApiserver]), ...workloads];

    const flagged: [string, EngineResource[]][] = [
        [
            "a privileged OpenVPN container (what KKP ran)",
            controlPlane(deployment("cp-a", [{ name: "vpn", image: vpnImage, securityContext: { privileged: true } }])),
        ],
        [
            "an OpenVPN container adding SYS_ADMIN",
            controlPlane(deployment("cp-a", [{ name: "vpn", image: vpnImage, ...caps("NET_ADMIN", "SYS_ADMIN") }])),
        ],
        [
            "NET_ADMIN on a container that is no OpenVPN, beside kube-apiserver",
            controlPlane(
                deployment("cp-a", [{ name: "debug", image: "nicolaka/netshoot:v0.13", ...caps("NET_ADMIN") }]),
            ),
        ],
        [
            "CAP_NET_RAW spelled with its prefix on kube-apiserver itself",
            [deployment("cp-a", [{ ...kubeApiserver, ...caps("CAP_NET_RAW") }])],
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
        ],
        [
            "the TUN device mounted into a container that is no OpenVPN",
            controlPlane(
                deployment("cp-a", [{ name: "shell", image: "alpine:3.20", ...tunMount }], { volumes: [tun] }),
            ),
        ],
        [
            "hostNetwork in the control-plane namespace",
            controlPlane(deployment("cp-a", [{ name: "x", image: "alpine:3.20" }], { hostNetwork: true })),
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
        ],
    ];
    for (const [what, resources] of flagged) {
        it(`flags ${what}`, () => assert.deepStrictEqual(check(resources), ["tunnel-privileges-contained"]));
    }

    const fine: [string, EngineResource[]][] = [
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
                            ...caps("NET_ADMIN", "NET_RAW"),
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
                deployment("cp-a", [kubeApiserver, { name: "c", image: vpnImage, ...caps("NET_ADMIN"), ...tunMount }], {
                    volumes: [tun],
                }),
            ),
        ],
        [
            "privileged workloads in a namespace without kube-apiserver or OpenVPN (a CNI in kube-system)",
            [
                deployment("kube-system", [
                    {
                        name: "calico-node",
                        image: "quay.io/calico/node:v3.30.0",
                        securityContext: { privileged: true },
                    },
                ]),
            ],
        ],
    ];
    for (const [what, resources] of fine) {
        it(`passes ${what}`, () => assert.deepStrictEqual(check(resources), []));
    }

    it("is not applicable without kube-apiserver and OpenVPN, and waits for unknown capabilities", () => {
        const analysis = only("tunnel-privileges-contained").analyzeStack([
            deployment("apps", [{ name: "web", image: "nginx:1.27" }]),
        ]);
        assert.deepStrictEqual(
            analysis.notApplicable.map((n) => n.reason),
            ["the stack runs no kube-apiserver and no OpenVPN container"],
        );
        const pending = only("tunnel-privileges-contained").analyzeStack(
            controlPlane(
                deployment("cp-a", [
                    { name: "x", image: "alpine:3.20", securityContext: { capabilities: { add: unknownValue } } },
                ]),
            ),
        );
        assert.deepStrictEqual(
            pending.diagnostics.map((d) => d.enforcementLevel),
            ["advisory"],
        );
    });
});

describe("one-tunnel-per-cluster recognises an OpenVPN server by what it is", () => {
    const konnectivity = deployment("cp-a", [
        kubeApiserver,
        { name: "proxy", image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.36.0" },
    ]);
    const check = (...resources: EngineResource[]) =>
        violated(only("one-tunnel-per-cluster").analyzeStack([konnectivity, ...resources]));
    it("by a port it listens on", () =>
        assert.deepStrictEqual(
            check(deployment("cp-a", [{ name: "a", image: vpnImage, ports: [{ containerPort: 443 }] }])),
            ["one-tunnel-per-cluster"],
        ));
    it("by its command line", () =>
        assert.deepStrictEqual(
            check(
                deployment("cp-a", [{ name: "a", image: "x/y:1", command: ["openvpn"], args: ["--mode", "server"] }]),
            ),
            ["one-tunnel-per-cluster"],
        ));
    it("by the configuration it mounts", () => {
        const config = res("kubernetes:core/v1:ConfigMap", {
            metadata: { name: "conf", namespace: "cp-a" },
            data: { "x.conf": "proto tcp-server\nserver 10.8.0.0 255.255.255.0\n" },
        });
        const server = deployment(
            "cp-a",
            [{ name: "a", image: vpnImage, volumeMounts: [{ name: "c", mountPath: "/etc/x" }] }],
            { volumes: [{ name: "c", configMap: { name: "conf" } }] },
        );
        assert.deepStrictEqual(check(config, server), ["one-tunnel-per-cluster"]);
    });
    it("but not an OpenVPN client (a sidecar dialling a server)", () => {
        const config = res("kubernetes:core/v1:ConfigMap", {
            metadata: { name: "conf", namespace: "cp-a" },
            data: { "c.conf": "client\nremote vpn.example 1194\n" },
        });
        const client = deployment(
            "cp-a",
            [{ name: "a", image: vpnImage, volumeMounts: [{ name: "c", mountPath: "/etc/x" }] }],
            { volumes: [{ name: "c", configMap: { name: "conf" } }] },
        );
        assert.deepStrictEqual(check(config, client), []);
    });
});
