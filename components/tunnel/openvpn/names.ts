import type { Mount } from "../../shared/mounts";

/** OpenVPN's port, on the server and on the load balancer. */
export { openvpnPort } from "../../config/ports";

/** The common names the OpenVPN CA issues; the server's client-config-dir files are named after them. */
export const openvpnIdentities = {
    server: "openvpn-server",
    /** Every kube-apiserver sidecar (they share one certificate). */
    seedClient: "openvpn-seed-client",
    /** The user cluster's client, behind which the worker, pod and service networks lie. */
    userClusterClient: "user-cluster-client",
} as const;

/** The keys of the OpenVPN CA's certificates in the Pki's IssuedAuthority. */
export const openvpnCertificates = {
    server: "server",
    seedClient: "seedClient",
    userClusterClient: "userClusterClient",
} as const;

/** Objects in the seed namespace. */
export const openvpnServerName = "openvpn-server";
export const openvpnSidecarName = "openvpn-client";

/** Objects in the user cluster. */
export const userClientNamespace = "kube-system";
export const userClientName = "openvpn-client";

/** File names inside the mounts. */
export const openvpnFiles = {
    ca: "ca.crt",
    cert: "tls.crt",
    key: "tls.key",
    serverConfig: "server.conf",
    clientConfig: "client.conf",
} as const;

/**
 * An emptyDir over /run keeps the root filesystem read-only: OpenVPN writes its status file there,
 * iptables its lock (/run/xtables.lock).
 */
export const runDir = "/run";
export const statusFile = `${runDir}/openvpn.status`;

export const openvpnMounts = {
    serverPki: { volume: "pki", source: "openvpn-server-pki", path: "/etc/openvpn/pki" },
    serverConfig: { volume: "config", source: "openvpn-server-config", path: "/etc/openvpn/config" },
    clientConfigDir: { volume: "ccd", source: "openvpn-server-ccd", path: "/etc/openvpn/ccd" },
    // In the apiserver pod: volume names of their own beside kube-apiserver's.
    sidecarPki: { volume: "openvpn-client-pki", source: "openvpn-client-pki", path: "/etc/openvpn/pki" },
    sidecarConfig: { volume: "openvpn-client-config", source: "openvpn-client-config", path: "/etc/openvpn/config" },
} as const satisfies Record<string, Mount>;
