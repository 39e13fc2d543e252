import * as assert from "assert";
import {
    KonnectivityServerOptions,
    konnectivityServerFlags,
    knownServerFlags,
    validateKonnectivityServerFlags,
} from "../components/tunnel/konnectivity/serverFlags";

const options: KonnectivityServerOptions = {
    udsName: "/etc/kubernetes/konnectivity-server/konnectivity-server.socket",
    agentPort: 8132,
    adminPort: 8133,
    healthPort: 8134,
    serverCount: 3,
    serverId: "$(POD_NAME)",
    keepaliveSeconds: 30,
    clusterCertFile: "/pki/tls.crt",
    clusterKeyFile: "/pki/tls.key",
    clusterCaCertFile: "/pki/ca.crt",
    proxyStrategies: ["default"],
};
const expect = { apiserverReplicas: 3, loadBalancerIdleTimeoutSeconds: 3600 };

/** The valid flag list with one flag replaced (or removed, for `undefined`). */
function withFlag(name: string, value: string | undefined): string[] {
    const flags = konnectivityServerFlags(options, expect).filter((f) => !f.startsWith(`--${name}=`));
    return value === undefined ? flags : [...flags, `--${name}=${value}`];
}

function flagValue(flags: string[], name: string): string | undefined {
    return flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe("konnectivity-server flags", () => {
    // Built in each test, not at load: what runs at load is outside any one test (and a mutation run sees it that way).
    let flags: string[] = [];
    beforeEach(() => (flags = konnectivityServerFlags(options, expect)));

    it("are all --flag=value, each a flag of the pinned server, each once", () => {
        for (const f of flags) assert.match(f, /^--[a-z-]+=.+$/);
        const names = flags.map((f) => f.slice(2, f.indexOf("=")));
        for (const n of names) assert.ok(knownServerFlags.includes(n), n);
        assert.strictEqual(new Set(names).size, names.length);
        assert.deepStrictEqual(validateKonnectivityServerFlags(flags, expect), []);
    });

    it("publish a lease in the user cluster only with a kubeconfig for it and a parseable label", () => {
        const leases = {
            kubeconfigFile: "/k/kubeconfig",
            namespace: "kube-system",
            label: "k8s-app=konnectivity-server",
        };
        const withLeases = konnectivityServerFlags({ ...options, leases }, expect);
        assert.strictEqual(flagValue(withLeases, "enable-lease-controller"), "true");
        assert.deepStrictEqual(validateKonnectivityServerFlags(withLeases, expect), []);
        const noKubeconfig = withLeases.filter((f) => !f.startsWith("--kubeconfig="));
        assert.match(
            validateKonnectivityServerFlags(noKubeconfig, expect).join(),
            /would write the leases into the seed/,
        );
        assert.throws(
            () => konnectivityServerFlags({ ...options, leases: { ...leases, label: "not a label" } }, expect),
            /--lease-label=not a label/,
        );
    });

    it("log at -v=2, not the server's own default of 4 (every dial)", () => {
        assert.strictEqual(flagValue(flags, "v"), "2");
    });

    it("serve kube-apiserver on the unix socket only (server port 0, no frontend TLS)", () => {
        assert.strictEqual(flagValue(flags, "uds-name"), options.udsName);
        assert.strictEqual(flagValue(flags, "server-port"), "0");
        assert.strictEqual(flagValue(flags, "mode"), "grpc");
        assert.strictEqual(flagValue(flags, "delete-existing-uds-file"), "true");
        for (const f of ["server-cert", "server-key", "server-ca-cert"])
            assert.strictEqual(flagValue(flags, f), undefined);
    });

    it("count one server per apiserver replica, each with its own id, and require client certificates", () => {
        assert.strictEqual(flagValue(flags, "server-count"), "3");
        assert.strictEqual(flagValue(flags, "server-id"), "$(POD_NAME)");
        assert.strictEqual(flagValue(flags, "cluster-ca-cert"), "/pki/ca.crt");
        assert.strictEqual(flagValue(flags, "cluster-cert"), "/pki/tls.crt");
        assert.strictEqual(flagValue(flags, "cluster-key"), "/pki/tls.key");
    });

    it("use ports in 1024..49151 and a keepalive shorter than the load balancer's idle timeout", () => {
        assert.deepStrictEqual(
            ["agent-port", "admin-port", "health-port"].map((n) => flagValue(flags, n)),
            ["8132", "8133", "8134"],
        );
        assert.strictEqual(flagValue(flags, "keepalive-time"), "30s");
        assert.strictEqual(flagValue(flags, "frontend-keepalive-time"), "30s");
    });

    it("the builder refuses options that would not run", () => {
        assert.throws(
            () => konnectivityServerFlags({ ...options, serverCount: 2 }, expect),
            /server-count=2.*replicas \(3\)/,
        );
        assert.throws(
            () => konnectivityServerFlags({ ...options, keepaliveSeconds: 3600 }, expect),
            /keepalive-time=3600s/,
        );
        assert.throws(() => konnectivityServerFlags({ ...options, agentPort: 80 }, expect), /agent-port=80/);
    });
});

describe("validateKonnectivityServerFlags rejects", () => {
    const cases: [string, () => string[], RegExp][] = [
        [
            "a TCP server port next to the socket",
            () => withFlag("server-port", "8090"),
            /--server-port=8090: must be 0 with --uds-name/,
        ],
        [
            "frontend TLS with the socket",
            () => withFlag("server-cert", "/x.crt"),
            /--server-cert: must not be set with --uds-name/,
        ],
        ["no socket", () => withFlag("uds-name", undefined), /--uds-name: required/],
        ["a server count other than the replicas", () => withFlag("server-count", "2"), /--server-count=2: must equal/],
        ["the default server count", () => withFlag("server-count", undefined), /--server-count=1: must equal/],
        [
            "a server id shared by all pods",
            () => withFlag("server-id", "server"),
            /--server-id=server: must differ per pod/,
        ],
        [
            "a reserved agent port",
            () => withFlag("agent-port", "443"),
            /--agent-port=443: must be a port from 1024 to 49151/,
        ],
        ["an ephemeral admin port", () => withFlag("admin-port", "50000"), /--admin-port=50000/],
        ["a health port below 1024", () => withFlag("health-port", "80"), /--health-port=80/],
        ["two ports the same", () => withFlag("health-port", "8132"), /ports must differ/],
        [
            "keepalive below the server's 30s minimum",
            () => withFlag("keepalive-time", "10s"),
            /--keepalive-time=10s: at least 30s/,
        ],
        [
            "keepalive at the idle timeout",
            () => withFlag("keepalive-time", "1h"),
            /shorter than the load balancer idle timeout \(3600s\)/,
        ],
        ["keepalive left at its 1h default", () => withFlag("keepalive-time", undefined), /--keepalive-time: set it/],
        ["a keepalive that is not a duration", () => withFlag("keepalive-time", "30"), /not a Go duration/],
        [
            "no client CA (agents unauthenticated)",
            () => withFlag("cluster-ca-cert", undefined),
            /--cluster-ca-cert: required/,
        ],
        [
            "token auth next to the client CA",
            () => withFlag("agent-namespace", "kube-system"),
            /--agent-namespace: token authentication/,
        ],
        ["http-connect mode", () => withFlag("mode", "http-connect"), /--mode=http-connect/],
        ["an unknown proxy strategy", () => withFlag("proxy-strategies", "roundRobin"), /roundRobin not one of/],
        [
            "a flag the server does not have",
            () => [...withFlag("mode", "grpc"), "--agent-identifiers=host=x"],
            /--agent-identifiers: not a flag/,
        ],
        [
            "a flag not written --flag=value",
            () => [...withFlag("mode", "grpc"), "--v", "2"],
            /"--v": write every flag as --flag=value/,
        ],
        ["a flag given twice", () => [...withFlag("mode", "grpc"), "--mode=grpc"], /--mode: given twice/],
    ];
    for (const [what, flags, message] of cases) {
        it(what, () => {
            const problems = validateKonnectivityServerFlags(flags(), expect);
            assert.ok(
                problems.some((p) => message.test(p)),
                `expected ${message} in:\n${problems.join("\n")}`,
            );
        });
    }

    it("keepalive against a shorter idle timeout", () => {
        const problems = validateKonnectivityServerFlags(withFlag("keepalive-time", "1m"), {
            ...expect,
            loadBalancerIdleTimeoutSeconds: 60,
        });
        assert.deepStrictEqual(problems, [
            "--keepalive-time=1m: must be shorter than the load balancer idle timeout (60s), or idle tunnels are cut",
        ]);
    });
});
