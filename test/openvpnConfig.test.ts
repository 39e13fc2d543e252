import * as assert from "assert";
import {
    clientConfig,
    clientConfigDir,
    ClientConfigOptions,
    keepaliveDirective,
    serverConfig,
    ServerConfigOptions,
    serverTunnelAddress,
} from "../components/tunnel/openvpn/config";
import {
    argumentsOf,
    Directive,
    networkAndMask,
    parseDirectives,
    renderDirectives,
} from "../components/tunnel/openvpn/directives";

const networks = ["192.168.1.0/24", "172.25.0.0/16", "10.240.16.0/20"];
const server: ServerConfigOptions = {
    port: 1194,
    tunnelCidr: "10.20.0.0/24",
    userClusterNetworks: networks,
    keepaliveSeconds: 30,
    files: {
        ca: "/etc/openvpn/pki/ca.crt",
        cert: "/etc/openvpn/pki/tls.crt",
        key: "/etc/openvpn/pki/tls.key",
        clientConfigDir: "/etc/openvpn/ccd",
        status: "/run/openvpn/status",
    },
};
const client: ClientConfigOptions = {
    remote: { host: "openvpn-server.cluster-dev.svc", port: 1194 },
    serverName: "openvpn-server",
    routes: "pull",
    files: { ca: "/p/ca.crt", cert: "/p/tls.crt", key: "/p/tls.key", status: "/run/openvpn/status" },
};
const one = (directives: readonly Directive[], name: string) => {
    const found = argumentsOf(directives, name);
    assert.strictEqual(found.length, 1, `${name} once`);
    return found[0];
};

describe("OpenVPN configuration files (pure)", () => {
    describe("directives", () => {
        const masks: [string, string, string][] = [
            ["10.20.0.0/24", "10.20.0.0", "255.255.255.0"],
            ["172.25.0.0/16", "172.25.0.0", "255.255.0.0"],
            ["10.240.16.0/20", "10.240.16.0", "255.255.240.0"],
            ["10.0.0.0/8", "10.0.0.0", "255.0.0.0"],
        ];
        for (const [cidr, address, mask] of masks) {
            it(`write ${cidr} as "${address} ${mask}"`, () =>
                assert.deepStrictEqual(networkAndMask(cidr), [address, mask]));
        }

        it("refuse what OpenVPN cannot route here: IPv6 and garbage", () => {
            assert.throws(() => networkAndMask("fd00::/64"), /not an IPv4 CIDR/);
            assert.throws(() => networkAndMask("10.0.0.0"), /not an IPv4 CIDR/);
        });

        it("quote an argument with a space, and read back exactly what they wrote", () => {
            const directives: Directive[] = [
                ["push", "route 10.0.0.0 255.0.0.0"],
                ["ccd-exclusive"],
                ["keepalive", "30", "120"],
            ];
            const text = renderDirectives(directives, ["generated"]);
            assert.strictEqual(text, '# generated\npush "route 10.0.0.0 255.0.0.0"\nccd-exclusive\nkeepalive 30 120\n');
            assert.deepStrictEqual(parseDirectives(text), directives);
        });

        it("refuse arguments a config file cannot carry, and names that are no directive", () => {
            assert.throws(() => renderDirectives([["push", 'route "x"']]), /cannot be written/);
            assert.throws(() => renderDirectives([["remote", "a\nb"]]), /cannot be written/);
            assert.throws(() => renderDirectives([["--remote", "a"]]), /not a directive name/);
        });
    });

    describe("the server", () => {
        const directives = serverConfig(server);

        it("hands out the tunnel network, the server taking its first address", () => {
            assert.deepStrictEqual(one(directives, "server"), ["10.20.0.0", "255.255.255.0"]);
            assert.deepStrictEqual(one(directives, "topology"), ["subnet"]);
            assert.strictEqual(serverTunnelAddress("10.20.0.0/24"), "10.20.0.1");
        });

        it("serves TCP on the port, pushes a route to every network behind the user cluster's client", () => {
            assert.deepStrictEqual(one(directives, "proto"), ["tcp-server"]);
            assert.deepStrictEqual(one(directives, "port"), ["1194"]);
            assert.deepStrictEqual(argumentsOf(directives, "push"), [
                ["route 192.168.1.0 255.255.255.0"],
                ["route 172.25.0.0 255.255.0.0"],
                ["route 10.240.16.0 255.255.240.0"],
            ]);
            // It routes between clients itself; nothing goes through its kernel.
            assert.deepStrictEqual(one(directives, "client-to-client"), []);
            assert.deepStrictEqual(argumentsOf(directives, "route"), []);
        });

        it("admits only client certificates of its CA with a client-config-dir file; the sidecars share one", () => {
            assert.deepStrictEqual(one(directives, "ca"), [server.files.ca]);
            assert.deepStrictEqual(one(directives, "remote-cert-tls"), ["client"]);
            assert.deepStrictEqual(one(directives, "client-config-dir"), ["/etc/openvpn/ccd"]);
            assert.deepStrictEqual(one(directives, "ccd-exclusive"), []);
            assert.deepStrictEqual(one(directives, "duplicate-cn"), []);
        });

        it("pings every keepalive and drops a peer silent for four", () => {
            assert.deepStrictEqual(one(directives, "keepalive"), ["30", "120"]);
            assert.deepStrictEqual(keepaliveDirective(45), ["keepalive", "45", "180"]);
            assert.throws(() => keepaliveDirective(0), /whole number/);
        });

        it("refuses a tunnel network that overlaps a network it routes", () => {
            assert.throws(
                () => serverConfig({ ...server, tunnelCidr: "172.25.128.0/24" }),
                /tunnel network 172\.25\.128\.0\/24 overlaps 172\.25\.0\.0\/16/,
            );
        });
    });

    const crypto: [string, string[]][] = [
        ["tls-version-min", ["1.2"]],
        ["tls-cert-profile", ["preferred"]],
        ["data-ciphers", ["AES-256-GCM:CHACHA20-POLY1305:AES-128-GCM"]],
    ];
    for (const [name, args] of crypto) {
        it(`server and clients agree on ${name} ${args.join(" ")}`, () => {
            for (const config of [
                serverConfig(server),
                clientConfig(client),
                clientConfig({ ...client, routes: "none" }),
            ]) {
                assert.deepStrictEqual(one(config, name), args);
            }
        });
    }

    it("no end uses a CBC cipher, compression or a static key", () => {
        for (const config of [serverConfig(server), clientConfig(client)]) {
            const text = renderDirectives(config);
            assert.doesNotMatch(text, /CBC|comp-lzo|compress|secret|^cipher /m);
            for (const list of [...argumentsOf(config, "tls-cipher"), ...argumentsOf(config, "tls-ciphersuites")]) {
                assert.ok(
                    list[0].split(":").every((c) => /GCM|CHACHA20/.test(c)),
                    list[0],
                );
            }
        }
    });

    describe("the client-config-dir", () => {
        const files = clientConfigDir({
            tunnelCidr: "10.20.0.0/24",
            userClusterClient: "user-cluster-client",
            seedClient: "openvpn-seed-client",
            userClusterNetworks: networks,
        });

        it("names the user cluster's networks as iroutes of its client, and admits the sidecars with nothing", () => {
            assert.deepStrictEqual(files["user-cluster-client"], [
                ["iroute", "192.168.1.0", "255.255.255.0"],
                ["iroute", "172.25.0.0", "255.255.0.0"],
                ["iroute", "10.240.16.0", "255.255.240.0"],
            ]);
            assert.deepStrictEqual(files["openvpn-seed-client"], []);
            assert.deepStrictEqual(Object.keys(files), ["user-cluster-client", "openvpn-seed-client"]);
        });
    });

    describe("a client", () => {
        it("dials the server over TCP, checks its certificate's purpose and name, and keeps redialling", () => {
            const directives = clientConfig(client);
            assert.deepStrictEqual(one(directives, "client"), []);
            assert.deepStrictEqual(one(directives, "proto"), ["tcp-client"]);
            assert.deepStrictEqual(one(directives, "remote"), ["openvpn-server.cluster-dev.svc", "1194"]);
            assert.deepStrictEqual(one(directives, "remote-cert-tls"), ["server"]);
            assert.deepStrictEqual(one(directives, "verify-x509-name"), ["openvpn-server", "name"]);
            assert.deepStrictEqual(one(directives, "resolv-retry"), ["infinite"]);
            assert.deepStrictEqual(one(directives, "connect-retry"), ["1", "10"]);
        });

        it("installs the pushed routes (sidecars), or none (the user cluster's client, whose networks they are)", () => {
            assert.deepStrictEqual(argumentsOf(clientConfig(client), "route-nopull"), []);
            assert.deepStrictEqual(argumentsOf(clientConfig({ ...client, routes: "none" }), "route-nopull"), [[]]);
        });
    });
});
