import { resourcePolicy } from "../lib/policy";
import {
    Container,
    containerFlags,
    containerLabel,
    containersOf,
    isKonnectivityAgent,
    isKonnectivityServer,
    podTemplate,
    workloadTypes,
} from "../lib/workloads";

/** The agent port's TLS on the server: serving cert and key, and the CA that makes it verify agents (mTLS). */
export const serverTlsFlags = ["cluster-ca-cert", "cluster-cert", "cluster-key"];
/** The agent's TLS: the CA it verifies the server with, and its client certificate and key. */
export const agentTlsFlags = ["ca-cert", "agent-cert", "agent-key"];
/** Service-account token auth on the server; the server refuses to start with it and --cluster-ca-cert. */
export const tokenAuthFlags = ["agent-namespace", "agent-service-account", "authentication-audience"];

export const konnectivityMtls = resourcePolicy({
    name: "konnectivity-mtls",
    description:
        "konnectivity uses mTLS: servers have --cluster-ca-cert, --cluster-cert, --cluster-key; agents have --ca-cert, --agent-cert, --agent-key.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Mount the tunnel CA and certificates and pass their paths: --cluster-ca-cert/--cluster-cert/--cluster-key on konnectivity-server, --ca-cert/--agent-cert/--agent-key on konnectivity-agent. Do not combine with token authentication flags.",
    types: workloadTypes,
    config: [],
    check: (workload, _config, report) => {
        const { containers, unknowns } = containersOf(podTemplate(workload));
        unknowns.forEach(report.unknown);
        const checkFlags = (container: Container, required: string[], role: string, why: string) => {
            const flags = containerFlags(container);
            const absent = required.filter((flag) => !flags.flags.has(flag)).map((flag) => `--${flag}`);
            const empty = required.filter((flag) => flags.flags.get(flag) === "").map((flag) => `--${flag}=""`);
            // Each word not known yet can carry at most one of the absent flags.
            const surelyMissing = empty.length + Math.max(0, absent.length - flags.unknownWords);
            if (surelyMissing > 0) {
                const which =
                    flags.unknowns.length === 0 || absent.length === 0
                        ? [...absent, ...empty].join(", ")
                        : `${surelyMissing} or more of ${[...absent, ...empty].join(", ")} (some arguments are not known yet)`;
                report.violation(
                    `${role} ${containerLabel(container)} of ${workload.name} lacks ${which}. ${why} ` +
                        `Pass ${required.map((f) => `--${f}=<path>`).join(", ")} with the tunnel CA and certificates mounted from a Secret.`,
                );
            } else if (absent.length > 0) {
                report.unknown(flags.unknowns[0]);
            }
            return flags;
        };
        for (const container of containers.filter(isKonnectivityServer)) {
            const flags = checkFlags(
                container,
                serverTlsFlags,
                "konnectivity-server",
                "Without them the agent port on the public load balancer either serves no TLS or accepts any client.",
            );
            // Upstream (cmd/server/app/options) goes by values: an empty one is not set.
            const set = (flag: string) => (flags.flags.get(flag) ?? "") !== "";
            const tokenAuth = tokenAuthFlags.filter(set);
            if (tokenAuth.length > 0 && set("cluster-ca-cert")) {
                report.violation(
                    `konnectivity-server ${containerLabel(container)} of ${workload.name} sets ${tokenAuth.map((f) => `--${f}`).join(", ")} ` +
                        'together with --cluster-ca-cert: it refuses to start ("--cluster-ca-cert can not be used when agent ' +
                        'authentication is enabled"). This project authenticates agents by mTLS: remove the token authentication flags.',
                );
            }
        }
        for (const container of containers.filter(isKonnectivityAgent)) {
            checkFlags(
                container,
                agentTlsFlags,
                "konnectivity-agent",
                "Without them the agent does not verify the server it tunnels the cluster's traffic to, or cannot prove who it is.",
            );
        }
    },
});
