import { at } from "../../test/harness/find";
import { RecordedResource } from "../../test/harness/recorder";
import { egressSelectorFiles, EgressSelectorFile } from "./egress";
import { Manifest, manifestOf, manifestYaml } from "./manifests";
import { openvpnContainers } from "./openvpn";
import { pkiFiles, PkiFile } from "./pki";
import { seedFolder } from "./providers";
import { inputsOf, outputsOf } from "./redact";
import { treeOrder } from "./tree";

/** One file of a render, by its path relative to the output folder (always with "/"). */
export interface RenderedFile {
    readonly path: string;
    readonly content: string;
}

export interface RenderContext {
    readonly clusterName: string;
    readonly showSecrets: boolean;
}

/** What a render writes (but the picture, which needs Graphviz), and what it found on the way. */
export interface Rendering {
    readonly files: RenderedFile[];
    readonly manifests: Manifest[];
    /** The egress selector file written (the seed's first), and all that were found. */
    readonly egressSelector?: EgressSelectorFile;
    readonly egressSelectors: EgressSelectorFile[];
    /** PEM files (empty unless secrets are shown). */
    readonly pki: PkiFile[];
    /** Whether there are tls resources at all. */
    readonly hasTls: boolean;
}

export const egressSelectorOutputFile = "egress-selector.yaml";

/** A resource as resources.json lists it: ids are what other resources' inputs refer to. */
export function resourceRecord(r: RecordedResource, showSecrets: boolean) {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        id: r.custom ? r.id : null,
        parent: r.parent || null,
        provider: r.provider ?? null,
        inputs: inputsOf(r, showSecrets),
        outputs: outputsOf(r, showSecrets),
        ...(r.read ? { read: true } : {}),
    };
}

/** Kubernetes manifests with unique file names per folder (a clash gets the logical name appended). */
function uniqueManifests(manifests: Manifest[]): Manifest[] {
    const seen = new Set<string>();
    return manifests.map((m) => {
        let file = m.file;
        for (let i = 2; seen.has(`${m.target}/${file}`); i++) file = m.file.replace(/\.yaml$/, `-${i}.yaml`);
        seen.add(`${m.target}/${file}`);
        return { ...m, file };
    });
}

export function renderFiles(resources: readonly RecordedResource[], context: RenderContext): Rendering {
    const { clusterName, showSecrets } = context;
    const ordered = treeOrder(resources);
    const files: RenderedFile[] = [
        {
            path: "resources.json",
            content: `${JSON.stringify(
                ordered.map((r) => resourceRecord(r, showSecrets)),
                null,
                2,
            )}\n`,
        },
    ];

    const manifests = uniqueManifests(ordered.flatMap((r) => manifestOf(r, clusterName, showSecrets) ?? [])).sort(
        (a, b) => `${a.target}/${a.file}`.localeCompare(`${b.target}/${b.file}`),
    );
    files.push(...manifests.map((m) => ({ path: `${m.target}/${m.file}`, content: manifestYaml(m) })));

    const egressSelectors = egressSelectorFiles(resources);
    const egressSelector =
        egressSelectors.find((e) => manifestOf(e.source, clusterName, false)?.target === seedFolder) ??
        egressSelectors[0];
    if (egressSelector) files.push({ path: egressSelectorOutputFile, content: egressSelector.content });

    // OpenVPN's configuration files byte for byte, as `openvpn --config` takes them.
    const configs = new Map<string, string>();
    for (const c of openvpnContainers(resources)) {
        for (const { source, key } of c.configs) {
            const folder = manifestOf(source, clusterName, false)?.target ?? "other";
            const file = `openvpn/${folder}/${String(at(source.inputs, "metadata.name"))}/${key}`;
            configs.set(file, String((source.inputs.data as Record<string, unknown>)[key]));
        }
    }
    files.push(...[...configs].sort().map(([path, content]) => ({ path, content })));

    const hasTls = resources.some((r) => r.type.startsWith("tls:"));
    const pki = showSecrets ? pkiFiles(resources) : [];
    files.push(...pki.map((p) => ({ path: `pki/${p.file}`, content: p.content })));
    if (showSecrets) files.push(...userDataFiles(ordered));
    return { files, manifests, egressSelector, egressSelectors, pki, hasTls };
}

/** Each VM's cloud-init user-data (it holds a join token, so only with --show-secrets), as `cloud-init schema -c` takes it. */
export function userDataFiles(resources: readonly RecordedResource[]): RenderedFile[] {
    return resources
        .filter((r) => r.type === "openstack:compute/instance:Instance" && typeof r.inputs.userData === "string")
        .map((r) => ({ path: `user-data/${r.name}.yaml`, content: String(r.inputs.userData) }));
}
