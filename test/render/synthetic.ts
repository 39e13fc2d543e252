import "../harness/reflectMetadata";
import { webcrypto } from "crypto";
import * as x509 from "@peculiar/x509";
import { RecordedResource, unwrapSecrets, uuidFrom, wireSecret } from "../harness";

/**
 * Recorded resources built by hand, for the render's pure parts: shaped like what the recorder
 * gives for the parts the dev stack does not have yet (API endpoint, seed and user-cluster
 * objects, PKI), following the contracts the render relies on.
 */
export interface Spec {
    /** Inputs as sent: wrap secrets with `wireSecret`. */
    wire?: Record<string, unknown>;
    /** Outputs as returned: wrap secrets with `wireSecret`; default the inputs. */
    wireOutputs?: Record<string, unknown>;
    parent?: RecordedResource;
    provider?: RecordedResource;
    custom?: boolean;
    additionalSecretOutputs?: string[];
}

const stackUrn = "urn:pulumi:dev::gks-cluster::pulumi:pulumi:Stack::gks-cluster-dev";

export function recorded(type: string, name: string, spec: Spec = {}): RecordedResource {
    const { wire = {}, parent, provider, custom = !type.startsWith("gks:"), additionalSecretOutputs = [] } = spec;
    const wireOutputs = spec.wireOutputs ?? wire;
    const parentType = parent ? parent.urn.split("::")[2] : "pulumi:pulumi:Stack";
    return {
        urn: `urn:pulumi:dev::gks-cluster::${parentType}$${type}::${name}`,
        type,
        name,
        id: custom ? uuidFrom(`${type}/${name}`) : "",
        custom,
        parent: parent?.urn ?? stackUrn,
        provider:
            custom && !type.startsWith("pulumi:providers:")
                ? (provider?.urn ?? `default:${type.split(":")[0]}`)
                : undefined,
        inputs: unwrapSecrets(wire) as Record<string, unknown>,
        outputs: unwrapSecrets(wireOutputs) as Record<string, unknown>,
        wireInputs: wire,
        wireOutputs,
        additionalSecretOutputs,
    };
}

export const stack = recorded("pulumi:pulumi:Stack", "gks-cluster-dev", { custom: false });
(stack as { urn: string }).urn = stackUrn;
(stack as { parent: string }).parent = "";

const k8sLabels = (name: string, component: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "gks",
    "app.kubernetes.io/managed-by": "pulumi",
});

/** Two tenants, an API endpoint, the seed's control plane and the user cluster's agents. */
export function syntheticStack(): RecordedResource[] {
    const cluster = recorded("gks:index:Cluster", "dev", { parent: stack });
    const tenant = (name: string, cidr: string, snat: string) => {
        const t = recorded("gks:index:Tenant", name, { parent: cluster, wire: { project: { name: `gks-${name}` } } });
        const provider = recorded("pulumi:providers:openstack", name, {
            parent: t,
            wire: { region: "RegionOne", password: wireSecret("offline-stand-in:pw") },
        });
        const inTenant = { parent: t, provider };
        const subnet = recorded("openstack:networking/subnet:Subnet", name, { ...inTenant, wire: { cidr } });
        const router = recorded("openstack:networking/router:Router", name, {
            ...inTenant,
            wire: { name },
            wireOutputs: { name, externalFixedIps: [{ ipAddress: snat }] },
        });
        const link = recorded("openstack:networking/routerInterface:RouterInterface", name, {
            ...inTenant,
            wire: { routerId: router.id, subnetId: subnet.id },
        });
        return { t, provider, subnet, router, link };
    };
    const cp = tenant("dev-control-plane", "10.0.0.0/24", "203.0.113.10");
    const workers = tenant("dev-workers", "192.168.1.0/24", "203.0.113.20");

    const endpoint = recorded("gks:index:ApiEndpoint", "dev", { parent: cluster });
    const inCp = { parent: endpoint, provider: cp.provider };
    const lb = recorded("openstack:loadbalancer/loadBalancer:LoadBalancer", "dev", {
        ...inCp,
        wire: { vipSubnetId: cp.subnet.id, loadbalancerProvider: "amphora" },
        wireOutputs: { vipSubnetId: cp.subnet.id, vipAddress: "10.0.0.50", vipPortId: "vip-port-1" },
    });
    const fip = recorded("openstack:networking/floatingIp:FloatingIp", "dev", {
        ...inCp,
        wire: { portId: "vip-port-1" },
        wireOutputs: { portId: "vip-port-1", address: "203.0.113.99" },
    });
    const port = (name: string, listenPort: number, nodePort: number, allowed: string[]) => {
        const listener = recorded("openstack:loadbalancer/listener:Listener", `dev-${name}`, {
            ...inCp,
            wire: { loadbalancerId: lb.id, protocol: "TCP", protocolPort: listenPort, allowedCidrs: allowed },
        });
        const pool = recorded("openstack:loadbalancer/pool:Pool", `dev-${name}`, {
            ...inCp,
            wire: { listenerId: listener.id, lbMethod: "ROUND_ROBIN", protocol: "TCP" },
        });
        const member = recorded("openstack:loadbalancer/member:Member", `dev-${name}-10-0-0-11`, {
            ...inCp,
            wire: { poolId: pool.id, address: "10.0.0.11", protocolPort: nodePort },
        });
        const monitor = recorded("openstack:loadbalancer/monitor:Monitor", `dev-${name}`, {
            ...inCp,
            wire: { poolId: pool.id, type: "TCP", delay: 10, timeout: 5, maxRetries: 5 },
        });
        return [listener, pool, member, monitor];
    };

    const controlPlane = recorded("gks:index:ControlPlane", "dev", { parent: cluster });
    const seed = recorded("pulumi:providers:kubernetes", "dev-seed", {
        parent: controlPlane,
        wire: { kubeconfig: wireSecret("offline-stand-in kubeconfig") },
    });
    const inSeed = { parent: controlPlane, provider: seed };
    const egress = recorded("kubernetes:core/v1:ConfigMap", "dev-egress-selector", {
        ...inSeed,
        wire: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
                name: "egress-selector",
                namespace: "cluster-dev",
                labels: k8sLabels("kube-apiserver", "control-plane"),
            },
            data: { "egress-selector-configuration.yaml": syntheticEgressSelector },
        },
    });
    const secret = recorded("kubernetes:core/v1:Secret", "dev-konnectivity-server-certs", {
        ...inSeed,
        wire: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "konnectivity-server-certs", namespace: "cluster-dev" },
            type: "kubernetes.io/tls",
            data: wireSecret({ "tls.crt": "Y2VydA==", "tls.key": "a2V5" }),
        },
    });
    const apiserverLabels = k8sLabels("kube-apiserver", "control-plane");
    const apiserver = recorded("kubernetes:apps/v1:Deployment", "dev-kube-apiserver", {
        ...inSeed,
        wire: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "kube-apiserver", namespace: "cluster-dev", labels: apiserverLabels },
            spec: {
                replicas: 2,
                selector: { matchLabels: { "app.kubernetes.io/name": "kube-apiserver" } },
                template: {
                    metadata: { labels: apiserverLabels },
                    spec: {
                        containers: [
                            { name: "kube-apiserver", image: "registry.k8s.io/kube-apiserver:v1.36.5" },
                            {
                                name: "konnectivity-server",
                                image: "registry.k8s.io/kas-network-proxy/proxy-server:v0.36.0",
                                args: [
                                    "--uds-name=/run/konnectivity/konnectivity-server.socket",
                                    "--agent-port=8132",
                                    "--server-count=2",
                                ],
                            },
                        ],
                    },
                },
            },
        },
    });
    const service = recorded("kubernetes:core/v1:Service", "dev-kube-apiserver", {
        ...inSeed,
        wire: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kube-apiserver", namespace: "cluster-dev" },
            spec: {
                type: "NodePort",
                selector: { "app.kubernetes.io/name": "kube-apiserver" },
                ports: [
                    { name: "https", port: 6443, nodePort: 30443 },
                    { name: "agent", port: 8132, nodePort: 30132 },
                ],
            },
        },
    });
    const namespace = recorded("kubernetes:core/v1:Namespace", "dev-namespace", {
        ...inSeed,
        wire: { apiVersion: "v1", kind: "Namespace", metadata: { name: "cluster-dev" } },
    });

    const tunnel = recorded("gks:index:Tunnel", "dev", { parent: cluster });
    const user = recorded("pulumi:providers:kubernetes", "dev-user-cluster", { parent: tunnel });
    const agentLabels = k8sLabels("konnectivity-agent", "tunnel");
    const agent = recorded("kubernetes:apps/v1:Deployment", "dev-konnectivity-agent", {
        parent: tunnel,
        provider: user,
        wire: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "konnectivity-agent", namespace: "kube-system", labels: agentLabels },
            spec: {
                replicas: 2,
                template: {
                    metadata: { labels: agentLabels },
                    spec: {
                        containers: [
                            {
                                name: "konnectivity-agent",
                                image: "registry.k8s.io/kas-network-proxy/proxy-agent:v0.36.0",
                                args: [
                                    "--proxy-server-host=203.0.113.99",
                                    "--proxy-server-port=8132",
                                    "--sync-forever",
                                ],
                            },
                        ],
                    },
                },
            },
        },
    });
    const serviceAccount = recorded("kubernetes:core/v1:ServiceAccount", "dev-konnectivity-agent", {
        parent: tunnel,
        provider: user,
        wire: { apiVersion: "v1", kind: "ServiceAccount", metadata: { namespace: "kube-system" } },
    });

    return [
        stack,
        cluster,
        ...Object.values(cp),
        ...Object.values(workers),
        endpoint,
        lb,
        fip,
        ...port("api", 6443, 30443, ["0.0.0.0/0"]),
        ...port("tunnel", 8132, 30132, ["203.0.113.20/32"]),
        controlPlane,
        seed,
        egress,
        secret,
        apiserver,
        service,
        namespace,
        tunnel,
        user,
        agent,
        serviceAccount,
    ];
}

export const syntheticEgressSelector = [
    "apiVersion: apiserver.k8s.io/v1beta1",
    "kind: EgressSelectorConfiguration",
    "egressSelections:",
    "  - name: cluster",
    "    connection:",
    "      proxyProtocol: GRPC",
    "      transport:",
    "        uds:",
    "          udsName: /run/konnectivity/konnectivity-server.socket",
    "  - name: controlplane",
    "    connection:",
    "      proxyProtocol: Direct",
    "  - name: etcd",
    "    connection:",
    "      proxyProtocol: Direct",
    "",
].join("\n");

/** A real key pair and its PKCS#8 PEM. */
async function keyPair(): Promise<{ keys: webcrypto.CryptoKeyPair; pem: string }> {
    const algorithm = { name: "ECDSA", namedCurve: "P-256" };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
    return { keys, pem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") };
}

/**
 * tls resources with real material, shaped like the @pulumi/tls ones: a CA (key + self-signed
 * cert), a server certificate signed by it (key + request + locally signed cert), and a key
 * that no certificate uses.
 */
export async function syntheticPki(): Promise<RecordedResource[]> {
    x509.cryptoProvider.set(webcrypto);
    const signingAlgorithm = { name: "ECDSA", hash: "SHA-256" };
    const notBefore = new Date(Date.now() - 60_000);
    const notAfter = new Date(Date.now() + 24 * 3600_000);
    const caKey = await keyPair();
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "01",
        name: "CN=dev tunnel CA",
        notBefore,
        notAfter,
        keys: caKey.keys,
        signingAlgorithm,
        extensions: [
            new x509.BasicConstraintsExtension(true, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ],
    });
    const serverKey = await keyPair();
    const server = await x509.X509CertificateGenerator.create({
        serialNumber: "02",
        subject: "CN=konnectivity-server",
        issuer: ca.subject,
        notBefore,
        notAfter,
        publicKey: serverKey.keys.publicKey,
        signingKey: caKey.keys.privateKey,
        signingAlgorithm,
        extensions: [
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
            new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "203.0.113.99" }]),
        ],
    });
    const spareKey = await keyPair();
    const requestPem = "-----BEGIN CERTIFICATE REQUEST-----\nc3ludGhldGlj\n-----END CERTIFICATE REQUEST-----\n";
    const keySecrets = ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"];
    const key = (name: string, pem: string) =>
        recorded("tls:index/privateKey:PrivateKey", name, {
            wire: { algorithm: "ECDSA", ecdsaCurve: "P256" },
            wireOutputs: { algorithm: "ECDSA", privateKeyPem: pem, publicKeyPem: "-----BEGIN PUBLIC KEY-----" },
            additionalSecretOutputs: keySecrets,
        });
    return [
        key("dev-tunnel-ca-key", caKey.pem),
        recorded("tls:index/selfSignedCert:SelfSignedCert", "dev-tunnel-ca", {
            wire: {
                privateKeyPem: wireSecret(caKey.pem),
                isCaCertificate: true,
                subject: { commonName: "dev tunnel CA" },
            },
            wireOutputs: { privateKeyPem: wireSecret(caKey.pem), isCaCertificate: true, certPem: ca.toString("pem") },
            additionalSecretOutputs: ["privateKeyPem"],
        }),
        key("dev-tunnel-server-key", serverKey.pem),
        recorded("tls:index/certRequest:CertRequest", "dev-tunnel-server", {
            wire: { privateKeyPem: wireSecret(serverKey.pem), ipAddresses: ["203.0.113.99"] },
            wireOutputs: { privateKeyPem: wireSecret(serverKey.pem), certRequestPem: requestPem },
        }),
        recorded("tls:index/locallySignedCert:LocallySignedCert", "dev-tunnel-server", {
            wire: {
                certRequestPem: requestPem,
                caCertPem: ca.toString("pem"),
                caPrivateKeyPem: wireSecret(caKey.pem),
                allowedUses: ["server_auth", "digital_signature"],
            },
            wireOutputs: { certRequestPem: requestPem, caCertPem: ca.toString("pem"), certPem: server.toString("pem") },
            additionalSecretOutputs: ["caPrivateKeyPem"],
        }),
        key("dev-spare-key", spareKey.pem),
    ];
}
