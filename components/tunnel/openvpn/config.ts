import { cidrsOverlap, nthIPv4Address } from "../../config/cidr";
import { Directive, networkAndMask } from "./directives";

/**
 * The OpenVPN server and client configurations, from typed data. Every option exists in OpenVPN
 * 2.5 (the image's, 2.5.2) and 2.6 (openvpn(8); data-ciphers and tls-ciphersuites came with 2.5).
 *
 * One server, three kinds of client (all share the server's CA, nothing else):
 * - the user cluster's client: behind it lie the worker subnet, the pod and the service network
 *   (its client-config-dir file names them as `iroute`s); it takes no routes from the server;
 * - the kube-apiserver sidecars: they pull the routes to those networks, so kube-apiserver
 *   reaches node InternalIPs, pods and Services through tun0. They all share one certificate
 *   (`duplicate-cn`): a Deployment's pods cannot each get their own;
 * - nothing else: `ccd-exclusive` refuses any common name without a client-config-dir file.
 * The server routes between its clients itself (`client-to-client`), so its kernel forwards
 * nothing: the seed's own networks stay out of the user cluster's reach.
 */

/** TLS 1.2 or newer, ECDHE with AEAD only (all certificates are ECDSA P-256), AEAD data channel. */
export const cryptoDirectives: readonly Directive[] = [
    ["tls-version-min", "1.2"],
    // Refuses peer certificates with weak keys or SHA-1 signatures.
    ["tls-cert-profile", "preferred"],
    [
        "tls-cipher",
        "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384:TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
    ],
    ["tls-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"],
    ["data-ciphers", "AES-256-GCM:CHACHA20-POLY1305:AES-128-GCM"],
];

/** Files a configuration names. */
export interface TlsFiles {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
}

export interface ServerConfigOptions {
    readonly port: number;
    /** The tunnel's own network; the server takes its first address, clients the rest. */
    readonly tunnelCidr: string;
    /** The networks behind the user cluster's client: worker subnet, pod and service network. */
    readonly userClusterNetworks: readonly string[];
    /** Ping interval, pushed to the clients; shorter than the load balancer's idle timeout. */
    readonly keepaliveSeconds: number;
    readonly files: TlsFiles & { readonly clientConfigDir: string; readonly status: string };
}

/** The server's address in the tunnel: what clients ping to prove their tunnel. */
export function serverTunnelAddress(tunnelCidr: string): string {
    return nthIPv4Address(tunnelCidr, 1);
}

function checkNetworks(tunnelCidr: string, networks: readonly string[]): void {
    const clash = networks.find((n) => cidrsOverlap(n, tunnelCidr));
    if (clash !== undefined) {
        throw new Error(`OpenVPN config: the tunnel network ${tunnelCidr} overlaps ${clash}, which it routes`);
    }
}

/** Interval and restart timeout: a peer silent for four pings is dropped and redials. */
export function keepaliveDirective(seconds: number): Directive {
    if (!Number.isInteger(seconds) || seconds < 1) {
        throw new Error(`OpenVPN config: keepalive must be a whole number of seconds (got ${seconds})`);
    }
    return ["keepalive", String(seconds), String(4 * seconds)];
}

export function serverConfig(o: ServerConfigOptions): Directive[] {
    checkNetworks(o.tunnelCidr, o.userClusterNetworks);
    return [
        ["topology", "subnet"],
        ["server", ...networkAndMask(o.tunnelCidr)],
        ["proto", "tcp-server"],
        ["port", String(o.port)],
        ["dev", "tun"],
        ["ca", o.files.ca],
        ["cert", o.files.cert],
        ["key", o.files.key],
        // ECDHE only: no Diffie-Hellman parameters.
        ["dh", "none"],
        ...cryptoDirectives,
        ["remote-cert-tls", "client"],
        ["client-config-dir", o.files.clientConfigDir],
        ["ccd-exclusive"],
        ["duplicate-cn"],
        ["client-to-client"],
        keepaliveDirective(o.keepaliveSeconds),
        ...o.userClusterNetworks.map((n): Directive => ["push", `route ${networkAndMask(n).join(" ")}`]),
        // Readiness: written once the server is up, then every 5 s.
        ["status", o.files.status, "5"],
        ["status-version", "2"],
        ["persist-key"],
        ["persist-tun"],
        ["verb", "3"],
    ];
}

/** The client-config-dir files by common name: the user cluster's client owns its networks. */
export function clientConfigDir(o: {
    readonly tunnelCidr: string;
    readonly userClusterClient: string;
    readonly seedClient: string;
    readonly userClusterNetworks: readonly string[];
}): Record<string, Directive[]> {
    checkNetworks(o.tunnelCidr, o.userClusterNetworks);
    return {
        [o.userClusterClient]: o.userClusterNetworks.map((n): Directive => ["iroute", ...networkAndMask(n)]),
        // Present (empty) so that ccd-exclusive admits the sidecars.
        [o.seedClient]: [],
    };
}

export interface ClientConfigOptions {
    readonly remote: { readonly host: string; readonly port: number };
    /** The common name the server's certificate must carry. */
    readonly serverName: string;
    /** "pull": install the routes the server pushes (the sidecars); "none": take none (the user cluster's client). */
    readonly routes: "pull" | "none";
    readonly files: TlsFiles & { readonly status: string };
}

export function clientConfig(o: ClientConfigOptions): Directive[] {
    return [
        ["client"],
        ["proto", "tcp-client"],
        ["dev", "tun"],
        ["remote", o.remote.host, String(o.remote.port)],
        ["nobind"],
        ["resolv-retry", "infinite"],
        // Redial after 1 s, backing off to 10 s; give up on a connection attempt after 10 s.
        ["connect-retry", "1", "10"],
        ["server-poll-timeout", "10"],
        ["ca", o.files.ca],
        ["cert", o.files.cert],
        ["key", o.files.key],
        ["remote-cert-tls", "server"],
        ["verify-x509-name", o.serverName, "name"],
        ...cryptoDirectives,
        ...(o.routes === "none" ? [["route-nopull"] as Directive] : []),
        ["status", o.files.status, "5"],
        ["status-version", "2"],
        ["persist-key"],
        ["persist-tun"],
        ["verb", "3"],
    ];
}
