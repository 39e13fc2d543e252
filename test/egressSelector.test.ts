import * as assert from "assert";
import { parse } from "yaml";
import {
    egressSelectorYaml,
    konnectivityEgressSelector,
    parseEgressSelector,
    validateEgressSelector,
} from "../components/tunnel/konnectivity/egressSelector";

const valid = () => konnectivityEgressSelector("/etc/kubernetes/konnectivity-server/konnectivity-server.socket");

describe("egress selector configuration (pure)", () => {
    it("sends only the cluster egress over gRPC on the unix socket; controlplane and etcd stay Direct", () => {
        const doc = parse(egressSelectorYaml(valid()));
        assert.strictEqual(doc.apiVersion, "apiserver.k8s.io/v1beta1");
        assert.strictEqual(doc.kind, "EgressSelectorConfiguration");
        assert.deepStrictEqual(doc.egressSelections[0], {
            name: "cluster",
            connection: {
                proxyProtocol: "GRPC",
                transport: { uds: { udsName: "/etc/kubernetes/konnectivity-server/konnectivity-server.socket" } },
            },
        });
        assert.deepStrictEqual(
            doc.egressSelections.slice(1).map((s: { name: string; connection: unknown }) => [s.name, s.connection]),
            [
                ["controlplane", { proxyProtocol: "Direct" }],
                ["etcd", { proxyProtocol: "Direct" }],
            ],
        );
        assert.deepStrictEqual(validateEgressSelector(doc), []);
    });

    // The cases build deliberately malformed documents, which no type describes.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const mutate = (f: (c: Record<string, any>) => void) => {
        const c = JSON.parse(JSON.stringify(valid()));
        f(c);
        return c;
    };
    const cases: [string, unknown, RegExp][] = [
        ["apiVersion v1 (there is none)", mutate((c) => (c.apiVersion = "apiserver.k8s.io/v1")), /apiVersion/],
        ["a wrong kind", mutate((c) => (c.kind = "EgressSelector")), /kind/],
        ["an unknown name", mutate((c) => (c.egressSelections[0].name = "kubelet")), /unsupported value "kubelet"/],
        ["a duplicate name", mutate((c) => (c.egressSelections[2].name = "controlplane")), /duplicate/],
        ["a duplicate name in other case", mutate((c) => (c.egressSelections[1].name = "Cluster")), /duplicate/],
        [
            "GRPC without transport",
            mutate((c) => delete c.egressSelections[0].connection.transport),
            /transport must be set for GRPC/,
        ],
        [
            "GRPC over TCP",
            mutate((c) => (c.egressSelections[0].connection.transport = { tcp: { url: "http://127.0.0.1:8131" } })),
            /UDS must be set with GRPC/,
        ],
        [
            "GRPC with an empty udsName",
            mutate((c) => (c.egressSelections[0].connection.transport.uds.udsName = "")),
            /UDSName should be present/,
        ],
        [
            "Direct with a transport",
            mutate((c) => (c.egressSelections[1].connection.transport = { uds: { udsName: "/x" } })),
            /absent for direct/,
        ],
        [
            "HTTPConnect without transport",
            mutate((c) => (c.egressSelections[0].connection = { proxyProtocol: "HTTPConnect" })),
            /transport must be set for HTTPConnect/,
        ],
        [
            "HTTPConnect with both TCP and UDS",
            mutate(
                (c) =>
                    (c.egressSelections[0].connection = {
                        proxyProtocol: "HTTPConnect",
                        transport: { uds: { udsName: "/x" }, tcp: { url: "http://a" } },
                    }),
            ),
            /cannot both be set/,
        ],
        [
            "HTTPConnect https without client cert",
            mutate(
                (c) =>
                    (c.egressSelections[0].connection = {
                        proxyProtocol: "HTTPConnect",
                        transport: { tcp: { url: "https://a:8131", tlsConfig: { clientKey: "/k" } } },
                    }),
            ),
            /requires clientCert/,
        ],
        [
            "HTTPConnect http with TLS",
            mutate(
                (c) =>
                    (c.egressSelections[0].connection = {
                        proxyProtocol: "HTTPConnect",
                        transport: { tcp: { url: "http://a:8131", tlsConfig: { clientKey: "/k" } } },
                    }),
            ),
            /should not be present when using HTTP/,
        ],
        [
            "HTTPConnect with a bad URL scheme",
            mutate(
                (c) =>
                    (c.egressSelections[0].connection = {
                        proxyProtocol: "HTTPConnect",
                        transport: { tcp: { url: "grpc://a" } },
                    }),
            ),
            /http:\/\/ and https:\/\//,
        ],
        [
            "an unknown protocol",
            mutate((c) => (c.egressSelections[0].connection.proxyProtocol = "grpc")),
            /unsupported value "grpc"/,
        ],
        [
            "an unknown field (the loader is strict)",
            mutate((c) => (c.egressSelections[0].connection.transport.uds.path = "/x")),
            /unknown field/,
        ],
        ["selections that are not a list", mutate((c) => (c.egressSelections = {})), /must be a list/],
    ];
    for (const [what, config, expected] of cases) {
        it(`rejects ${what}`, () => {
            const problems = validateEgressSelector(config);
            assert.ok(
                problems.some((p) => expected.test(p)),
                problems.join("\n") || "no problems",
            );
        });
    }

    it("refuses to render an invalid configuration", () => {
        const bad = valid();
        bad.egressSelections[0].connection.transport = undefined;
        assert.throws(() => egressSelectorYaml(bad), /transport must be set for GRPC/);
    });

    it("parses a file and reports YAML errors as problems", () => {
        assert.deepStrictEqual(parseEgressSelector(egressSelectorYaml(valid())).problems, []);
        assert.match(parseEgressSelector("egressSelections: [").problems[0], /not valid YAML/);
    });
});
