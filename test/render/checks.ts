import * as assert from "assert";
import { parse } from "yaml";
import { RenderedFile } from "../../scripts/render/files";

/** Every Kubernetes manifest in a render parses and has what `kubectl apply -f` needs. */
export function assertManifestsApplyable(files: readonly RenderedFile[]): number {
    const manifests = files.filter((f) => f.path.endsWith(".yaml") && f.path.includes("/"));
    for (const file of manifests) {
        const doc = parse(file.content);
        assert.ok(typeof doc.apiVersion === "string" && doc.apiVersion !== "", `${file.path}: apiVersion`);
        assert.ok(typeof doc.kind === "string" && doc.kind !== "", `${file.path}: kind`);
        assert.ok(typeof doc.metadata?.name === "string" && doc.metadata.name !== "", `${file.path}: metadata.name`);
        assert.ok(file.path.startsWith(`${file.path.split("/")[0]}/${doc.kind.toLowerCase()}-`), file.path);
    }
    return manifests.length;
}

/**
 * A render's text with what differs between two renders of the same stack taken out: keys and
 * certificates (PEM blocks and their base64), and what derives from them (hex digests such as
 * checksum annotations or key ids, certificate serials, validity times).
 */
/**
 * A pool node's join token is new whenever the node's inputs are (its generation includes the
 * cluster CA, a fresh key in every run), and its id names its Secret: it is key material too.
 */
export function withoutTokenIds(text: string): string {
    return text.replace(/bootstrap-token-[a-z0-9]{6}\b/g, "bootstrap-token-<id>");
}

export function withoutKeyMaterial(text: string): string {
    return withoutTokenIds(text)
        .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----\n?/g, "<pem>")
        .replace(/LS0tLS1CRUdJTi[A-Za-z0-9+/=]+/g, "<base64 pem>")
        .replace(/\b[0-9a-f]{32,}\b/g, "<digest>")
        .replace(/\b\d{20,}\b/g, "<serial>")
        .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\b/g, "<time>");
}
