import { parseDirectives } from "../../components/tunnel/openvpn/directives";
import { get, isRecord, isUnknown, list, Tri, Unknown } from "./known";
import { namespaceOf, objectName, Resource, types } from "./resources";
import { Container } from "./workloads";

/**
 * OpenVPN processes, recognised by what they are: a container whose image is an OpenVPN image
 * (a path segment or name "openvpn") or whose command runs an `openvpn` binary. A server is one
 * that listens (declares a container port), is told so on its command line (`--server`,
 * `--mode server`), or mounts a configuration that says so (a `server` or `mode server`
 * directive in a ConfigMap of its namespace).
 */
/** A list property's known entries (an unknown list has none known yet). */
function known(value: unknown): unknown[] {
    const l = list(value);
    return isUnknown(l) ? [] : l;
}

export function isOpenvpnContainer(c: Container): boolean {
    const image = c.spec.image;
    if (typeof image === "string" && /(^|[/.-])openvpn([:@/-]|$)/.test(image.split("@")[0])) return true;
    const words = [...known(c.spec.command), ...known(c.spec.args)];
    return words.some((w) => typeof w === "string" && /(^|\/)openvpn$/.test(w));
}

function saysServer(text: string): boolean {
    return parseDirectives(text).some(
        ([name, arg]) => name === "server" || (name === "mode" && arg === "server") || name === "tls-server",
    );
}

/** Whether an OpenVPN container is a server (three-valued: its config may not be known yet). */
export function isOpenvpnServer(
    workload: Resource,
    template: unknown,
    c: Container,
    resources: readonly Resource[],
): Tri {
    if (!isOpenvpnContainer(c)) return false;
    const ports = list(c.spec.ports);
    if (isUnknown(ports)) return ports;
    if (ports.length > 0) return true;
    const words = [...known(c.spec.command), ...known(c.spec.args)];
    if (words.includes("--server")) return true;
    if (words.some((w, i) => w === "--mode" && words[i + 1] === "server")) return true;
    // A configuration file from a ConfigMap it mounts.
    const volumes = list(get(template, "spec", "volumes"));
    if (isUnknown(volumes)) return volumes;
    const mounted = new Set(known(c.spec.volumeMounts).map((m) => get(m, "name")));
    const ns = namespaceOf(workload);
    let unknown: Unknown | undefined;
    for (const volume of volumes) {
        if (!isRecord(volume) || !mounted.has(volume.name)) continue;
        const source = get(volume, "configMap", "name");
        if (typeof source !== "string") continue;
        for (const cm of resources.filter((r) => r.type === types.configMap && objectName(r) === source)) {
            if (namespaceOf(cm) !== ns) continue;
            const data = get(cm.props, "data");
            if (isUnknown(data)) {
                unknown ??= data;
                continue;
            }
            if (isRecord(data) && Object.values(data).some((v) => typeof v === "string" && saysServer(v))) return true;
        }
    }
    return unknown ?? false;
}
