import type { Settings } from "../../config";
import type { ListenerRequest } from "../../endpoint/endpointPlan";
import { tunnelListener } from "../listener";
import { issuedCertificate } from "../../pki";
import type { Tunnel, UserClusterOptions, UserClusterTunnelArgs } from "../types";
import { openvpnCertificates, openvpnPort } from "./names";
import { OpenvpnClient } from "./openvpnClient";
import { openvpnPki } from "./pki";
import { openvpnIngress, openvpnSeed, userClusterNetworks } from "./server";

/** TCP 1194, admitted from the worker router (and tunnelAllowedCidrs) like the agent port. */
function openvpnListener(settings: Settings): ListenerRequest {
    return tunnelListener("openvpn", openvpnPort, settings.seed.nodePorts.openvpn, settings);
}

function openvpnUserCluster(name: string, args: UserClusterTunnelArgs, opts: UserClusterOptions): OpenvpnClient {
    const { settings, pki } = args;
    const cert = issuedCertificate(pki, openvpnCertificates.userClusterClient);
    return new OpenvpnClient(
        name,
        {
            provider: opts.provider,
            certificates: { caCertPem: pki.authority.certPem, certPem: cert.certPem, keyPem: cert.keyPem },
            serverAddress: args.tunnelAddress,
            tunnelCidr: settings.tunnel.openvpnCidr,
            networks: userClusterNetworks(settings),
            // Switching to OpenVPN: the apiserver pods move over only once this client is connected.
            awaitReady: args.phase === "migrating",
        },
        { parent: opts.parent, dependsOn: opts.dependsOn },
    );
}

/**
 * The legacy OpenVPN tunnel: one server in the seed, one client in the user cluster, a client
 * sidecar in every apiserver pod. Its pods need NET_ADMIN and the node's TUN device, so the
 * namespace can only enforce `privileged` (`baseline` admits neither added capabilities beyond its
 * fixed list nor hostPath volumes).
 */
export const openvpn: Tunnel = {
    mode: "openvpn",
    podSecurity: "privileged",
    pki: openvpnPki,
    listener: openvpnListener,
    seed: ({ layout, settings, pki, phase }) => openvpnSeed(layout, settings, pki, phase),
    ingress: openvpnIngress,
    userCluster: openvpnUserCluster,
};
