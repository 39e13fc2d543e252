import { at } from "../../test/harness/find";
import { RecordedResource } from "../../test/harness/recorder";
import { StandIn } from "../../test/harness/standIns";
import { OfflineReference } from "../../test/harness/references";
import { projectRoot } from "../../test/harness/projects";
import * as path from "path";
import { egressSelectorDataKey } from "../../components/tunnel/konnectivity/egressSelector";
import { egressSelectorOutputFile, RenderContext, Rendering } from "./files";
import { kubernetesKind } from "./manifests";
import { keyProperties } from "./properties";
import { openvpnLines } from "./openvpn";
import { inputsOf } from "./redact";
import { providerCountLines, summaryLine, treeLines } from "./tree";
import { containerFlags, podContainers } from "./workloads";

/** The printout of a render: everything but the timing line, which the shell adds. */

/** One line per secret replaced by a stand-in. */
export function standInLines(standIns: readonly StandIn[], stackFile: string): string[] {
    return standIns.map(
        ({ key, reason }) =>
            `offline stand-in for ${key}: ${reason === "encrypted" ? `${stackFile} holds it only encrypted (secure:)` : `not set in ${stackFile}`}`,
    );
}

/** One line per stack of this repository that the program reads, stood in by its own offline render. */
export function referenceLines(references: readonly OfflineReference[]): string[] {
    return references.flatMap((r) => {
        const file = path.relative(projectRoot, path.join(r.project.root, `Pulumi.${r.stack}.yaml`));
        return [
            `offline stand-in for stack ${r.name}: the outputs of its own offline render (${file})`,
            ...standInLines(r.standIns, file).map((line) => `  ${line}`),
        ];
    });
}

/** The konnectivity containers (kas-network-proxy images) and their flags, for review at a glance. */
export function konnectivityLines(resources: readonly RecordedResource[]): string[] {
    return [...resources]
        .sort((a, b) => a.urn.localeCompare(b.urn))
        .flatMap((r) => {
            const kind = kubernetesKind(r.type)?.kind;
            const inputs = inputsOf(r, false);
            const where = `${kind} ${String(at(inputs, "metadata.namespace") ?? "")}/${String(at(inputs, "metadata.name") ?? r.name)}`;
            return podContainers(inputs)
                .filter((c) => kind !== undefined && String(at(c, "image")).includes("/kas-network-proxy/"))
                .flatMap((c) => [
                    `  ${String(at(c, "name"))} (${where}, ${String(at(c, "image"))}):`,
                    ...containerFlags(c).map((flag) => `      ${flag}`),
                ]);
        });
}

export function reportLines(
    resources: readonly RecordedResource[],
    rendering: Rendering,
    context: RenderContext,
): string[] {
    const lines = [...treeLines(resources, keyProperties), "", "Resources per provider:"];
    lines.push(...providerCountLines(resources, context.clusterName).map((l) => `  ${l}`), "");

    const egress = rendering.egressSelector;
    if (egress === undefined) {
        lines.push(`Egress selector: none (no ConfigMap holds ${egressSelectorDataKey}); nothing written for it`);
    } else {
        lines.push(`Egress selector: ${egressSelectorOutputFile} from ConfigMap ${egress.source.name}`);
        if (rendering.egressSelectors.length > 1) {
            lines.push(
                `  (${rendering.egressSelectors.length} ConfigMaps hold one: ${rendering.egressSelectors.map((e) => e.source.name).join(", ")})`,
            );
        }
        lines.push(...egress.problems.map((p) => `  kube-apiserver would refuse it: ${p}`));
    }
    const konnectivity = konnectivityLines(resources);
    const openvpn = openvpnLines(resources);
    if (konnectivity.length > 0) lines.push("Konnectivity flags:", ...konnectivity);
    if (openvpn.length > 0) lines.push("OpenVPN:", ...openvpn);
    if (konnectivity.length === 0 && openvpn.length === 0) {
        lines.push("Tunnel: no kas-network-proxy and no OpenVPN containers yet");
    }
    if (!rendering.hasTls) lines.push("PKI: no tls resources yet");
    else if (!context.showSecrets)
        lines.push("PKI: keys and certificates not written (render with --show-secrets for pki/)");
    else lines.push(`PKI: ${rendering.pki.length} PEM files in pki/ (${rendering.pki.map((p) => p.file).join(", ")})`);
    lines.push("", summaryLine(resources, context.clusterName));
    return lines;
}
