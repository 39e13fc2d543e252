import { parseGoDuration } from "../../shared/goDuration";
/**
 * konnectivity-server's command line as the sidecar of a kube-apiserver pod, and the checks it
 * must pass: the server's own (cmd/server/app/options/options.go, Validate, at the pinned
 * apiserver-network-proxy tags v0.34.0 and v0.36.0; v0.36.0 adds --tls-min-version,
 * --graceful-shutdown-timeout and --backend-dial-timeout, which this program does not set) and this
 * deployment's (one server per apiserver replica behind one load balancer, mTLS for agents).
 */
export type ProxyStrategy = "default" | "destHost" | "defaultRoute";

export interface KonnectivityServerOptions {
    /** The unix socket kube-apiserver dials (the egress selector's udsName). */
    readonly udsName: string;
    /** The port agents dial (behind the load balancer and the NodePort). */
    readonly agentPort: number;
    readonly adminPort: number;
    readonly healthPort: number;
    /** Number of servers = kube-apiserver replicas (one sidecar each). */
    readonly serverCount: number;
    /** A per-pod value, e.g. `$(POD_NAME)` expanded by the kubelet from the downward API. */
    readonly serverId: string;
    readonly keepaliveSeconds: number;
    /** Serving certificate for the agent port, its key, and the CA that agents' client certs chain to. */
    readonly clusterCertFile: string;
    readonly clusterKeyFile: string;
    readonly clusterCaCertFile: string;
    readonly proxyStrategies: readonly ProxyStrategy[];
    /**
     * Publish a lease in the user cluster (leases.ts): a kubeconfig for its API, and where the
     * leases live. Absent: static counting only.
     */
    readonly leases?: { readonly kubeconfigFile: string; readonly namespace: string; readonly label: string };
}

/** What the validator checks the flags against: this deployment's facts. */
export interface KonnectivityServerExpectations {
    readonly apiserverReplicas: number;
    /** Octavia listener idle timeout: a keepalive must be shorter or idle tunnels are cut. */
    readonly loadBalancerIdleTimeoutSeconds: number;
}

/** The flags of konnectivity-server at the pinned tags (cmd/server/app/options/options.go, Flags). */
export const knownServerFlags: readonly string[] = [
    "admin-bind-address",
    "admin-port",
    "agent-bind-address",
    "agent-namespace",
    "agent-port",
    "agent-service-account",
    "authentication-audience",
    "cipher-suites",
    "cluster-ca-cert",
    "cluster-cert",
    "cluster-key",
    "delete-existing-uds-file",
    "enable-contention-profiling",
    "enable-lease-controller",
    "enable-profiling",
    "frontend-keepalive-time",
    "health-bind-address",
    "health-port",
    "keepalive-time",
    "kube-api-content-type",
    "kubeconfig",
    "kubeconfig-burst",
    "kubeconfig-qps",
    "lease-label",
    "lease-namespace",
    "mode",
    "proxy-strategies",
    "server-bind-address",
    "server-ca-cert",
    "server-cert",
    "server-count",
    "server-id",
    "server-key",
    "server-port",
    "uds-name",
    // klog's, registered by cmd/server/main.go (which sets 4 as the default).
    "v",
    "xfr-channel-size",
];

/** The server enforces this minimum on agents' keepalive pings (server.go, EnforcementPolicy). */
export const minimumKeepaliveSeconds = 30;
const proxyStrategies: readonly ProxyStrategy[] = ["default", "destHost", "defaultRoute"];

/** The sidecar's arguments, all `--flag=value`; throws when they would not run as intended. */
export function konnectivityServerFlags(
    o: KonnectivityServerOptions,
    expect: KonnectivityServerExpectations,
): string[] {
    const flags = [
        "--mode=grpc",
        `--uds-name=${o.udsName}`,
        "--delete-existing-uds-file=true",
        // With a unix socket the frontend has no TCP port.
        "--server-port=0",
        `--agent-port=${o.agentPort}`,
        `--admin-port=${o.adminPort}`,
        `--health-port=${o.healthPort}`,
        `--cluster-cert=${o.clusterCertFile}`,
        `--cluster-key=${o.clusterKeyFile}`,
        // Set, it makes the agent port require client certificates signed by this CA.
        `--cluster-ca-cert=${o.clusterCaCertFile}`,
        `--server-count=${o.serverCount}`,
        `--server-id=${o.serverId}`,
        `--keepalive-time=${o.keepaliveSeconds}s`,
        `--frontend-keepalive-time=${o.keepaliveSeconds}s`,
        `--proxy-strategies=${o.proxyStrategies.join(",")}`,
        // The server's own default is 4 (cmd/server/main.go), which logs every dial and packet
        // batch; 2 keeps connections, errors and lifecycle, as for the agents.
        "--v=2",
        ...(o.leases
            ? [
                  "--enable-lease-controller=true",
                  `--kubeconfig=${o.leases.kubeconfigFile}`,
                  `--lease-namespace=${o.leases.namespace}`,
                  `--lease-label=${o.leases.label}`,
              ]
            : []),
    ];
    const problems = validateKonnectivityServerFlags(flags, expect);
    if (problems.length > 0) {
        throw new Error(`invalid konnectivity-server flags:\n  - ${problems.join("\n  - ")}`);
    }
    return flags;
}

/** A Go duration flag value in seconds (undefined when Go would reject it). */
function durationSeconds(text: string): number | undefined {
    const ms = parseGoDuration(text);
    return ms === undefined ? undefined : ms / 1000;
}

function parseFlags(flags: readonly string[]): { values: Map<string, string>; problems: string[] } {
    const values = new Map<string, string>();
    const problems: string[] = [];
    for (const flag of flags) {
        const match = /^--([a-z0-9-]+)=(.*)$/.exec(flag);
        if (!match) {
            problems.push(`${JSON.stringify(flag)}: write every flag as --flag=value`);
            continue;
        }
        const [, name, value] = match;
        if (!knownServerFlags.includes(name)) problems.push(`--${name}: not a flag of konnectivity-server`);
        if (values.has(name)) problems.push(`--${name}: given twice`);
        values.set(name, value);
    }
    return { values, problems };
}

function port(values: Map<string, string>, name: string, fallback: number): number {
    const raw = values.get(name);
    return raw === undefined ? fallback : Number(raw);
}

/**
 * Every reason the flags would fail konnectivity-server's own validation or this deployment's
 * rules; empty when they are fine.
 */
export function validateKonnectivityServerFlags(
    flags: readonly string[],
    expect: KonnectivityServerExpectations,
): string[] {
    const { values: v, problems } = parseFlags(flags);
    const mode = v.get("mode") ?? "grpc";
    if (mode !== "grpc") {
        problems.push(`--mode=${mode}: kube-apiserver's egress selector speaks GRPC to the socket; use --mode=grpc`);
    }

    const uds = v.get("uds-name") ?? "";
    const serverPort = port(v, "server-port", 8090);
    if (uds === "") {
        problems.push("--uds-name: required; kube-apiserver reaches its sidecar over a unix socket");
    } else {
        if (serverPort !== 0) problems.push(`--server-port=${serverPort}: must be 0 with --uds-name (options.go)`);
        for (const f of ["server-cert", "server-key", "server-ca-cert"]) {
            if (v.has(f)) problems.push(`--${f}: must not be set with --uds-name (options.go)`);
        }
    }

    const ports: [string, number][] = [
        ["agent-port", port(v, "agent-port", 8091)],
        ["admin-port", port(v, "admin-port", 8095)],
        ["health-port", port(v, "health-port", 8092)],
    ];
    for (const [name, value] of ports) {
        if (!Number.isInteger(value) || value < 1024 || value > 49151) {
            problems.push(`--${name}=${v.get(name) ?? value}: must be a port from 1024 to 49151 (options.go)`);
        }
    }
    const distinct = new Set(ports.map(([, value]) => value));
    if (distinct.size !== ports.length) {
        problems.push(`agent, admin and health ports must differ (${ports.map(([n, p]) => `${n}=${p}`).join(", ")})`);
    }

    for (const f of ["cluster-cert", "cluster-key", "cluster-ca-cert"]) {
        if (!v.get(f)) problems.push(`--${f}: required; agents authenticate with client certificates (mTLS)`);
    }
    for (const f of ["agent-namespace", "agent-service-account", "authentication-audience"]) {
        if (v.has(f))
            problems.push(`--${f}: token authentication cannot be combined with --cluster-ca-cert (options.go)`);
    }

    const serverCount = Number(v.get("server-count") ?? "1");
    if (serverCount !== expect.apiserverReplicas) {
        problems.push(
            `--server-count=${v.get("server-count") ?? 1}: must equal the kube-apiserver replicas (${expect.apiserverReplicas}), one server per replica`,
        );
    }
    if (v.get("enable-lease-controller") === "true") {
        // Without --kubeconfig the client falls back to the in-cluster config: the seed's API,
        // where no agent looks (cmd/server/app/server.go, BuildConfigFromFlags).
        if (!v.get("kubeconfig")) {
            problems.push(
                "--enable-lease-controller: needs --kubeconfig for the user cluster's API; in-cluster it would write the leases into the seed",
            );
        }
        const label = v.get("lease-label") ?? "k8s-app=konnectivity-server";
        if (!/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*)*$/.test(label)) {
            problems.push(`--lease-label=${label}: must be key=value pairs, comma-separated (util.ParseLabels)`);
        }
    }
    const serverId = v.get("server-id") ?? "";
    if (!/\$\([A-Z_][A-Z0-9_]*\)/.test(serverId)) {
        problems.push(
            `--server-id=${serverId}: must differ per pod; reference an environment variable such as $(POD_NAME) from the downward API`,
        );
    }

    const keepalive = v.get("keepalive-time");
    const keepaliveSeconds = keepalive === undefined ? undefined : durationSeconds(keepalive);
    if (keepalive === undefined) {
        problems.push("--keepalive-time: set it; the default (1h) outlives the load balancer's idle timeout");
    } else if (keepaliveSeconds === undefined) {
        problems.push(`--keepalive-time=${keepalive}: not a Go duration such as 30s`);
    } else if (keepaliveSeconds < minimumKeepaliveSeconds) {
        problems.push(
            `--keepalive-time=${keepalive}: at least ${minimumKeepaliveSeconds}s; the server rejects faster agent pings`,
        );
    } else if (keepaliveSeconds >= expect.loadBalancerIdleTimeoutSeconds) {
        problems.push(
            `--keepalive-time=${keepalive}: must be shorter than the load balancer idle timeout (${expect.loadBalancerIdleTimeoutSeconds}s), or idle tunnels are cut`,
        );
    }
    // The frontend is the unix socket to kube-apiserver: no load balancer in between.
    const frontend = v.get("frontend-keepalive-time");
    if (frontend !== undefined && !((durationSeconds(frontend) ?? 0) > 0)) {
        problems.push(`--frontend-keepalive-time=${frontend}: not a positive Go duration such as 30s`);
    }

    // split gives at least one element: an empty value is one unknown (empty) strategy.
    const strategies = (v.get("proxy-strategies") ?? "default").split(",");
    const unknown = strategies.filter((s) => !(proxyStrategies as readonly string[]).includes(s));
    if (unknown.length > 0) {
        problems.push(`--proxy-strategies: ${unknown.join(", ")} not one of ${proxyStrategies.join(", ")}`);
    }
    return problems;
}
