import { parseGoDuration } from "../../shared/goDuration";
import { AgentMode, ServerCounting } from "../../config";
import { serverLeases } from "./leases";

/** Where the agent's Secret is mounted. */
export const agentCertDir = "/etc/konnectivity-agent";
export const agentHealthPort = 8093;
export const agentAdminPort = 8094;

export interface AgentFlagsArgs {
    /** The host agents dial: must be a SAN of the server's --cluster-cert (it is the TLS server name). */
    readonly proxyServerHost: string;
    readonly proxyServerPort: number;
    readonly keepaliveSeconds: number;
    readonly mode: AgentMode;
    /** leases: count the servers' leases (leases.ts), never fewer than the servers announce. */
    readonly serverCounting: ServerCounting;
}

/**
 * konnectivity-agent's flags (apiserver-network-proxy cmd/agent/app/options/options.go).
 * mTLS: --ca-cert verifies the server, --agent-cert/--agent-key are the client certificate the
 * server checks against its --cluster-ca-cert. --sync-forever keeps the agent dialling after it
 * reached the server count, so restarted or added servers get their tunnel back.
 */
export function agentFlags({
    proxyServerHost,
    proxyServerPort,
    keepaliveSeconds,
    mode,
    serverCounting,
}: AgentFlagsArgs): string[] {
    const flags = [
        `--proxy-server-host=${proxyServerHost}`,
        `--proxy-server-port=${proxyServerPort}`,
        `--ca-cert=${agentCertDir}/ca.crt`,
        `--agent-cert=${agentCertDir}/tls.crt`,
        `--agent-key=${agentCertDir}/tls.key`,
        "--sync-forever=true",
        `--keepalive-time=${keepaliveSeconds}s`,
        `--health-server-port=${agentHealthPort}`,
        `--admin-server-port=${agentAdminPort}`,
        "--admin-bind-address=127.0.0.1",
        "--v=2",
    ];
    if (mode === "daemonset") {
        // One agent per node announces its node's address, so a server using the destHost
        // strategy sends kubelet traffic for that node through the agent on it.
        flags.push("--agent-identifiers=ipv4=$(HOST_IP)");
    }
    if (serverCounting === "leases") {
        flags.push(
            "--count-server-leases=true",
            // The larger of the lease count and the servers' --server-count: static counting stays
            // the floor when the leases cannot be listed.
            "--server-count-source=max",
            `--lease-namespace=${serverLeases.namespace}`,
            `--lease-label=${serverLeases.label}`,
        );
    }
    const problems = validateAgentFlags(flags);
    if (problems.length > 0)
        throw new Error(`konnectivity-agent flags would break the tunnel:\n  - ${problems.join("\n  - ")}`);
    return flags;
}

/**
 * The flags of konnectivity-agent at the pinned tags v0.34.0 and v0.36.0 (the same set:
 * cmd/agent/app/options/options.go, Flags), and klog's -v, which cmd/agent/main.go registers.
 */
export const knownAgentFlags: readonly string[] = [
    "admin-bind-address",
    "admin-server-port",
    "agent-cert",
    "agent-id",
    "agent-identifiers",
    "agent-key",
    "alpn-proto",
    "ca-cert",
    "count-server-leases",
    "enable-contention-profiling",
    "enable-profiling",
    "health-server-host",
    "health-server-port",
    "keepalive-time",
    "kube-api-content-type",
    "kubeconfig",
    "lease-label",
    "lease-namespace",
    "probe-interval",
    "proxy-server-host",
    "proxy-server-port",
    "server-count-source",
    "service-account-token-path",
    "sync-forever",
    "sync-interval",
    "sync-interval-cap",
    "v",
    "warn-on-channel-limit",
    "xfr-channel-size",
];

/** Reasons an agent flag list breaks the tunnel; empty when it is sound. */
export function validateAgentFlags(flags: readonly string[]): string[] {
    const value = (name: string) =>
        flags
            .find((f) => f.startsWith(`--${name}=`))
            ?.split("=")
            .slice(1)
            .join("=");
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const flag of flags) {
        // The container runs the args as given: an empty or misspelt one stops the agent at start.
        const name = /^--([a-z0-9-]+)=/.exec(flag)?.[1];
        if (name === undefined) {
            problems.push(`${JSON.stringify(flag)}: write every flag as --flag=value`);
            continue;
        }
        if (!knownAgentFlags.includes(name)) problems.push(`--${name}: not a flag of konnectivity-agent`);
        else if (seen.has(name)) problems.push(`--${name}: given twice`);
        seen.add(name);
    }
    for (const name of ["ca-cert", "agent-cert", "agent-key", "proxy-server-host"]) {
        if (!value(name)) problems.push(`--${name} is required (mTLS to the server)`);
    }
    const port = Number(value("proxy-server-port"));
    if (!Number.isInteger(port) || port < 1024 || port > 49151)
        problems.push(`--proxy-server-port must be in 1024..49151 (got ${value("proxy-server-port")})`);
    const keepalive = value("keepalive-time");
    const keepaliveMs = keepalive === undefined ? undefined : parseGoDuration(keepalive);
    if (keepaliveMs === undefined || keepaliveMs < 30_000)
        problems.push(
            `--keepalive-time must be at least 30s, which the server enforces (got ${value("keepalive-time")})`,
        );
    if (value("sync-forever") !== "true")
        problems.push(
            "--sync-forever=true is required: without it an agent stops dialling once it reached the server count",
        );
    const source = value("server-count-source");
    if (source !== undefined && source !== "default" && source !== "max")
        problems.push(`--server-count-source must be default or max (got ${source})`);
    if (value("count-server-leases") === "true" && source !== "max")
        problems.push(
            "--server-count-source=max belongs with --count-server-leases: with leases alone an agent that cannot list them counts one server",
        );
    return problems;
}
