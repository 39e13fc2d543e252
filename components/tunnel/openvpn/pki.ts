import { AuthoritySpec, caSpec, clientTerms, lifetimes, serverUses } from "../../pki";
import { serviceDnsNames } from "../../shared/seedNames";
import type { TunnelPkiArgs } from "../types";
import { openvpnCertificates, openvpnIdentities, openvpnServerName } from "./names";

/**
 * The OpenVPN CA (`<cluster>-openvpn-ca`), trusted by the server and its clients only: the
 * server's certificate (serverAuth; clients check its common name), one client certificate all
 * kube-apiserver sidecars share, and the user cluster's client's. The server admits a client
 * certificate of this CA whose common name has a client-config-dir file, so nothing else it signs
 * could connect either.
 */
export function openvpnPki(args: TunnelPkiArgs): AuthoritySpec {
    const c = args.clusterName;
    const { ca, leaf } = lifetimes(args);
    return {
        authority: caSpec(`${c}-openvpn-ca`, ca),
        certificates: {
            [openvpnCertificates.server]: {
                resourceName: `${c}-openvpn-server`,
                subject: { commonName: openvpnIdentities.server },
                dnsNames: serviceDnsNames(openvpnServerName, args.seedNamespace),
                ipAddresses: [],
                allowedUses: serverUses,
                ...leaf,
            },
            [openvpnCertificates.seedClient]: clientTerms(
                `${c}-openvpn-seed-client`,
                { commonName: openvpnIdentities.seedClient },
                leaf,
            ),
            [openvpnCertificates.userClusterClient]: clientTerms(
                `${c}-openvpn-user-cluster-client`,
                { commonName: openvpnIdentities.userClusterClient },
                leaf,
            ),
        },
    };
}
