import { Document } from "yaml";
import { RecordedResource } from "../../test/harness/recorder";
import { providerRef, kubernetesTarget } from "./providers";
import { plainOrRedacted, redacted } from "./redact";

/** apiVersion and kind of a Kubernetes type token, or undefined when the token is not one object. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string; patch: boolean } | undefined {
    const match = /^kubernetes:([^:/]+)\/([^:/]+):([A-Z][A-Za-z0-9]*)$/.exec(type);
    if (!match) return undefined;
    const [, group, version, typeKind] = match;
    // Releases, charts, kustomizations and YAML groups are the provider's bundles, not objects a cluster stores.
    if (["helm.sh", "yaml", "kustomize"].includes(group) || typeKind.endsWith("List")) return undefined;
    const patch = typeKind.endsWith("Patch");
    return {
        apiVersion: group === "core" ? version : `${group}/${version}`,
        kind: patch ? typeKind.slice(0, -"Patch".length) : typeKind,
        patch,
    };
}

/** One Kubernetes object as `kubectl apply -f` takes it, with where it goes. */
export interface Manifest {
    /** The folder: seed, user-cluster, or the provider's name. */
    readonly target: string;
    readonly file: string;
    readonly object: Record<string, unknown>;
    /** Whether Secret data were replaced (the file says so in a comment). */
    readonly redactedData: boolean;
    /** Whether the name is the logical one because the program left naming to the provider. */
    readonly autonamed: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** base64 of "[secret]": Secret data must stay base64 for the API server to accept the file. */
const redactedBase64 = Buffer.from(redacted).toString("base64");

/** Secret data with every value replaced, keeping the keys (not secret, and needed to read the file). */
function redactSecretData(object: Obj, plain: Obj): Obj {
    const replaced = (value: unknown, to: string) =>
        isObj(value) ? Object.fromEntries(Object.keys(value).map((k) => [k, to])) : value;
    return {
        ...object,
        ...(plain.data !== undefined ? { data: replaced(plain.data, redactedBase64) } : {}),
        ...(plain.stringData !== undefined ? { stringData: replaced(plain.stringData, redacted) } : {}),
    };
}

/**
 * The manifest of a recorded Kubernetes object, or undefined for anything else. apiVersion and
 * kind come from the type token; the rest (metadata, spec, data, ...) as given. Values the
 * program marked secret show as "[secret]", and every Secret's data are redacted, unless shown.
 */
export function manifestOf(
    resource: RecordedResource,
    clusterName: string,
    showSecrets: boolean,
): Manifest | undefined {
    if (!resource.custom) return undefined;
    const kind = kubernetesKind(resource.type);
    const inputs = plainOrRedacted(resource.wireInputs, showSecrets) as Obj;
    const apiVersion = kind?.apiVersion ?? inputs.apiVersion;
    const kindName = kind?.kind ?? inputs.kind;
    if (!resource.type.startsWith("kubernetes:") || typeof apiVersion !== "string" || typeof kindName !== "string") {
        return undefined;
    }
    const given = isObj(inputs.metadata) ? inputs.metadata : {};
    const autonamed = typeof given.name !== "string" || given.name === "";
    // The first three keys lead the file; the token's apiVersion and kind win over the inputs'.
    let object: Obj = { apiVersion, kind: kindName, metadata: given, ...inputs };
    Object.assign(object, {
        apiVersion,
        kind: kindName,
        metadata: { ...given, name: autonamed ? resource.name : given.name },
    });
    const redactedData =
        kindName === "Secret" && !showSecrets && (inputs.data !== undefined || inputs.stringData !== undefined);
    if (redactedData) object = redactSecretData(object, resource.inputs);
    const meta = object.metadata as Obj;
    const namespace = typeof meta.namespace === "string" && meta.namespace !== "" ? `${meta.namespace}-` : "";
    // Object names may hold ':' (system:... RBAC names), which file names should not.
    const base = `${kindName.toLowerCase()}-${namespace}${String(meta.name)}`.replace(/[^a-z0-9.-]/gi, "-");
    const file = `${base}${kind?.patch ? ".patch" : ""}.yaml`;
    const target = kubernetesTarget(providerRef(resource.provider), clusterName);
    return { target, file, object, redactedData, autonamed };
}

/** The file's text: the object as YAML, with a comment when Secret data were redacted. */
export function manifestYaml(manifest: Manifest): string {
    const doc = new Document(manifest.object, { aliasDuplicateObjects: false });
    if (manifest.redactedData) {
        doc.commentBefore = ` Secret data redacted: each value is base64("${redacted}"). Render with --show-secrets for the real data.`;
    }
    return doc.toString({ lineWidth: 0 });
}
