import { isUnknown } from "../lib/known";
import { isOpenvpnServer } from "../lib/openvpn";
import { stackPolicy } from "../lib/policy";
import { namespaceOf, Resource } from "../lib/resources";
import { containersOf, isKonnectivityServer, isKubeApiserver, podTemplate } from "../lib/workloads";

export const oneTunnelPerCluster = stackPolicy({
    name: "one-tunnel-per-cluster",
    description: "A cluster (namespace) never runs both an OpenVPN server and konnectivity servers.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Switch tunnelMode to one of konnectivity or openvpn; the program removes every object of the other path. Never deploy both into one cluster namespace.",
    config: [],
    check: (resources, _config, report) => {
        const byNamespace = new Map<string, { openvpn: Resource[]; konnectivity: Resource[] }>();
        // What is no workload has no pod template, so no containers.
        for (const workload of resources) {
            const template = podTemplate(workload);
            const { containers, unknowns } = containersOf(template);
            unknowns.forEach(report.unknown);
            const besideApiserver = containers.some(isKubeApiserver);
            let openvpn = false;
            for (const c of containers) {
                const server = isOpenvpnServer(workload, template, c, resources, besideApiserver);
                if (isUnknown(server)) report.unknown(server);
                else openvpn ||= server;
            }
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
            if (konnectivity.length === 0) continue;
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
