import * as assert from "assert";
import fc from "fast-check";
import {
    KonnectivityServerOptions,
    konnectivityServerFlags,
    validateKonnectivityServerFlags,
} from "../components/tunnel/konnectivity/serverFlags";

// Each rule of the server validator, one violation at a time: the valid flags with one flag changed
// give exactly one problem, and it names that flag. The flags are built inside each test, so that a
// change to the builder or the validator is seen by the tests that read it (and by nothing at load).

const options: KonnectivityServerOptions = {
    udsName: "/run/konnectivity/konnectivity-server.socket",
    agentPort: 8132,
    adminPort: 8133,
    healthPort: 8134,
    serverCount: 2,
    serverId: "$(POD_NAME)",
    keepaliveSeconds: 45,
    clusterCertFile: "/pki/tls.crt",
    clusterKeyFile: "/pki/tls.key",
    clusterCaCertFile: "/pki/ca.crt",
    proxyStrategies: ["destHost", "default"],
};
const expect = { apiserverReplicas: 2, loadBalancerIdleTimeoutSeconds: 120 };

const valid = () => konnectivityServerFlags(options, expect);

/** The valid flags with `--name` replaced by `--name=value` (dropped for undefined). */
function changed(name: string, value: string | undefined): string[] {
    const rest = valid().filter((f) => !f.startsWith(`--${name}=`));
    return value === undefined ? rest : [...rest, `--${name}=${value}`];
}

const problems = (flags: readonly string[]) => validateKonnectivityServerFlags(flags, expect);

function onlyProblem(flags: readonly string[], message: RegExp): void {
    const found = problems(flags);
    assert.strictEqual(found.length, 1, `expected one problem matching ${message}, got:\n${found.join("\n")}`);
    assert.match(found[0], message);
}

describe("konnectivity-server validation, rule by rule", () => {
    it("accepts the flags it builds, with and without leases", () => {
        assert.deepStrictEqual(problems(valid()), []);
        const leases = { kubeconfigFile: "/k/kubeconfig", namespace: "kube-system", label: "app=konnectivity,tier=cp" };
        assert.deepStrictEqual(problems(konnectivityServerFlags({ ...options, leases }, expect)), []);
    });

    // [rule, flag changed, value (undefined: removed), the one problem]
    const violations: [string, string, string | undefined, RegExp][] = [
        [
            "kube-apiserver speaks GRPC to the socket",
            "mode",
            "http-connect",
            /^--mode=http-connect: .*use --mode=grpc$/,
        ],
        ["the socket is required", "uds-name", undefined, /^--uds-name: required/],
        ["the socket is required, not empty", "uds-name", "", /^--uds-name: required/],
        ["a socket means no TCP frontend", "server-port", "8090", /^--server-port=8090: must be 0 with --uds-name/],
        ["the TCP frontend defaults to 8090", "server-port", undefined, /^--server-port=8090: must be 0/],
        ["no frontend certificate with a socket", "server-cert", "/s.crt", /^--server-cert: must not be set with/],
        ["no frontend key with a socket", "server-key", "/s.key", /^--server-key: must not be set with/],
        ["no frontend CA with a socket", "server-ca-cert", "/ca.crt", /^--server-ca-cert: must not be set with/],
        ["agents present a certificate", "cluster-cert", undefined, /^--cluster-cert: required; agents/],
        ["agents present a key", "cluster-key", "", /^--cluster-key: required; agents/],
        ["agents are checked against a CA", "cluster-ca-cert", undefined, /^--cluster-ca-cert: required; agents/],
        ["no token auth with mTLS: namespace", "agent-namespace", "kube-system", /^--agent-namespace: token auth/],
        ["no token auth: service account", "agent-service-account", "agent", /^--agent-service-account: token/],
        ["no token auth: audience", "authentication-audience", "system:konnectivity", /^--authentication-audience: /],
        [
            "one server per replica",
            "server-count",
            "3",
            /^--server-count=3: must equal the kube-apiserver replicas \(2\)/,
        ],
        ["the server count defaults to 1", "server-count", undefined, /^--server-count=1: must equal/],
        ["a per-pod id", "server-id", "server-a", /^--server-id=server-a: must differ per pod/],
        ["an id at all", "server-id", undefined, /^--server-id=: must differ per pod/],
        ["a keepalive is set", "keepalive-time", undefined, /^--keepalive-time: set it; the default \(1h\)/],
        ["a keepalive is a Go duration", "keepalive-time", "45", /^--keepalive-time=45: not a Go duration/],
        ["the server's 30 s floor", "keepalive-time", "29s", /^--keepalive-time=29s: at least 30s/],
        ["below the LB idle timeout", "keepalive-time", "2m", /^--keepalive-time=2m: must be shorter .* \(120s\)/],
        ["a frontend keepalive is positive", "frontend-keepalive-time", "0s", /^--frontend-keepalive-time=0s: not a /],
        ["a frontend keepalive is a duration", "frontend-keepalive-time", "soon", /^--frontend-keepalive-time=soon:/],
        ["a frontend keepalive is not negative", "frontend-keepalive-time", "-1s", /^--frontend-keepalive-time=-1s/],
        ["known strategies only", "proxy-strategies", "destHost,roundRobin", /^--proxy-strategies: roundRobin not one/],
        ["no empty strategy", "proxy-strategies", "", /^--proxy-strategies: {2}not one of default, destHost/],
        ["agent port a number", "agent-port", "x", /^--agent-port=x: must be a port from 1024 to 49151/],
        ["admin port whole", "admin-port", "8133.5", /^--admin-port=8133.5: must be a port/],
        ["ports differ", "admin-port", "8134", /^agent, admin and health ports must differ \(agent-port=8132, admin/],
        ["lease label parses", "lease-label", "no label", /^--lease-label=no label: must be key=value/],
    ];
    for (const [rule, name, value, message] of violations) {
        it(`${rule}: --${name}${value === undefined ? " removed" : `=${value}`}`, () => {
            const flags = name === "lease-label" ? [...leaseFlags(), `--${name}=${value}`] : changed(name, value);
            onlyProblem(flags, message);
        });
    }

    function leaseFlags(): string[] {
        return [...valid(), "--enable-lease-controller=true", "--kubeconfig=/k/kubeconfig"];
    }

    it("the lease controller needs a kubeconfig for the user cluster, and checks the label only when on", () => {
        onlyProblem([...valid(), "--enable-lease-controller=true"], /^--enable-lease-controller: needs --kubeconfig/);
        assert.deepStrictEqual(problems(leaseFlags()), [], "the default label k8s-app=konnectivity-server parses");
        assert.deepStrictEqual(
            problems([...valid(), "--enable-lease-controller=false", "--lease-label=bad label"]),
            [],
        );
        for (const label of ["a=b", "a.io/b=c", "a=", "a=b,c=d"])
            assert.deepStrictEqual(problems([...leaseFlags(), `--lease-label=${label}`]), [], label);
        for (const label of ["a", "=b", "a=b,", "a=b c", "a=b,c", "no label=x"])
            assert.strictEqual(problems([...leaseFlags(), `--lease-label=${label}`]).length, 1, label);
    });

    it("every flag is --flag=value, a flag of the server, given once", () => {
        onlyProblem([...valid(), ""], /^"": write every flag as --flag=value$/);
        onlyProblem([...valid(), "--V=2"], /^"--V=2": write every flag/);
        onlyProblem([...valid(), "-v=2"], /^"-v=2": write every flag/);
        onlyProblem([...valid(), "--agent-identifiers=x"], /^--agent-identifiers: not a flag of konnectivity-server$/);
        onlyProblem([...valid(), "--v=4"], /^--v: given twice$/);
        onlyProblem([" " + valid()[0], ...valid().slice(1)], /write every flag/);
        onlyProblem([...valid().filter((f) => f !== "--v=2"), "--v=2\n--v=4"], /^"--v=2\\n--v=4": write every flag/);
    });

    it("one server by default, which suits a single kube-apiserver", () => {
        const single = { ...expect, apiserverReplicas: 1 };
        assert.deepStrictEqual(validateKonnectivityServerFlags(changed("server-count", undefined), single), []);
        assert.strictEqual(validateKonnectivityServerFlags(changed("server-count", "0"), single).length, 1);
    });

    it("the server id must reference an environment variable the kubelet expands", () => {
        for (const id of ["$(POD_NAME)", "kas-$(POD_NAME)", "$(MY_POD_2)"])
            assert.deepStrictEqual(problems(changed("server-id", id)), [], id);
        for (const id of ["$POD_NAME", "$(pod_name)", "$()", "$(1POD)", "POD_NAME"])
            assert.strictEqual(problems(changed("server-id", id)).length, 1, id);
    });

    it("ports: every whole number from 1024 to 49151 is allowed, nothing outside (each of the three ports)", () => {
        for (const name of ["agent-port", "admin-port", "health-port"]) {
            for (const [port, ok] of [
                [1023, false],
                [1024, true],
                [49151, true],
                [49152, false],
                [0, false],
            ] as const) {
                const flags = changed(name, String(port));
                const found = problems(flags).filter((p) => p.includes("must be a port"));
                assert.strictEqual(found.length === 0, ok, `--${name}=${port}: ${found.join()}`);
            }
        }
        fc.assert(
            fc.property(fc.integer({ min: -70000, max: 70000 }), (port) => {
                fc.pre(![8133, 8134].includes(port));
                const ok = port >= 1024 && port <= 49151;
                return (problems(changed("agent-port", String(port))).length === 0) === ok;
            }),
        );
    });

    it("keepalive: any whole seconds from 30 up to (not including) the idle timeout", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 31, max: 400 }), (seconds, idle) => {
                const found = validateKonnectivityServerFlags(changed("keepalive-time", `${seconds}s`), {
                    ...expect,
                    loadBalancerIdleTimeoutSeconds: idle,
                });
                return (found.length === 0) === (seconds >= 30 && seconds < idle);
            }),
        );
        assert.deepStrictEqual(problems(changed("keepalive-time", "30s")), []);
        assert.deepStrictEqual(problems(changed("keepalive-time", "1m59s")), []);
        assert.deepStrictEqual(problems(changed("keepalive-time", "0.5m")), []);
    });

    it("the frontend keepalive may be left out, or any positive duration", () => {
        assert.deepStrictEqual(problems(changed("frontend-keepalive-time", undefined)), []);
        for (const d of ["1ns", "1s", "2h"])
            assert.deepStrictEqual(problems(changed("frontend-keepalive-time", d)), []);
    });

    it("proxy strategies: any non-empty list of default, destHost, defaultRoute; default when unset", () => {
        for (const s of ["default", "destHost", "defaultRoute", "destHost,defaultRoute,default"])
            assert.deepStrictEqual(problems(changed("proxy-strategies", s)), [], s);
        assert.deepStrictEqual(problems(changed("proxy-strategies", undefined)), []);
        onlyProblem(changed("proxy-strategies", "default,"), /^--proxy-strategies: {2}not one of/);
        onlyProblem(
            changed("proxy-strategies", "first,destHost,last"),
            /^--proxy-strategies: first, last not one of default, destHost, defaultRoute$/,
        );
    });

    it("the builder writes what it was given, and throws with every problem", () => {
        const flags = valid();
        for (const f of [
            "--mode=grpc",
            "--server-port=0",
            "--delete-existing-uds-file=true",
            "--keepalive-time=45s",
            "--frontend-keepalive-time=45s",
            "--proxy-strategies=destHost,default",
            "--server-count=2",
            `--uds-name=${options.udsName}`,
        ])
            assert.ok(flags.includes(f), f);
        assert.ok(!flags.some((f) => f.startsWith("--enable-lease-controller")));
        assert.throws(
            () => konnectivityServerFlags({ ...options, agentPort: 80, serverCount: 1 }, expect),
            /^Error: invalid konnectivity-server flags:\n {2}- --agent-port=80: .*\n {2}- --server-count=1: /,
        );
    });
});
