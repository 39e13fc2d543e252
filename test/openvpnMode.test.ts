import * as assert from "assert";
import { X509Certificate } from "crypto";
import { argumentsOf, parseDirectives } from "../components/tunnel/openvpn/directives";
import { configChecksum } from "../components/shared/checksum";
import { openvpnConfig, openvpnRun } from "./fixtures";
import {
    at,
    containerOf,
    descendantsOf,
    isSecretAt,
    one,
    ofType,
    ProgramRun,
    RecordedContainer,
    RecordedResource,
    runProgram,
} from "./harness";

const T = {
    namespace: "kubernetes:core/v1:Namespace",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    listener: "openstack:loadbalancer/listener:Listener",
    member: "openstack:loadbalancer/member:Member",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    router: "openstack:networking/router:Router",
    cert: "tls:index/locallySignedCert:LocallySignedCert",
    ca: "tls:index/selfSignedCert:SelfSignedCert",
};

const byObjectName = (run: ProgramRun, type: string, name: string, namespace?: string): RecordedResource => {
    const found = ofType(run.resources, type).filter(
        (r) =>
            at(r.inputs, "metadata.name") === name &&
            (namespace === undefined || at(r.inputs, "metadata.namespace") === namespace),
    );
    assert.strictEqual(found.length, 1, `one ${type} named ${name}`);
    return found[0];
};
const data = (r: RecordedResource) => (r.inputs.stringData ?? r.inputs.data) as Record<string, string>;
const directives = (run: ProgramRun, configMap: string, key: string, namespace = "cluster-legacy") =>
    parseDirectives(data(byObjectName(run, T.configMap, configMap, namespace))[key]);

describe("openvpn mode (the openvpn stack under mocks)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await openvpnRun();
    });

    it("puts nothing of konnectivity anywhere: no sidecar, egress selector, agent Service, agents, listener or CA", () => {
        const custom = run.resources.filter((r) => r.custom);
        assert.doesNotMatch(JSON.stringify(custom.map((r) => r.inputs)), /kas-network-proxy|egress-selector/);
        assert.deepStrictEqual(
            run.resources.filter((r) => /konnectivity/i.test(`${r.type} ${r.name}`)).map((r) => r.name),
            [],
        );
        assert.deepStrictEqual(
            ofType(run.resources, T.listener).map((l) => l.inputs.protocolPort),
            [6443, 1194],
        );
    });

    it("enforces privileged in the seed namespace: its pods add NET_ADMIN and mount the node's TUN device", () => {
        const ns = one(run.resources, T.namespace, "legacy");
        const labels = at(ns.inputs, "metadata.labels") as Record<string, string>;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "privileged");
    });

    describe("the seed", () => {
        it("runs one openvpn-server, never two (Recreate), with the pinned KKP image, TCP 1194 and a readiness probe", () => {
            const server = byObjectName(run, T.deployment, "openvpn-server");
            assert.strictEqual(at(server.inputs, "spec.replicas"), 1);
            assert.deepStrictEqual(at(server.inputs, "spec.strategy"), { type: "Recreate" });
            const c = containerOf(server, "openvpn-server");
            assert.strictEqual(c.image, "quay.io/kubermatic/openvpn:v2.5.2-r0");
            assert.deepStrictEqual(at(c, "ports[0]"), { name: "openvpn", containerPort: 1194, protocol: "TCP" });
            assert.deepStrictEqual(at(c, "readinessProbe.exec.command"), ["test", "-s", "/run/openvpn.status"]);
            const conf = directives(run, "openvpn-server-config", "server.conf");
            assert.deepStrictEqual(argumentsOf(conf, "status")[0], ["/run/openvpn.status", "5"]);
        });

        it("configures the server from the settings: tunnel network, pushed routes, client-config-dir iroutes, keepalive", () => {
            const conf = directives(run, "openvpn-server-config", "server.conf");
            assert.deepStrictEqual(argumentsOf(conf, "server"), [["10.20.0.0", "255.255.255.0"]]);
            assert.deepStrictEqual(argumentsOf(conf, "push"), [
                ["route 192.168.2.0 255.255.255.0"],
                ["route 172.25.0.0 255.255.0.0"],
                ["route 10.240.16.0 255.255.240.0"],
            ]);
            assert.deepStrictEqual(argumentsOf(conf, "keepalive"), [["30", "120"]]);
            const ccd = data(byObjectName(run, T.configMap, "openvpn-server-ccd"));
            assert.deepStrictEqual(Object.keys(ccd).sort(), ["openvpn-seed-client", "user-cluster-client"]);
            assert.deepStrictEqual(argumentsOf(parseDirectives(ccd["user-cluster-client"]), "iroute"), [
                ["192.168.2.0", "255.255.255.0"],
                ["172.25.0.0", "255.255.0.0"],
                ["10.240.16.0", "255.255.240.0"],
            ]);
        });

        it("exposes the server on the openvpnNodePort for the load balancer, and by ClusterIP for the sidecars", () => {
            const service = byObjectName(run, T.service, "openvpn-server");
            assert.deepStrictEqual(at(service.inputs, "spec.ports"), [
                { name: "openvpn", protocol: "TCP", port: 1194, targetPort: "openvpn", nodePort: 30195 },
            ]);
            assert.strictEqual(at(service.inputs, "spec.type"), "NodePort");
            assert.strictEqual(at(service.inputs, "spec.sessionAffinity"), "None");
            assert.deepStrictEqual(at(service.inputs, "spec.selector"), {
                "app.kubernetes.io/name": "openvpn-server",
                "app.kubernetes.io/instance": "legacy",
            });
            const sidecarConf = directives(run, "openvpn-client-config", "client.conf");
            assert.deepStrictEqual(argumentsOf(sidecarConf, "remote"), [["openvpn-server.cluster-legacy.svc", "1194"]]);
        });

        it("gives every apiserver pod an openvpn-client sidecar and no egress selector; kube-apiserver prefers InternalIPs", () => {
            const apiserver = byObjectName(run, T.deployment, "apiserver");
            const kas = containerOf(apiserver, "kube-apiserver");
            assert.ok(kas.args.includes("--kubelet-preferred-address-types=InternalIP"));
            assert.ok(!kas.args.some((a) => a.startsWith("--egress-selector-config-file")));
            const sidecar = containerOf(apiserver, "openvpn-client");
            assert.deepStrictEqual(sidecar.command, [
                "/usr/sbin/openvpn",
                "--config",
                "/etc/openvpn/config/client.conf",
            ]);
            assert.deepStrictEqual(
                (at(apiserver.inputs, "spec.template.spec.volumes") as { hostPath?: unknown }[]).filter(
                    (v) => v.hostPath,
                ),
                [{ name: "dev-net-tun", hostPath: { path: "/dev/net/tun", type: "CharDevice" } }],
            );
        });

        it("allows several apiserver replicas, each with its own client, over the one tunnel", async () => {
            const three = await runProgram(openvpnConfig({ apiserverReplicas: 3 }), { stack: "openvpn" });
            if (three.error) throw three.error;
            assert.strictEqual(at(byObjectName(three, T.deployment, "apiserver").inputs, "spec.replicas"), 3);
            assert.strictEqual(at(byObjectName(three, T.deployment, "openvpn-server").inputs, "spec.replicas"), 1);
            assert.strictEqual(three.outputs.tunnels, 1);
        });
    });

    describe("the capabilities of the tunnel's containers", () => {
        const expected: [string, string, string[]][] = [
            ["openvpn-server", "openvpn-server", ["NET_ADMIN", "NET_RAW"]],
            ["apiserver", "openvpn-client", ["NET_ADMIN"]],
            ["openvpn-client", "openvpn-client", ["NET_ADMIN", "NET_RAW"]],
        ];
        for (const [workload, container, added] of expected) {
            it(`${workload}/${container}: drops all and adds ${added.join(", ")}; not privileged, no escalation, read-only root`, () => {
                const c: RecordedContainer = containerOf(byObjectName(run, T.deployment, workload), container);
                assert.deepStrictEqual(c.securityContext, {
                    runAsUser: 0,
                    runAsGroup: 0,
                    runAsNonRoot: false,
                    privileged: false,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"], add: added },
                    seccompProfile: { type: "RuntimeDefault" },
                });
            });
        }

        it("leaves every other container of the seed as restricted as in konnectivity mode", () => {
            const seed = descendantsOf(run.resources, one(run.resources, "gks:index:ControlPlane"));
            for (const w of [...ofType(seed, T.deployment), ...ofType(seed, "kubernetes:apps/v1:StatefulSet")]) {
                for (const c of at(w.inputs, "spec.template.spec.containers") as RecordedContainer[]) {
                    if (/openvpn/.test(c.image)) continue;
                    assert.deepStrictEqual(
                        at(c, "securityContext.capabilities"),
                        { drop: ["ALL"] },
                        `${w.name}/${c.name}`,
                    );
                    assert.strictEqual(at(c, "securityContext.runAsNonRoot"), true, `${w.name}/${c.name}`);
                }
            }
        });
    });

    describe("the endpoint", () => {
        it("has a 1194 listener admitting only the worker router, pooled on the openvpnNodePort", () => {
            const listener = one(run.resources, T.listener, "legacy-api-openvpn");
            const router = one(run.resources, T.router, "legacy-workers");
            const snat = String(at(router.outputs, "externalFixedIps[0].ipAddress"));
            assert.deepStrictEqual(listener.inputs.allowedCidrs, [`${snat}/32`]);
            assert.strictEqual(listener.inputs.timeoutClientData, 3600000);
            const members = ofType(run.resources, T.member).filter((m) => m.name.startsWith("legacy-api-openvpn-"));
            assert.deepStrictEqual(
                members.map((m) => m.inputs.protocolPort),
                [30195, 30195, 30195],
            );
            const rule = one(run.resources, T.rule, "legacy-api-seed-openvpn-lb-subnet");
            assert.deepStrictEqual([rule.inputs.portRangeMin, rule.inputs.remoteIpPrefix], [30195, "10.0.0.0/24"]);
        });
    });

    describe("the user cluster", () => {
        it("runs one critical openvpn-client in kube-system that dials the load balancer's 1194 and takes no routes", () => {
            const client = byObjectName(run, T.deployment, "openvpn-client");
            assert.strictEqual(at(client.inputs, "metadata.namespace"), "kube-system");
            assert.strictEqual(at(client.inputs, "spec.replicas"), 1);
            assert.strictEqual(at(client.inputs, "spec.template.spec.priorityClassName"), "system-cluster-critical");
            assert.deepStrictEqual(at(client.inputs, "metadata.annotations"), { "pulumi.com/skipAwait": "true" });
            const userConf = directives(run, "openvpn-client-config", "client.conf", "kube-system");
            assert.deepStrictEqual(argumentsOf(userConf, "remote"), [[String(run.outputs.tunnelAddress), "1194"]]);
            assert.deepStrictEqual(argumentsOf(userConf, "route-nopull"), [[]]);
            const c = containerOf(client, "openvpn-client");
            for (const probe of ["readinessProbe", "livenessProbe"]) {
                assert.deepStrictEqual(at(c, `${probe}.exec.command`), ["ping", "-c", "1", "-W", "2", "10.20.0.1"]);
            }
            assert.match(String((c.command as string[])[2]), /MASQUERADE/);
        });

        it("keeps the client's certificate in a secret kube-system Secret, with a tokenless ServiceAccount", () => {
            const secret = byObjectName(run, T.secret, "openvpn-client-certificates");
            assert.ok(isSecretAt(secret, "stringData"));
            assert.strictEqual(secret.inputs.type, "kubernetes.io/tls");
            const sa = byObjectName(run, "kubernetes:core/v1:ServiceAccount", "openvpn-client");
            assert.strictEqual(sa.inputs.automountServiceAccountToken, false);
        });

        it("keeps the kubelet-API binding for kube-apiserver's kubelet client", () => {
            one(
                run.resources,
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                "legacy-user-cluster-kubelet-api",
            );
        });
    });

    describe("the OpenVPN CA", () => {
        it("is the tunnel's own: server, sidecar and user-cluster certificates, ECDSA, each for its purpose", () => {
            const ca = new X509Certificate(String(one(run.resources, T.ca, "legacy-openvpn-ca").outputs.certPem));
            const expected: [string, string, string][] = [
                ["legacy-openvpn-server", "openvpn-server", "1.3.6.1.5.5.7.3.1"],
                ["legacy-openvpn-seed-client", "openvpn-seed-client", "1.3.6.1.5.5.7.3.2"],
                ["legacy-openvpn-user-cluster-client", "user-cluster-client", "1.3.6.1.5.5.7.3.2"],
            ];
            for (const [name, commonName, usage] of expected) {
                const cert = new X509Certificate(String(one(run.resources, T.cert, name).outputs.certPem));
                assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), name);
                assert.strictEqual(cert.subject, `CN=${commonName}`);
                assert.deepStrictEqual(cert.keyUsage, [usage]);
                assert.strictEqual(cert.publicKey.asymmetricKeyType, "ec");
            }
            assert.strictEqual(run.outputs.openvpnCaCertificate, ca.toString());
            assert.strictEqual(run.outputs.konnectivityCaCertificate, undefined);
        });

        it("mounts the server's pair and the CA in the server, the shared client pair in the sidecars", () => {
            const server = data(byObjectName(run, T.secret, "openvpn-server-pki"));
            const sidecar = data(byObjectName(run, T.secret, "openvpn-client-pki"));
            const pem = (name: string) => String(one(run.resources, T.cert, name).outputs.certPem);
            assert.strictEqual(server["tls.crt"], pem("legacy-openvpn-server"));
            assert.strictEqual(sidecar["tls.crt"], pem("legacy-openvpn-seed-client"));
            assert.strictEqual(server["ca.crt"], sidecar["ca.crt"]);
        });
    });

    it("checksums exactly what each OpenVPN pod mounts", () => {
        const files = (names: string[]) =>
            names.flatMap((n) => {
                const r = ofType(run.resources, T.secret)
                    .concat(ofType(run.resources, T.configMap))
                    .find(
                        (x) =>
                            at(x.inputs, "metadata.name") === n &&
                            at(x.inputs, "metadata.namespace") === "cluster-legacy",
                    )!;
                return Object.entries(data(r)).map(([key, content]) => ({ source: n, key, content }));
            });
        const server = byObjectName(run, T.deployment, "openvpn-server");
        const annotations = at(server.inputs, "spec.template.metadata.annotations") as Record<string, string>;
        assert.strictEqual(
            annotations["gks.io/config-checksum"],
            configChecksum(files(["openvpn-server-pki", "openvpn-server-config", "openvpn-server-ccd"])),
        );
    });

    it("records openvpn as what runs, and one tunnel", () => {
        assert.deepStrictEqual(run.outputs.clusterState, {
            kubernetesVersion: "1.36",
            tunnelMode: "openvpn",
            encryptionKeys: ["key1"],
        });
        assert.strictEqual(run.outputs.tunnels, 1);
    });
});
