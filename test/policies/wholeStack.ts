import { stringify } from "yaml";
import { versionPins } from "../../components/config/versions";
import { egressSelectorYaml, konnectivityEgressSelector } from "../../components/tunnel/konnectivity/egressSelector";
import { unknownValue } from "./engine";

/**
 * A whole cluster stack as the engine would hand it to the pack, built from plain objects: the
 * worker security group, the Octavia API endpoint (API and tunnel listeners, pools, members,
 * monitors), the seed namespace with kube-apiserver + konnectivity-server sidecar, the egress
 * selector ConfigMap, the agent Service and the PDBs, and the agents in the user cluster.
 * Compliant as built; tests break one thing at a time.
 *
 * `ids: "unknown"` is a first preview: every id is unknown and references are known only
 * through the engine's property dependencies. `ids: "known"` is a stack whose ids are known
 * (the providers' outputs carry `id`) and which carries no dependency records.
 */
export interface WholeStackOptions {
    readonly ids: "unknown" | "known";
}

/** An EngineResource that tests may change. */
export interface StackResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

const project = "urn:pulumi:dev::gks-cluster::";
const pins = versionPins("1.36");
export const udsName = "/etc/kubernetes/konnectivity-server/konnectivity-server.socket";
/** Files kube-apiserver reads, written as another operator would: other names, keys and volume kinds. */
export const encryptionFile = "/etc/kubernetes/enc/encryption.yaml";
export const auditPolicyFile = "/etc/kubernetes/audit-policy.yaml";
/** An aescbc EncryptionConfiguration with a 32-byte key, as a Secret's base64 data. */
export function encryptionConfig(provider: Record<string, unknown>): string {
    return Buffer.from(
        stringify({
            apiVersion: "apiserver.config.k8s.io/v1",
            kind: "EncryptionConfiguration",
            resources: [{ resources: ["secrets", "configmaps"], providers: [provider, { identity: {} }] }],
        }),
    ).toString("base64");
}
export const aescbc = { aescbc: { keys: [{ name: "k1", secret: Buffer.alloc(32, 7).toString("base64") }] } };
/** KKP's "metadata" audit preset. */
export const metadataAuditPolicy = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n";
export const tunnelPort = 8132;

export class WholeStack {
    readonly resources: StackResource[] = [];

    constructor(private readonly options: WholeStackOptions) {}

    add(
        type: string,
        name: string,
        props: Record<string, unknown>,
        opts: { parent?: StackResource; provider?: StackResource; refs?: Record<string, StackResource> } = {},
    ): StackResource {
        const parentTypes = opts.parent ? `${opts.parent.urn.split("::")[2]}$` : "";
        const qualifiedParent = opts.parent && opts.parent.type !== "pulumi:pulumi:Stack" ? parentTypes : "";
        const resource: StackResource = {
            type,
            name,
            urn: `${project}${qualifiedParent}${type}::${name}`,
            props: { ...props },
            parent: opts.parent?.urn,
            provider: opts.provider?.urn,
            dependencies: [],
            propertyDependencies: {},
        };
        for (const [key, target] of Object.entries(opts.refs ?? {})) {
            if (this.options.ids === "unknown") {
                resource.props[key] = unknownValue;
                resource.propertyDependencies![key] = [target.urn];
                resource.dependencies!.push(target.urn);
            } else {
                target.props.id ??= `id-of-${target.name}`;
                resource.props[key] = target.props.id;
            }
        }
        if (this.options.ids === "known") resource.propertyDependencies = undefined;
        this.resources.push(resource);
        return resource;
    }

    /** The resource of a type (its last segment, e.g. "Listener") and name. */
    get(kind: string, name: string): StackResource {
        const found = this.resources.find((r) => r.type.endsWith(`:${kind}`) && r.name === name);
        if (!found) throw new Error(`fixture has no ${kind} ${name}`);
        return found;
    }
}

const labels = (name: string, component: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "gks",
    "app.kubernetes.io/managed-by": "pulumi",
});

/** A Deployment of the fixture: recommended labels on it and its pods, selected by name. */
function deployment(
    s: WholeStack,
    resourceName: string,
    meta: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, unknown> },
    podSpec: Record<string, unknown>,
    opts: { parent: StackResource; provider: StackResource },
): StackResource {
    return s.add(
        "kubernetes:apps/v1:Deployment",
        resourceName,
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels },
            spec: {
                replicas: 2,
                selector: { matchLabels: { "app.kubernetes.io/name": meta.labels["app.kubernetes.io/name"] } },
                template: {
                    metadata: { labels: meta.labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
                    spec: podSpec,
                },
            },
        },
        opts,
    );
}

/** The pod template spec of a workload in the fixture. */
export function podSpec(workload: StackResource): Record<string, unknown> {
    return ((workload.props.spec as Record<string, unknown>).template as Record<string, Record<string, unknown>>).spec;
}

/** A container of a workload in the fixture, by name. */
export function container(workload: StackResource, name: string): Record<string, unknown> & { args: string[] } {
    const found = (podSpec(workload).containers as Record<string, unknown>[]).find((c) => c.name === name);
    if (!found) throw new Error(`${workload.name} has no container ${name}`);
    return found as Record<string, unknown> & { args: string[] };
}

/** Replaces (or adds) `--flag=value` in a container's args; `undefined` removes the flag. */
export function setFlag(c: { args: string[] }, flag: string, value: string | undefined): void {
    c.args = c.args.filter((a) => !a.startsWith(`--${flag}=`));
    if (value !== undefined) c.args.push(`--${flag}=${value}`);
}

export function wholeStack(options: WholeStackOptions = { ids: "unknown" }): WholeStack {
    const s = new WholeStack(options);
    const preview = options.ids === "unknown";
    const root = s.add("pulumi:pulumi:Stack", "gks-cluster-dev", {});
    const cluster = s.add("gks:index:Cluster", "dev", {}, { parent: root });
    const cp = s.add("pulumi:providers:openstack", "dev-control-plane", {
        authUrl: "https://keystone.example.com:5000/v3",
    });
    const wk = s.add("pulumi:providers:openstack", "dev-workers", { authUrl: "https://keystone.example.com:5000/v3" });
    const seed = s.add("pulumi:providers:kubernetes", "dev-seed", { namespace: "cluster-dev" });
    const user = s.add("pulumi:providers:kubernetes", "dev-user-cluster", {});

    // Worker tenant: the worker security group.
    const wsg = s.add("gks:index:WorkerSecurityGroup", "dev-workers", {}, { parent: cluster });
    const group = s.add(
        "openstack:networking/secGroup:SecGroup",
        "dev-workers",
        {
            name: "dev-workers",
            description: "gks workers: node-to-node traffic and SSH allowlist only; agents dial out",
            deleteDefaultRules: true,
        },
        { parent: wsg, provider: wk },
    );
    const rule = (key: string, props: Record<string, unknown>, self = false) =>
        s.add(
            "openstack:networking/secGroupRule:SecGroupRule",
            `dev-workers-${key}`,
            { ethertype: "IPv4", ...props },
            { parent: wsg, provider: wk, refs: { securityGroupId: group, ...(self ? { remoteGroupId: group } : {}) } },
        );
    rule("internal-tcp", { direction: "ingress", protocol: "tcp", portRangeMin: 1, portRangeMax: 65535 }, true);
    rule("internal-udp", { direction: "ingress", protocol: "udp", portRangeMin: 1, portRangeMax: 65535 }, true);
    rule("internal-icmp", { direction: "ingress", protocol: "icmp" }, true);
    rule("ssh-198-51-100-0-24", {
        direction: "ingress",
        protocol: "tcp",
        portRangeMin: 22,
        portRangeMax: 22,
        remoteIpPrefix: "198.51.100.0/24",
    });
    rule("egress-ipv4", { direction: "egress", remoteIpPrefix: "0.0.0.0/0" });

    // Control-plane tenant: the public API endpoint.
    const endpoint = s.add("gks:index:ApiEndpoint", "dev", {}, { parent: cluster });
    const inCp = { parent: endpoint, provider: cp };
    const lb = s.add("openstack:loadbalancer/loadBalancer:LoadBalancer", "dev", { name: "dev" }, inCp);
    const listener = (name: string, port: number, allowedCidrs: unknown[]) =>
        s.add(
            "openstack:loadbalancer/listener:Listener",
            name,
            {
                name,
                protocol: "TCP",
                protocolPort: port,
                allowedCidrs,
                timeoutClientData: 3_600_000,
                timeoutMemberData: 3_600_000,
            },
            { ...inCp, refs: { loadbalancerId: lb } },
        );
    const api = listener("dev-api", 6443, ["0.0.0.0/0"]);
    // The worker router's SNAT address: unknown until the router exists.
    const tunnel = listener("dev-tunnel", tunnelPort, [preview ? unknownValue : "203.0.113.20/32"]);
    for (const [name, l, nodePort] of [
        ["dev-api", api, 30443],
        ["dev-tunnel", tunnel, 30132],
    ] as const) {
        const pool = s.add(
            "openstack:loadbalancer/pool:Pool",
            name,
            { name, protocol: "TCP", lbMethod: "ROUND_ROBIN" },
            { ...inCp, refs: { listenerId: l } },
        );
        for (const address of ["10.0.0.11", "10.0.0.12", "10.0.0.13"]) {
            s.add(
                "openstack:loadbalancer/member:Member",
                `${name}-${address}`,
                { address, protocolPort: nodePort },
                { ...inCp, refs: { poolId: pool } },
            );
        }
        s.add(
            "openstack:loadbalancer/monitor:Monitor",
            name,
            { type: "TCP", delay: 10, timeout: 5, maxRetries: 5, maxRetriesDown: 3 },
            { ...inCp, refs: { poolId: pool } },
        );
    }

    // Seed: the control plane in namespace cluster-dev.
    const controlPlane = s.add("gks:index:ControlPlane", "dev", {}, { parent: cluster });
    const inSeed = { parent: controlPlane, provider: seed };
    s.add(
        "kubernetes:core/v1:ConfigMap",
        "dev-egress-selector",
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
                name: "egress-selector",
                namespace: "cluster-dev",
                labels: labels("kube-apiserver", "control-plane"),
            },
            data: { "selector.yaml": egressSelectorYaml(konnectivityEgressSelector(udsName)) },
        },
        inSeed,
    );
    s.add(
        "kubernetes:core/v1:Secret",
        "dev-apiserver-encryption",
        {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "apiserver-encryption", namespace: "cluster-dev" },
            data: { "config.yaml": encryptionConfig(aescbc) },
        },
        inSeed,
    );
    s.add(
        "kubernetes:core/v1:ConfigMap",
        "dev-audit",
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "audit", namespace: "cluster-dev" },
            data: { policy: metadataAuditPolicy },
        },
        inSeed,
    );
    const apiserverLabels = labels("kube-apiserver", "control-plane");
    deployment(
        s,
        "dev-kube-apiserver",
        {
            name: "kube-apiserver",
            namespace: "cluster-dev",
            labels: apiserverLabels,
            annotations: { "gks.io/checksum": preview ? unknownValue : "0f1e2d" },
        },
        {
            containers: [
                {
                    name: "kube-apiserver",
                    image: `registry.k8s.io/kube-apiserver:${pins.kubernetes}`,
                    command: ["kube-apiserver"],
                    args: [
                        "--egress-selector-config-file=/etc/kubernetes/egress/egress-selector-configuration.yaml",
                        "--kubelet-preferred-address-types=InternalIP,ExternalIP",
                        "--secure-port=6443",
                        `--encryption-provider-config=${encryptionFile}`,
                        `--audit-policy-file=${auditPolicyFile}`,
                        "--audit-log-path=/var/log/kubernetes/audit.log",
                        "--audit-log-maxsize=100",
                        "--audit-log-maxbackup=3",
                    ],
                    volumeMounts: [
                        { name: "egress-selector", mountPath: "/etc/kubernetes/egress", readOnly: true },
                        { name: "konnectivity-uds", mountPath: "/etc/kubernetes/konnectivity-server" },
                        { name: "config", mountPath: "/etc/kubernetes/enc", readOnly: true },
                        { name: "audit", mountPath: auditPolicyFile, subPath: "policy", readOnly: true },
                        { name: "audit-log", mountPath: "/var/log/kubernetes" },
                    ],
                },
                {
                    name: "konnectivity-server",
                    image: `registry.k8s.io/kas-network-proxy/proxy-server:${pins.konnectivity}`,
                    command: ["/proxy-server"],
                    args: [
                        "--mode=grpc",
                        `--uds-name=${udsName}`,
                        "--delete-existing-uds-file=true",
                        "--server-port=0",
                        `--agent-port=${tunnelPort}`,
                        "--admin-port=8133",
                        "--health-port=8134",
                        "--cluster-ca-cert=/etc/konnectivity/ca.crt",
                        "--cluster-cert=/etc/konnectivity/server.crt",
                        "--cluster-key=/etc/konnectivity/server.key",
                        "--server-count=2",
                        "--keepalive-time=30s",
                    ],
                    volumeMounts: [
                        { name: "konnectivity-uds", mountPath: "/etc/kubernetes/konnectivity-server" },
                        { name: "konnectivity-certs", mountPath: "/etc/konnectivity", readOnly: true },
                    ],
                },
            ],
            volumes: [
                {
                    name: "egress-selector",
                    configMap: {
                        name: "egress-selector",
                        items: [{ key: "selector.yaml", path: "egress-selector-configuration.yaml" }],
                    },
                },
                {
                    name: "config",
                    projected: {
                        sources: [
                            {
                                secret: {
                                    name: "apiserver-encryption",
                                    items: [{ key: "config.yaml", path: "encryption.yaml" }],
                                },
                            },
                        ],
                    },
                },
                { name: "audit", configMap: { name: "audit" } },
                { name: "audit-log", emptyDir: { sizeLimit: "1Gi" } },
                { name: "konnectivity-uds", emptyDir: {} },
                { name: "konnectivity-certs", secret: { secretName: "konnectivity-server" } },
            ],
        },
        inSeed,
    );
    // etcd as another operator runs it: another image, labels of its own, ports by name.
    s.add(
        "kubernetes:apps/v1:StatefulSet",
        "dev-etcd",
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "etcd-main", namespace: "cluster-dev" },
            spec: {
                replicas: 3,
                serviceName: "etcd-main",
                selector: { matchLabels: { app: "etcd", role: "main" } },
                template: {
                    metadata: { labels: { app: "etcd", role: "main" } },
                    spec: {
                        containers: [
                            {
                                name: "server",
                                image: "quay.io/coreos/etcd:v3.6.8",
                                command: ["/usr/local/bin/etcd"],
                                args: [
                                    "--listen-client-urls=https://0.0.0.0:2379",
                                    "--listen-peer-urls=https://0.0.0.0:2380",
                                    "--client-cert-auth=true",
                                ],
                                ports: [
                                    { name: "client", containerPort: 2379 },
                                    { name: "peer", containerPort: 2380 },
                                ],
                            },
                        ],
                    },
                },
            },
        },
        inSeed,
    );
    s.add(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "dev-etcd-main",
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "etcd-main", namespace: "cluster-dev" },
            spec: {
                podSelector: { matchLabels: { app: "etcd" } },
                ingress: [
                    {
                        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "kube-apiserver" } } }],
                        ports: [{ port: "client" }],
                    },
                    {
                        from: [{ podSelector: { matchLabels: { app: "etcd" } } }],
                        ports: [{ port: "peer" }, { port: "client" }],
                    },
                ],
            },
        },
        inSeed,
    );
    s.add(
        "kubernetes:policy/v1:PodDisruptionBudget",
        "dev-kube-apiserver",
        {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: "kube-apiserver", namespace: "cluster-dev" },
            spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "kube-apiserver" } } },
        },
        inSeed,
    );
    s.add(
        "kubernetes:core/v1:Service",
        "dev-konnectivity",
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "konnectivity-server", namespace: "cluster-dev" },
            spec: {
                type: "NodePort",
                selector: { "app.kubernetes.io/name": "kube-apiserver" },
                ports: [{ name: "agent", port: tunnelPort, targetPort: tunnelPort, nodePort: 30132 }],
            },
        },
        inSeed,
    );

    // User cluster: the agents dial out to the load balancer.
    const tunnelPart = s.add("gks:index:Tunnel", "dev", {}, { parent: cluster });
    const agentLabels = labels("konnectivity-agent", "tunnel");
    deployment(
        s,
        "dev-konnectivity-agent",
        { name: "konnectivity-agent", namespace: "kube-system", labels: agentLabels },
        {
            containers: [
                {
                    name: "konnectivity-agent",
                    image: `registry.k8s.io/kas-network-proxy/proxy-agent:${pins.konnectivity}`,
                    command: ["/proxy-agent"],
                    args: [
                        // The floating IP's address: unknown until it is allocated.
                        preview ? unknownValue : "--proxy-server-host=203.0.113.10",
                        `--proxy-server-port=${tunnelPort}`,
                        "--ca-cert=/etc/konnectivity/ca.crt",
                        "--agent-cert=/etc/konnectivity/agent.crt",
                        "--agent-key=/etc/konnectivity/agent.key",
                        "--keepalive-time=30s",
                        "--sync-forever=true",
                        "--agent-identifiers=default-route=true",
                    ],
                },
            ],
        },
        { parent: tunnelPart, provider: user },
    );
    s.add(
        "kubernetes:policy/v1:PodDisruptionBudget",
        "dev-konnectivity-agent",
        {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: "konnectivity-agent", namespace: "kube-system" },
            spec: {
                maxUnavailable: 1,
                selector: {
                    matchExpressions: [
                        { key: "app.kubernetes.io/name", operator: "In", values: ["konnectivity-agent"] },
                    ],
                },
            },
        },
        { parent: tunnelPart, provider: user },
    );
    return s;
}
