import { parseEgressSelector, validateEgressSelector } from "../../components/tunnel/konnectivity/egressSelector";
import {
    describeSource,
    documentsOfKind,
    FileSource,
    MountedPath,
    mountHolding,
    readFlagFile,
    sameSource,
} from "../lib/files";
import { get, isUnknown } from "../lib/known";
import { Report, stackPolicy } from "../lib/policy";
import { Resource } from "../lib/resources";
import {
    Container,
    containerFlags,
    containerLabel,
    containersOf,
    flagValue,
    isKonnectivityServer,
    isKubeApiserver,
    placedContainers,
} from "../lib/workloads";

/** The unix socket the `cluster` egress goes to, and the konnectivity-server --mode that speaks its protocol. */
export function clusterSocket(config: unknown): { udsName: string; mode: "grpc" | "http-connect" } | undefined {
    const selections = get(config, "egressSelections");
    if (!Array.isArray(selections)) return undefined;
    const selection = selections.find((s) => String(get(s, "name")).toLowerCase() === "cluster");
    const protocol = get(selection, "connection", "proxyProtocol");
    const udsName = get(selection, "connection", "transport", "uds", "udsName");
    if (typeof udsName !== "string" || (protocol !== "GRPC" && protocol !== "HTTPConnect")) return undefined;
    return { udsName, mode: protocol === "GRPC" ? "grpc" : "http-connect" };
}

/** A socket's place for messages: its volume, and the directory in it when a subPath put one there. */
function describeMount(m: MountedPath | undefined): string {
    if (m === undefined) return "no volume";
    const dirs = m.inVolume.split("/");
    dirs.pop();
    return [m.volume, ...dirs].join("/");
}

/** The configuration a file holds, and every reason kube-apiserver would refuse it. */
function validated(text: string): { config?: unknown; problems: string[] } {
    const parsed = parseEgressSelector(text);
    return parsed.problems.length > 0
        ? parsed
        : { config: parsed.config, problems: validateEgressSelector(parsed.config) };
}

export const egressSelectorValid = stackPolicy({
    name: "egress-selector-valid",
    description:
        "Every egress selector configuration loads in kube-apiserver, and the cluster socket of the one a kube-apiserver reads is the --uds-name of the konnectivity-server in its pod.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Build the file with konnectivityEgressSelector(udsName) from components/tunnel/konnectivity/egressSelector.ts, mount it where --egress-selector-config-file points, pass the same path as --uds-name to the konnectivity-server sidecar, and put the socket on a volume both containers mount.",
    config: [],
    check: (resources, _config, report) => {
        const read: FileSource[] = [];
        // What each kube-apiserver reads: --egress-selector-config-file, through its pod's volumes.
        const apiservers = placedContainers(resources, isKubeApiserver);
        apiservers.unknowns.forEach(report.unknown);
        for (const placed of apiservers.found) {
            const file = readFlagFile(resources, placed, "egress-selector-config-file", report);
            if (file === undefined) continue;
            read.push(file.source);
            const from = `${file.where} from ${describeSource(file.source)}`;
            const { config, problems } = validated(file.text);
            if (problems.length > 0) {
                report.violation(
                    `${from}, which would stop it from starting:\n  - ${problems.join("\n  - ")}\n` +
                        "Generate it with egressSelectorYaml(konnectivityEgressSelector(udsName)).",
                    file.source.resource.urn,
                );
                continue;
            }
            const socket = clusterSocket(config);
            if (socket !== undefined)
                checkPod(placed.workload, placed.template, placed.container, from, socket, report);
        }
        // Configurations recognised by their content that no kube-apiserver here reads (yet).
        const documents = documentsOfKind(resources, "EgressSelectorConfiguration").found.filter(
            (d) => !read.some((r) => sameSource(r, d.source)),
        );
        for (const d of documents) {
            const { problems } = validated(d.text);
            if (problems.length > 0) {
                report.violation(
                    `${describeSource(d.source)} holds an EgressSelectorConfiguration that kube-apiserver would refuse:\n  - ${problems.join("\n  - ")}`,
                    d.source.resource.urn,
                );
            }
        }
        if (read.length === 0 && documents.length === 0) {
            report.notApplicable(
                "no kube-apiserver reads an egress selector configuration, and no ConfigMap or Secret holds one",
            );
        }
    },
});

function checkPod(
    workload: Resource,
    template: unknown,
    apiserver: Container,
    where: string,
    socket: { udsName: string; mode: string },
    report: Report,
): void {
    const { containers, unknowns } = containersOf(template);
    unknowns.forEach(report.unknown);
    const servers = containers.filter(isKonnectivityServer);
    const intro = `${where}, whose cluster egress goes to the unix socket ${socket.udsName}`;
    if (servers.length === 0 && unknowns.length === 0) {
        report.violation(
            `${intro}, but its pod has no konnectivity-server container to serve that socket: logs/exec/port-forward ` +
                "and webhooks to Services would fail. Add the konnectivity-server sidecar with --uds-name set to that path.",
            workload.urn,
        );
    }
    for (const server of servers) {
        const flags = containerFlags(server);
        const udsName = flagValue(flags, "uds-name");
        const mode = flagValue(flags, "mode") ?? "grpc";
        if (isUnknown(udsName)) report.unknown(udsName);
        else if (udsName !== socket.udsName) {
            report.violation(
                `${intro}, but its ${containerLabel(server)} has ${udsName === undefined ? "no --uds-name (it listens on TCP)" : `--uds-name=${udsName}`}. ` +
                    `kube-apiserver would find no proxy on that socket. Set --uds-name=${socket.udsName} (and --server-port=0).`,
                workload.urn,
            );
            continue;
        }
        if (isUnknown(mode)) report.unknown(mode);
        else if (mode !== socket.mode) {
            report.violation(
                `${intro} with ${socket.mode === "grpc" ? "GRPC" : "HTTPConnect"}, but ${containerLabel(server)} runs --mode=${mode}. ` +
                    `Set --mode=${socket.mode} (it must match the egress selector's proxyProtocol).`,
                workload.urn,
            );
        }
        const serverMount = mountHolding(server, socket.udsName);
        const apiserverMount = mountHolding(apiserver, socket.udsName);
        if (isUnknown(serverMount)) report.unknown(serverMount);
        else if (isUnknown(apiserverMount)) report.unknown(apiserverMount);
        else if (
            serverMount === undefined ||
            serverMount.volume !== apiserverMount?.volume ||
            serverMount.inVolume !== apiserverMount.inVolume
        ) {
            report.violation(
                `${intro}, but ${containerLabel(server)} and ${containerLabel(apiserver)} do not share the socket's ` +
                    `directory (${describeMount(serverMount)} vs ${describeMount(apiserverMount)}). Mount one emptyDir ` +
                    "at the socket's directory in both containers.",
                workload.urn,
            );
        }
    }
}
