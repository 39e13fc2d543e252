import {
    parseEgressSelector,
    validateEgressSelector,
    egressSelectorDataKey,
} from "../../components/tunnel/konnectivity/egressSelector";
import { get, isRecord, isUnknown, list, or, Tri } from "../lib/known";
import { Report, stackPolicy } from "../lib/policy";
import { dependsOn, objectName, ofType, Resource, sameNamespace, types } from "../lib/resources";
import {
    Container,
    containerFlags,
    containerLabel,
    containersOf,
    flagValue,
    isKonnectivityServer,
    isWorkload,
    podTemplate,
} from "../lib/workloads";

/** The ConfigMap key the program stores kube-apiserver's egress selector configuration under. */

/** The unix socket the `cluster` egress goes to, and the konnectivity-server --mode that speaks its protocol. */
export function clusterSocket(config: unknown): { udsName: string; mode: "grpc" | "http-connect" } | undefined {
    const cluster = list(get(config, "egressSelections"));
    if (isUnknown(cluster)) return undefined;
    const selection = cluster.find((s) => String(get(s, "name")).toLowerCase() === "cluster");
    const protocol = get(selection, "connection", "proxyProtocol");
    const udsName = get(selection, "connection", "transport", "uds", "udsName");
    if (typeof udsName !== "string" || (protocol !== "GRPC" && protocol !== "HTTPConnect")) return undefined;
    return { udsName, mode: protocol === "GRPC" ? "grpc" : "http-connect" };
}

/** Names of the pod volumes that carry the ConfigMap (configMap or projected), three-valued per volume. */
function volumesOf(template: unknown, workload: Resource, configMap: Resource, cmName: string): Tri[] {
    const volumes = list(get(template, "spec", "volumes"));
    if (isUnknown(volumes)) return [volumes];
    const names = (v: unknown): unknown[] => {
        const projected = list(get(v, "projected", "sources"));
        return [
            get(v, "configMap", "name"),
            ...(isUnknown(projected) ? [projected] : projected.map((s) => get(s, "configMap", "name"))),
        ];
    };
    // An unknown name is this ConfigMap's when the workload takes a value from it.
    const isThis = (name: unknown): Tri => (isUnknown(name) ? dependsOn(workload, configMap) : name === cmName);
    return volumes.map((v) => or(...names(v).map(isThis)));
}

/** The volume holding a file: the mount whose path is the longest prefix of the file's path. */
function volumeHolding(container: Container, file: string): string | undefined {
    const mounts = list(container.spec.volumeMounts);
    if (isUnknown(mounts)) return undefined;
    let best: { name: string; length: number } | undefined;
    for (const m of mounts) {
        const path = get(m, "mountPath");
        const name = get(m, "name");
        if (typeof path !== "string" || typeof name !== "string") continue;
        const dir = path.endsWith("/") ? path : `${path}/`;
        if (file.startsWith(dir) && (best === undefined || dir.length > best.length))
            best = { name, length: dir.length };
    }
    return best?.name;
}

export const egressSelectorValid = stackPolicy({
    name: "egress-selector-valid",
    description:
        "The egress selector configuration loads in kube-apiserver, and its cluster socket is the --uds-name of the konnectivity-server in the same pod.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Build the file with konnectivityEgressSelector(udsName) from components/tunnel/konnectivity/egressSelector.ts, pass the same path as --uds-name to the konnectivity-server sidecar, and put the socket on a volume both containers mount.",
    config: [],
    check: (resources, _config, report) => {
        const configMaps = ofType(resources, types.configMap).filter((cm) => {
            const data = get(cm.props, "data");
            if (isUnknown(data)) report.unknown(data);
            return isRecord(data) && egressSelectorDataKey in data;
        });
        if (configMaps.length === 0) {
            report.notApplicable(`the stack has no ConfigMap with ${egressSelectorDataKey}`);
            return;
        }

        for (const cm of configMaps) {
            const text = get(cm.props, "data", egressSelectorDataKey);
            if (isUnknown(text)) {
                report.unknown(text);
                continue;
            }
            const parsed = parseEgressSelector(typeof text === "string" ? text : "");
            const problems = parsed.problems.length > 0 ? parsed.problems : validateEgressSelector(parsed.config);
            if (problems.length > 0) {
                report.violation(
                    `ConfigMap ${cm.name}: ${egressSelectorDataKey} would stop kube-apiserver from starting:\n  - ${problems.join("\n  - ")}\n` +
                        "Generate it with egressSelectorYaml(konnectivityEgressSelector(udsName)).",
                    cm.urn,
                );
                continue;
            }
            const socket = clusterSocket(parsed.config);
            const cmName = objectName(cm);
            if (socket === undefined) continue;
            if (isUnknown(cmName)) {
                report.unknown(cmName);
                continue;
            }
            for (const workload of resources.filter(isWorkload)) {
                const template = podTemplate(workload);
                const mounts = or(...volumesOf(template, workload, cm, cmName));
                const here = mounts === true ? sameNamespace(workload, cm) : mounts;
                if (isUnknown(here)) report.unknown(here);
                if (here !== true) continue;
                checkPod(workload, template, cm, socket, report);
            }
        }
    },
});

function checkPod(
    workload: Resource,
    template: unknown,
    cm: Resource,
    socket: { udsName: string; mode: string },
    report: Report,
): void {
    const { containers, unknowns } = containersOf(template);
    unknowns.forEach(report.unknown);
    const servers = containers.filter(isKonnectivityServer);
    const intro = `${workload.name} mounts ConfigMap ${cm.name}, whose cluster egress goes to the unix socket ${socket.udsName}`;
    if (servers.length === 0 && unknowns.length === 0) {
        report.violation(
            `${intro}, but its pod has no konnectivity-server container to serve that socket: logs/exec/port-forward ` +
                "and webhooks to Services would fail. Add the konnectivity-server sidecar with --uds-name set to that path.",
            workload.urn,
        );
    }
    const apiservers = containers.filter(
        (c) => typeof containerFlags(c).flags.get("egress-selector-config-file") === "string",
    );
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
        const serverVolume = volumeHolding(server, socket.udsName);
        for (const apiserver of apiservers) {
            const apiserverVolume = volumeHolding(apiserver, socket.udsName);
            if (serverVolume === undefined || serverVolume !== apiserverVolume) {
                report.violation(
                    `${intro}, but ${containerLabel(server)} and ${containerLabel(apiserver)} do not share the socket's ` +
                        `directory (${serverVolume ?? "no volume"} vs ${apiserverVolume ?? "no volume"}). Mount one emptyDir ` +
                        "at the socket's directory in both containers.",
                    workload.urn,
                );
            }
        }
    }
}
