import { argumentsOf, Directive, parseDirectives } from "../../components/tunnel/openvpn/directives";
import { at } from "../../test/harness/find";
import { RecordedResource } from "../../test/harness/recorder";
import { kubernetesKind } from "./manifests";
import { podContainers } from "./workloads";

/**
 * OpenVPN in a render, recognised by what it runs: containers whose image or command is OpenVPN,
 * and the configuration files they mount from ConfigMaps of their own cluster and namespace.
 */
export interface OpenvpnContainer {
    readonly workload: RecordedResource;
    readonly container: Record<string, unknown>;
    /** Every file of the ConfigMaps it mounts (configurations, client-config-dir files), as directives. */
    readonly configs: { readonly source: RecordedResource; readonly key: string; readonly directives: Directive[] }[];
}

const isOpenvpn = (c: unknown) =>
    /(^|[/.-])openvpn([:@/-]|$)/.test(String(at(c, "image"))) ||
    [...((at(c, "command") as unknown[]) ?? []), ...((at(c, "args") as unknown[]) ?? [])].some((w) =>
        /(^|\/)openvpn$/.test(String(w)),
    );

export function openvpnContainers(resources: readonly RecordedResource[]): OpenvpnContainer[] {
    const configMaps = resources.filter((r) => r.custom && kubernetesKind(r.type)?.kind === "ConfigMap");
    return [...resources]
        .sort((a, b) => a.urn.localeCompare(b.urn))
        .filter(
            (r) => r.custom && ["Deployment", "StatefulSet", "DaemonSet"].includes(kubernetesKind(r.type)?.kind ?? ""),
        )
        .flatMap((workload) => {
            const volumes = (at(workload.inputs, "spec.template.spec.volumes") as Record<string, unknown>[]) ?? [];
            return podContainers(workload.inputs)
                .filter(isOpenvpn)
                .map((container) => {
                    const mounted = ((at(container, "volumeMounts") as { name: string }[]) ?? []).map((m) => m.name);
                    const sources = volumes
                        .filter((v) => mounted.includes(String(v.name)))
                        .map((v) => at(v, "configMap.name"))
                        .filter((n) => n !== undefined);
                    const configs = configMaps
                        .filter(
                            (cm) =>
                                cm.provider === workload.provider &&
                                at(cm.inputs, "metadata.namespace") === at(workload.inputs, "metadata.namespace") &&
                                sources.includes(at(cm.inputs, "metadata.name") as string),
                        )
                        .flatMap((source) =>
                            Object.entries((source.inputs.data as Record<string, unknown>) ?? {}).flatMap(
                                ([key, text]) =>
                                    typeof text === "string"
                                        ? [{ source, key, directives: parseDirectives(text) }]
                                        : [],
                            ),
                        );
                    return { workload, container: container as Record<string, unknown>, configs };
                });
        });
}

/** Where a client dials: the first `remote`. */
export function remoteOf(c: OpenvpnContainer): { host: string; port: string } | undefined {
    for (const { directives } of c.configs) {
        const [host, port = "1194"] = argumentsOf(directives, "remote")[0] ?? [];
        if (host !== undefined) return { host, port };
    }
    return undefined;
}

/** One line per OpenVPN container: what it is and does, for review at a glance. */
export function openvpnLines(resources: readonly RecordedResource[]): string[] {
    return openvpnContainers(resources).map((c) => {
        const where = `${kubernetesKind(c.workload.type)?.kind} ${String(at(c.workload.inputs, "metadata.namespace"))}/${String(at(c.workload.inputs, "metadata.name"))}`;
        const all = c.configs.flatMap((k) => k.directives);
        const server = argumentsOf(all, "server")[0];
        const remote = remoteOf(c);
        const role = server
            ? `server ${server.join(" ")}, pushes ${argumentsOf(all, "push")
                  .map((p) => p[0].replace(/^route /, ""))
                  .join("; ")}`
            : remote
              ? `client of ${remote.host}:${remote.port}${argumentsOf(all, "route-nopull").length > 0 ? ", takes no routes" : ", pulls routes"}`
              : "no configuration found";
        const caps = (at(c.container, "securityContext.capabilities.add") as string[] | undefined) ?? [];
        return `  ${String(at(c.container, "name"))} (${where}, ${String(at(c.container, "image"))}): ${role}; adds ${caps.join(", ") || "no capabilities"}`;
    });
}
