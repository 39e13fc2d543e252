import { get, isRecord, isUnknown, list } from "../lib/known";
import { isOpenvpnContainer } from "../lib/openvpn";
import { stackPolicy } from "../lib/policy";
import { namespaceOf } from "../lib/resources";
import { containerLabel, containersOf, isKubeApiserver, isWorkload, podTemplate } from "../lib/workloads";

/** What an OpenVPN container may add: the TUN device's configuration, iptables' raw socket, ping. */
const tunnelCapabilities = ["NET_ADMIN", "NET_RAW"];
const tunDevice = "/dev/net/tun";

const names = (value: unknown): string[] =>
    (Array.isArray(value) ? value : []).map((c) => String(c).toUpperCase().replace(/^CAP_/, ""));

export const tunnelPrivilegesContained = stackPolicy({
    name: "tunnel-privileges-contained",
    description:
        "Only the tunnel's OpenVPN containers hold network privileges (NET_ADMIN, NET_RAW, the node's /dev/net/tun), none is privileged, and nothing else in a control-plane namespace adds capabilities or mounts host paths.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give OpenVPN containers capabilities.drop [ALL] and add only NET_ADMIN (and NET_RAW where they run iptables or ping), privileged: false, and the hostPath /dev/net/tun only; move any other privileged workload out of the cluster's control-plane namespace.",
    config: [],
    check: (resources, _config, report) => {
        const placed = resources.filter(isWorkload).flatMap((w) => {
            const template = podTemplate(w);
            const { containers, unknowns } = containersOf(template);
            unknowns.forEach(report.unknown);
            const ns = namespaceOf(w);
            if (isUnknown(ns)) {
                report.unknown(ns);
                return [];
            }
            return [{ w, ns, template, containers, tunnel: containers.filter(isOpenvpnContainer) }];
        });
        // A control-plane namespace: one that runs kube-apiserver. In openvpn mode it can only
        // enforce the `privileged` Pod Security level, so this policy stands in for the rest.
        const controlPlane = new Set(placed.filter((p) => p.containers.some(isKubeApiserver)).map((p) => p.ns));
        const checked = placed.filter((p) => controlPlane.has(p.ns) || p.tunnel.length > 0);
        if (checked.length === 0) report.notApplicable("the stack runs no kube-apiserver and no OpenVPN container");
        for (const { w, ns, template, containers, tunnel } of checked) {
            const inControlPlane = controlPlane.has(ns);
            const where = `${w.name} (namespace ${ns})`;
            for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
                const value = get(template, "spec", key);
                if (isUnknown(value)) report.unknown(value);
                else if (value === true) {
                    report.violation(`${where} sets ${key}: the tunnel needs none of the node's namespaces.`, w.urn);
                }
            }
            for (const c of inControlPlane ? containers : tunnel) {
                const isTunnel = isOpenvpnContainer(c);
                // `get` passes an unknown securityContext on as unknown fields.
                const security = get(c.spec, "securityContext");
                const privileged = get(security, "privileged");
                if (isUnknown(privileged)) report.unknown(privileged);
                else if (privileged === true) {
                    report.violation(
                        `${containerLabel(c)} of ${where} is privileged: every capability and every device of the node. ` +
                            (isTunnel
                                ? "OpenVPN needs NET_ADMIN and /dev/net/tun only; set privileged: false."
                                : "Nothing of the control plane needs that; set privileged: false."),
                        w.urn,
                    );
                }
                const added = get(security, "capabilities", "add");
                if (isUnknown(added)) {
                    report.unknown(added);
                    continue;
                }
                const extra = names(added).filter((cap) => !(isTunnel && tunnelCapabilities.includes(cap)));
                if (extra.length > 0) {
                    report.violation(
                        `${containerLabel(c)} of ${where} adds ${extra.join(", ")}. ` +
                            (isTunnel
                                ? `An OpenVPN container needs ${tunnelCapabilities.join(" and ")} at most.`
                                : "Outside the tunnel's OpenVPN containers, nothing in a control-plane namespace adds capabilities (its Pod Security level cannot stop it in openvpn mode)."),
                        w.urn,
                    );
                }
            }
            // Host paths: only OpenVPN containers, and only the TUN device.
            const volumes = list(get(template, "spec", "volumes"));
            if (isUnknown(volumes)) {
                report.unknown(volumes);
                continue;
            }
            for (const v of volumes) {
                if (!isRecord(v) || v.hostPath === undefined) continue;
                const hostPath = get(v, "hostPath", "path");
                if (isUnknown(hostPath)) {
                    report.unknown(hostPath);
                    continue;
                }
                const users = containers.filter((c) => {
                    const mounts = list(c.spec.volumeMounts);
                    return !isUnknown(mounts) && mounts.some((m) => get(m, "name") === v.name);
                });
                const fine = hostPath === tunDevice && users.every(isOpenvpnContainer);
                if (!fine && (inControlPlane || users.some(isOpenvpnContainer))) {
                    report.violation(
                        `${where} mounts the host path ${String(hostPath)} (volume ${String(v.name)}` +
                            `${users.length > 0 ? `, in ${users.map(containerLabel).join(", ")}` : ""}). Only the tunnel's OpenVPN ` +
                            `containers may mount a host path, and only ${tunDevice}.`,
                        w.urn,
                    );
                }
            }
        }
    },
});
