import { get, isUnknown, list } from "../lib/known";
import { stackPolicy } from "../lib/policy";
import { namespaceOf, objectName, Resource, types } from "../lib/resources";
import {
    Container,
    containersOf,
    isKonnectivityServer,
    isKubeApiserver,
    isWorkload,
    podTemplate,
} from "../lib/workloads";

/** An OpenVPN process: its image's repository is named openvpn, or it runs the openvpn binary. */
function runsOpenvpn(c: Container): boolean {
    const image = c.spec.image;
    const repository = typeof image === "string" ? (image.split("@")[0].split("/").at(-1) ?? "").split(":")[0] : "";
    const command = list(c.spec.command);
    const binary = isUnknown(command) ? undefined : command[0];
    return repository.includes("openvpn") || (typeof binary === "string" && /(^|\/)openvpn$/.test(binary));
}

/**
 * The legacy tunnel's server: an OpenVPN process in a pod of its own (the client runs as a
 * sidecar of kube-apiserver), or what the program names it (a Deployment or container
 * openvpn-server).
 */
function isOpenvpnServer(workload: Resource, containers: Container[]): boolean {
    const names = containers.map((c) => get(c.spec, "name"));
    return (
        (workload.type === types.deployment && objectName(workload) === "openvpn-server") ||
        names.includes("openvpn-server") ||
        (containers.some(runsOpenvpn) && !containers.some(isKubeApiserver))
    );
}

export const oneTunnelPerCluster = stackPolicy({
    name: "one-tunnel-per-cluster",
    description: "A cluster (namespace) never runs both an OpenVPN server and konnectivity servers.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Switch tunnelMode to one of konnectivity or openvpn; the program removes every object of the other path. Never deploy both into one cluster namespace.",
    config: [],
    check: (resources, _config, report) => {
        const byNamespace = new Map<string, { openvpn: Resource[]; konnectivity: Resource[] }>();
        for (const workload of resources.filter(isWorkload)) {
            const { containers, unknowns } = containersOf(podTemplate(workload));
            unknowns.forEach(report.unknown);
            const openvpn = isOpenvpnServer(workload, containers);
            const konnectivity = containers.some(isKonnectivityServer);
            if (!openvpn && !konnectivity) continue;
            const ns = namespaceOf(workload);
            if (isUnknown(ns)) {
                report.unknown(ns);
                continue;
            }
            const entry = byNamespace.get(ns) ?? { openvpn: [], konnectivity: [] };
            if (openvpn) entry.openvpn.push(workload);
            if (konnectivity) entry.konnectivity.push(workload);
            byNamespace.set(ns, entry);
        }
        if (byNamespace.size === 0) {
            report.notApplicable("the stack runs no OpenVPN server and no konnectivity-server");
            return;
        }
        for (const [ns, { openvpn, konnectivity }] of byNamespace) {
            if (openvpn.length === 0 || konnectivity.length === 0) continue;
            for (const server of openvpn) {
                report.violation(
                    `Namespace ${ns} runs the OpenVPN server ${server.name} and konnectivity-server in ` +
                        `${konnectivity.map((k) => k.name).join(", ")}. Two tunnels for one cluster fight over the ` +
                        "apiserver's route to the nodes (egress selector vs. VPN routes) and leave the legacy path " +
                        "exposed. Choose one tunnelMode; a migration removes the old path in the same update.",
                    server.urn,
                );
            }
        }
    },
});
