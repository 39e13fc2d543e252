import { stringify } from "yaml";
import { parseYamlDocument } from "../../shared/yamlDocument";

/**
 * kube-apiserver's egress selector configuration (`--egress-selector-config-file`), as typed
 * data, its YAML, and the checks kube-apiserver applies when it loads the file
 * (k8s.io/apiserver/pkg/server/egressselector/config.go, ValidateEgressSelectorConfiguration;
 * the v1beta1 types in k8s.io/apiserver/pkg/apis/apiserver/v1beta1).
 */
export type EgressSelectorName = "cluster" | "controlplane" | "etcd";
export type ProxyProtocol = "GRPC" | "HTTPConnect" | "Direct";

export interface EgressTransport {
    uds?: { udsName: string };
    tcp?: { url: string; tlsConfig?: { caBundle?: string; clientKey?: string; clientCert?: string } };
}

export interface EgressSelection {
    name: EgressSelectorName;
    connection: { proxyProtocol: ProxyProtocol; transport?: EgressTransport };
}

export interface EgressSelectorConfiguration {
    apiVersion: "apiserver.k8s.io/v1beta1";
    kind: "EgressSelectorConfiguration";
    egressSelections: EgressSelection[];
}

export const egressSelectorApiVersion = "apiserver.k8s.io/v1beta1";
/** What kube-apiserver decodes (k8s.io/apiserver/pkg/apis/apiserver: v1beta1, and the older v1alpha1). */
export const egressSelectorApiVersions: readonly string[] = [egressSelectorApiVersion, "apiserver.k8s.io/v1alpha1"];

/** The ConfigMap data key (and mounted file name) that holds the configuration; the offline render and the policies look for it. */
export const egressSelectorDataKey = "egress-selector-configuration.yaml";

/**
 * The configuration this project runs: the `cluster` egress (kubelet logs/exec/attach/
 * port-forward, proxy subresources, aggregated APIs, Service-referenced webhooks) goes over
 * gRPC to the konnectivity-server sidecar on a unix socket; `controlplane` and `etcd` stay Direct.
 */
export function konnectivityEgressSelector(udsName: string): EgressSelectorConfiguration {
    return {
        apiVersion: egressSelectorApiVersion,
        kind: "EgressSelectorConfiguration",
        egressSelections: [
            { name: "cluster", connection: { proxyProtocol: "GRPC", transport: { uds: { udsName } } } },
            { name: "controlplane", connection: { proxyProtocol: "Direct" } },
            { name: "etcd", connection: { proxyProtocol: "Direct" } },
        ],
    };
}

/** The YAML file kube-apiserver reads; throws when the configuration would not load. */
export function egressSelectorYaml(config: EgressSelectorConfiguration): string {
    const problems = validateEgressSelector(config);
    if (problems.length > 0) {
        throw new Error(`invalid egress selector configuration:\n  - ${problems.join("\n  - ")}`);
    }
    return stringify(config);
}

/** Parses an egress selector file; YAML errors are reported as problems. */
export function parseEgressSelector(text: string): { config?: unknown; problems: string[] } {
    const { value, problems } = parseYamlDocument(text);
    return { config: value, problems };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function unknownFields(value: Obj, allowed: string[], path: string): string[] {
    return Object.keys(value)
        .filter((k) => !allowed.includes(k))
        .map((k) => `${path}.${k}: unknown field (allowed: ${allowed.join(", ")})`);
}

function validateUds(uds: unknown, path: string): string[] {
    if (!isObj(uds)) return [`${path}: must be an object with udsName`];
    const problems = unknownFields(uds, ["udsName"], path);
    if (typeof uds.udsName !== "string" || uds.udsName === "") {
        problems.push(`${path}.udsName: UDSName should be present for UDS connections`);
    }
    return problems;
}

function validateTcp(tcp: unknown, path: string): string[] {
    if (!isObj(tcp)) return [`${path}: must be an object with url`];
    const problems = unknownFields(tcp, ["url", "tlsConfig"], path);
    const url = typeof tcp.url === "string" ? tcp.url : "";
    const tls = tcp.tlsConfig;
    if (url.startsWith("http://")) {
        if (tls !== undefined)
            problems.push(`${path}.tlsConfig: TLSConfig config should not be present when using HTTP`);
    } else if (url.startsWith("https://")) {
        if (!isObj(tls)) {
            problems.push(`${path}.tlsConfig: TLSConfig must be present when using HTTPS`);
        } else {
            problems.push(...unknownFields(tls, ["caBundle", "clientKey", "clientCert"], `${path}.tlsConfig`));
            if (!tls.clientCert) problems.push(`${path}.tlsConfig.clientCert: Using TLS requires clientCert`);
            if (!tls.clientKey) problems.push(`${path}.tlsConfig.clientKey: Using TLS requires clientKey`);
        }
    } else {
        problems.push(`${path}.url: supported connection protocols are http:// and https:// (got "${url}")`);
    }
    return problems;
}

function validateConnection(connection: unknown, path: string): string[] {
    if (!isObj(connection)) return [`${path}: must be an object with proxyProtocol`];
    const problems = unknownFields(connection, ["proxyProtocol", "transport"], path);
    const transport = connection.transport;
    if (transport !== undefined && !isObj(transport)) return [...problems, `${path}.transport: must be an object`];
    if (isObj(transport)) problems.push(...unknownFields(transport, ["uds", "tcp"], `${path}.transport`));
    switch (connection.proxyProtocol) {
        case "Direct":
            if (transport !== undefined)
                problems.push(`${path}.transport: Transport config should be absent for direct connect`);
            break;
        case "HTTPConnect":
            if (!isObj(transport)) problems.push(`${path}.transport: transport must be set for HTTPConnect`);
            else if (transport.tcp !== undefined && transport.uds !== undefined)
                problems.push(`${path}.transport: TCP and UDS cannot both be set`);
            else if (transport.tcp === undefined && transport.uds === undefined)
                problems.push(`${path}.transport: One of TCP or UDS must be set`);
            else if (transport.tcp !== undefined) problems.push(...validateTcp(transport.tcp, `${path}.transport.tcp`));
            else problems.push(...validateUds(transport.uds, `${path}.transport.uds`));
            break;
        case "GRPC":
            if (!isObj(transport)) problems.push(`${path}.transport: transport must be set for GRPC`);
            else if (transport.uds === undefined) problems.push(`${path}.transport.uds: UDS must be set with GRPC`);
            else problems.push(...validateUds(transport.uds, `${path}.transport.uds`));
            break;
        default:
            problems.push(
                `${path}.proxyProtocol: unsupported value ${JSON.stringify(connection.proxyProtocol)}; supported: "Direct", "HTTPConnect", "GRPC"`,
            );
    }
    return problems;
}

/**
 * Every reason kube-apiserver would refuse to start with this configuration; empty when it
 * loads. Unknown fields count, because the file is decoded strictly.
 */
export function validateEgressSelector(config: unknown): string[] {
    if (!isObj(config)) return ["the configuration must be an object"];
    const problems = unknownFields(config, ["apiVersion", "kind", "egressSelections"], "");
    if (!egressSelectorApiVersions.includes(config.apiVersion as string)) {
        problems.push(
            `apiVersion: must be ${egressSelectorApiVersions.join(" or ")} (got ${JSON.stringify(config.apiVersion)})`,
        );
    }
    if (config.kind !== "EgressSelectorConfiguration") {
        problems.push(
            `kind: invalid service configuration object ${JSON.stringify(config.kind)}; must be EgressSelectorConfiguration`,
        );
    }
    if (!Array.isArray(config.egressSelections)) {
        problems.push("egressSelections: must be a list");
        return problems;
    }
    const seen = new Set<string>();
    config.egressSelections.forEach((selection: unknown, i: number) => {
        const path = `egressSelections[${i}]`;
        if (!isObj(selection)) {
            problems.push(`${path}: must be an object with name and connection`);
            return;
        }
        problems.push(...unknownFields(selection, ["name", "connection"], path));
        problems.push(...validateConnection(selection.connection, `${path}.connection`));
        const name = String(selection.name ?? "").toLowerCase();
        if (seen.has(name)) {
            problems.push(`${path}.name: duplicate egress selection "${name}"`);
        } else if (!["cluster", "controlplane", "etcd"].includes(name)) {
            problems.push(`${path}.name: unsupported value "${name}"; supported: "cluster", "controlplane", "etcd"`);
        }
        seen.add(name);
    });
    return problems;
}
