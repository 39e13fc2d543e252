import { parseDirectives } from "../../components/tunnel/openvpn/directives";
import { get, isRecord, isUnknown, list, Tri, Unknown } from "./known";
import { namespaceOf, objectName, Resource, types } from "./resources";
import { Container } from "./workloads";

/** A list property's known entries (an unknown list has none known yet). */
function known(value: unknown): unknown[] {
    const l = list(value);
    return isUnknown(l) ? [] : l;
}

/**
 * An OpenVPN process, recognised by what it is: a container whose image is an OpenVPN image (a
 * path segment or name "openvpn") or whose command runs an `openvpn` binary.
 */
export function isOpenvpnContainer(c: Container): boolean {
    const image = c.spec.image;
    if (typeof image === "string" && /(^|[/.-])openvpn([:@/-]|$)/.test(image.split("@")[0])) return true;
    const words = [...known(c.spec.command), ...known(c.spec.args)];
    return words.some((w) => /(^|\/)openvpn$/.test(String(w)));
}

type Role = "server" | "client" | undefined;

function roleOfConfig(text: string): Role {
    const directives = parseDirectives(text);
    if (
        directives.some(
            ([name, arg]) => name === "server" || name === "tls-server" || (name === "mode" && arg === "server"),
        )
    )
        return "server";
    if (directives.some(([name]) => name === "client" || name === "tls-client" || name === "remote")) return "client";
    return undefined;
}

function roleOfCommand(words: unknown[]): Role {
    if (words.includes("--server") || words.includes("--tls-server")) return "server";
    if (words.some((w, i) => w === "--mode" && words[i + 1] === "server")) return "server";
    if (words.includes("--client") || words.includes("--tls-client") || words.includes("--remote")) return "client";
    return undefined;
}

/** The role the configurations an OpenVPN container mounts from ConfigMaps of its namespace give it. */
function roleOfMountedConfig(
    workload: Resource,
    template: unknown,
    c: Container,
    resources: readonly Resource[],
): Role | Unknown {
    const volumes = list(get(template, "spec", "volumes"));
    if (isUnknown(volumes)) return volumes;
    const mounted = new Set(known(c.spec.volumeMounts).map((m) => get(m, "name")));
    const ns = namespaceOf(workload);
    let unknown: Unknown | undefined;
    let role: Role;
    for (const volume of volumes) {
        if (!isRecord(volume) || !mounted.has(volume.name)) continue;
        const source = get(volume, "configMap", "name");
        if (isUnknown(source)) {
            unknown ??= source;
            continue;
        }
        for (const cm of resources.filter((r) => r.type === types.configMap && objectName(r) === source)) {
            if (namespaceOf(cm) !== ns) continue;
            const data = get(cm.props, "data");
            if (isUnknown(data)) {
                unknown ??= data;
                continue;
            }
            if (!isRecord(data)) continue;
            for (const v of Object.values(data)) {
                if (typeof v !== "string") continue;
                const r = roleOfConfig(v);
                if (r === "server") return r;
                role ??= r;
            }
        }
    }
    // A configuration not known yet may make it a server, whatever the others say.
    return unknown ?? role;
}

/**
 * Whether an OpenVPN container is a server (three-valued: its config may not be known yet): it
 * listens (declares a container port), is told so on its command line (`--server`, `--mode
 * server`) or by a configuration it mounts (`server`, `mode server`, `tls-server`); or it runs
 * in a pod of its own (not as kube-apiserver's sidecar) with nothing that makes it a client, as
 * OpenVPN images do when run as they are (their entrypoints start a server).
 */
export function isOpenvpnServer(
    workload: Resource,
    template: unknown,
    c: Container,
    resources: readonly Resource[],
    besideApiserver: boolean,
): Tri {
    if (!isOpenvpnContainer(c)) return false;
    const ports = list(c.spec.ports);
    if (isUnknown(ports)) return ports;
    if (ports.length > 0) return true;
    const byCommand = roleOfCommand([...known(c.spec.command), ...known(c.spec.args)]);
    if (byCommand === "server") return true;
    const byConfig = roleOfMountedConfig(workload, template, c, resources);
    if (byConfig === "server") return true;
    if (isUnknown(byConfig)) return byConfig;
    return byCommand === undefined && byConfig === undefined && !besideApiserver;
}
