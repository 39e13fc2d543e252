import * as assert from "assert";
import {
    egressSelectorYaml,
    EgressSelectorConfiguration,
    validateEgressSelector,
} from "../components/tunnel/konnectivity/egressSelector";

// What kube-apiserver's ValidateEgressSelectorConfiguration refuses, one connection at a time: a
// file with the selection `cluster` using the given connection gives exactly these problems.

const document = (connection: unknown, extra: Record<string, unknown> = {}) => ({
    apiVersion: "apiserver.k8s.io/v1beta1",
    kind: "EgressSelectorConfiguration",
    egressSelections: [{ name: "cluster", connection }],
    ...extra,
});
const at = "egressSelections[0].connection";
const tls = { caBundle: "/ca.crt", clientCert: "/c.crt", clientKey: "/c.key" };

describe("egress selector validation, rule by rule", () => {
    // [rule, connection, the problems (empty: kube-apiserver loads it)]
    const connections: [string, unknown, string[]][] = [
        ["Direct needs nothing", { proxyProtocol: "Direct" }, []],
        ["GRPC over a socket", { proxyProtocol: "GRPC", transport: { uds: { udsName: "/s" } } }, []],
        ["HTTPConnect over a socket", { proxyProtocol: "HTTPConnect", transport: { uds: { udsName: "/s" } } }, []],
        ["HTTPConnect over http", { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "http://p:8131" } } }, []],
        [
            "HTTPConnect over https with a client pair",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "https://p:8131", tlsConfig: tls } } },
            [],
        ],
        [
            "Direct has no transport",
            { proxyProtocol: "Direct", transport: { uds: { udsName: "/s" } } },
            [`${at}.transport: Transport config should be absent for direct connect`],
        ],
        ["GRPC needs a transport", { proxyProtocol: "GRPC" }, [`${at}.transport: transport must be set for GRPC`]],
        [
            "GRPC needs a socket",
            { proxyProtocol: "GRPC", transport: { tcp: { url: "http://p" } } },
            [`${at}.transport.uds: UDS must be set with GRPC`],
        ],
        [
            "a socket needs a name",
            { proxyProtocol: "GRPC", transport: { uds: { udsName: "" } } },
            [`${at}.transport.uds.udsName: UDSName should be present for UDS connections`],
        ],
        [
            "a socket name is text",
            { proxyProtocol: "GRPC", transport: { uds: { udsName: 7 } } },
            [`${at}.transport.uds.udsName: UDSName should be present for UDS connections`],
        ],
        [
            "a socket is an object",
            { proxyProtocol: "GRPC", transport: { uds: "/s" } },
            [`${at}.transport.uds: must be an object with udsName`],
        ],
        [
            "a socket has only udsName",
            { proxyProtocol: "GRPC", transport: { uds: { udsName: "/s", mode: "0600" } } },
            [`${at}.transport.uds.mode: unknown field (allowed: udsName)`],
        ],
        [
            "HTTPConnect needs a transport",
            { proxyProtocol: "HTTPConnect" },
            [`${at}.transport: transport must be set for HTTPConnect`],
        ],
        [
            "HTTPConnect: not both tcp and uds",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "http://p" }, uds: { udsName: "/s" } } },
            [`${at}.transport: TCP and UDS cannot both be set`],
        ],
        [
            "HTTPConnect: one of tcp and uds",
            { proxyProtocol: "HTTPConnect", transport: {} },
            [`${at}.transport: One of TCP or UDS must be set`],
        ],
        [
            "HTTPConnect checks its socket",
            { proxyProtocol: "HTTPConnect", transport: { uds: {} } },
            [`${at}.transport.uds.udsName: UDSName should be present for UDS connections`],
        ],
        [
            "tcp is an object",
            { proxyProtocol: "HTTPConnect", transport: { tcp: "http://p" } },
            [`${at}.transport.tcp: must be an object with url`],
        ],
        [
            "tcp has url and tlsConfig only",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "http://p", proxy: "x" } } },
            [`${at}.transport.tcp.proxy: unknown field (allowed: url, tlsConfig)`],
        ],
        [
            "http has no TLS",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "http://p", tlsConfig: tls } } },
            [`${at}.transport.tcp.tlsConfig: TLSConfig config should not be present when using HTTP`],
        ],
        [
            "https needs TLS",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "https://p" } } },
            [`${at}.transport.tcp.tlsConfig: TLSConfig must be present when using HTTPS`],
        ],
        [
            "https needs a client certificate",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "https://p", tlsConfig: { clientKey: "/k" } } } },
            [`${at}.transport.tcp.tlsConfig.clientCert: Using TLS requires clientCert`],
        ],
        [
            "https needs a client key",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "https://p", tlsConfig: { clientCert: "/c" } } } },
            [`${at}.transport.tcp.tlsConfig.clientKey: Using TLS requires clientKey`],
        ],
        [
            "tlsConfig has known fields only",
            {
                proxyProtocol: "HTTPConnect",
                transport: { tcp: { url: "https://p", tlsConfig: { ...tls, insecure: true } } },
            },
            [`${at}.transport.tcp.tlsConfig.insecure: unknown field (allowed: caBundle, clientKey, clientCert)`],
        ],
        [
            "http:// or https:// only",
            { proxyProtocol: "HTTPConnect", transport: { tcp: { url: "grpc://p" } } },
            [`${at}.transport.tcp.url: supported connection protocols are http:// and https:// (got "grpc://p")`],
        ],
        [
            "a url at all",
            { proxyProtocol: "HTTPConnect", transport: { tcp: {} } },
            [`${at}.transport.tcp.url: supported connection protocols are http:// and https:// (got "")`],
        ],
        [
            "a known protocol",
            { proxyProtocol: "grpc", transport: { uds: { udsName: "/s" } } },
            [`${at}.proxyProtocol: unsupported value "grpc"; supported: "Direct", "HTTPConnect", "GRPC"`],
        ],
        ["transport is an object", { proxyProtocol: "GRPC", transport: "uds" }, [`${at}.transport: must be an object`]],
        [
            "transport has tcp and uds only",
            { proxyProtocol: "GRPC", transport: { uds: { udsName: "/s" }, grpc: {} } },
            [`${at}.transport.grpc: unknown field (allowed: uds, tcp)`],
        ],
        [
            "connection has known fields only",
            { proxyProtocol: "Direct", timeout: "5s" },
            [`${at}.timeout: unknown field (allowed: proxyProtocol, transport)`],
        ],
        ["a connection is an object", "Direct", [`${at}: must be an object with proxyProtocol`]],
    ];
    for (const [rule, connection, expected] of connections) {
        it(rule, () => assert.deepStrictEqual(validateEgressSelector(document(connection)), expected));
    }

    const direct = { proxyProtocol: "Direct" };
    // [rule, document, the problems]
    const documents: [string, unknown, string[]][] = [
        ["the older v1alpha1 loads too", document(direct, { apiVersion: "apiserver.k8s.io/v1alpha1" }), []],
        [
            "a known apiVersion",
            document(direct, { apiVersion: "apiserver.k8s.io/v1" }),
            ['apiVersion: must be apiserver.k8s.io/v1beta1 or apiserver.k8s.io/v1alpha1 (got "apiserver.k8s.io/v1")'],
        ],
        [
            "the kind",
            document(direct, { kind: "EgressSelector" }),
            ['kind: invalid service configuration object "EgressSelector"; must be EgressSelectorConfiguration'],
        ],
        [
            "known top-level fields",
            document(direct, { metadata: {} }),
            [".metadata: unknown field (allowed: apiVersion, kind, egressSelections)"],
        ],
        ["a list of selections", document(direct, { egressSelections: {} }), ["egressSelections: must be a list"]],
        ["an object", [], ["the configuration must be an object"]],
        ["not null", null, ["the configuration must be an object"]],
        [
            "selections are objects",
            document(direct, { egressSelections: ["cluster"] }),
            ["egressSelections[0]: must be an object with name and connection"],
        ],
        [
            "selections have name and connection only",
            document(direct, { egressSelections: [{ name: "etcd", connection: direct, weight: 1 }] }),
            ["egressSelections[0].weight: unknown field (allowed: name, connection)"],
        ],
        [
            "names are cluster, controlplane, etcd",
            document(direct, { egressSelections: [{ name: "master", connection: direct }] }),
            ['egressSelections[0].name: unsupported value "master"; supported: "cluster", "controlplane", "etcd"'],
        ],
        [
            "a name at all",
            document(direct, { egressSelections: [{ connection: direct }] }),
            ['egressSelections[0].name: unsupported value ""; supported: "cluster", "controlplane", "etcd"'],
        ],
        [
            "names are compared case-insensitively, and each once",
            document(direct, {
                egressSelections: [
                    { name: "Cluster", connection: direct },
                    { name: "controlplane", connection: direct },
                    { name: "cluster", connection: direct },
                ],
            }),
            ['egressSelections[2].name: duplicate egress selection "cluster"'],
        ],
        [
            "every selection is checked",
            document(direct, {
                egressSelections: [
                    { name: "etcd", connection: direct },
                    { name: "controlplane", connection: { proxyProtocol: "GRPC" } },
                ],
            }),
            ["egressSelections[1].connection.transport: transport must be set for GRPC"],
        ],
    ];
    for (const [rule, doc, expected] of documents) {
        it(rule, () => assert.deepStrictEqual(validateEgressSelector(doc), expected));
    }

    it("the YAML is only written for a configuration that loads, naming every problem", () => {
        const bad = document({ proxyProtocol: "GRPC" }, { kind: "Egress" }) as unknown as EgressSelectorConfiguration;
        assert.throws(
            () => egressSelectorYaml(bad),
            /^Error: invalid egress selector configuration:\n {2}- kind: .*\n {2}- egressSelections\[0\]\.connection\.transport: transport must be set for GRPC$/,
        );
    });
});
