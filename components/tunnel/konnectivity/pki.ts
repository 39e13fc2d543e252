import { AuthoritySpec, caSpec, clientTerms, lifetimes, serverUses } from "../../pki";
import type { TunnelPkiArgs } from "../types";
import { konnectivityServerUser, leaseClient } from "./leases";

/** The identity in the agents' client certificate. */
export const konnectivityAgentIdentity = { commonName: "konnectivity-agent" } as const;

/** The keys of the konnectivity CA's certificates in the Pki's IssuedAuthority. */
export const konnectivityCertificates = { server: "server", agent: "agent" } as const;

/**
 * The konnectivity CA (`<cluster>-konnectivity-ca`): the serving certificate of every server's
 * agent port, and the one client certificate all agents share (the servers' --cluster-ca-cert
 * admits exactly what it signed). With lease counting also the servers' client certificate for
 * the user cluster's API (`<cluster>-konnectivity-server-leases`, of the cluster CA), as which
 * they publish their leases.
 */
export function konnectivityPki(args: TunnelPkiArgs): AuthoritySpec {
    const c = args.clusterName;
    const { ca, leaf } = lifetimes(args);
    return {
        authority: caSpec(`${c}-konnectivity-ca`, ca),
        certificates: {
            [konnectivityCertificates.server]: {
                resourceName: `${c}-konnectivity-server`,
                subject: { commonName: "konnectivity-server" },
                dnsNames: [],
                // The agents dial the public address and use it as the TLS server name.
                ipAddresses: [args.tunnelAddress],
                allowedUses: serverUses,
                ...leaf,
            },
            [konnectivityCertificates.agent]: clientTerms(`${c}-konnectivity-agent`, konnectivityAgentIdentity, leaf),
        },
        ...(args.serverCounting === "leases"
            ? {
                  clusterClients: {
                      [leaseClient]: clientTerms(
                          `${c}-konnectivity-server-leases`,
                          { commonName: konnectivityServerUser },
                          leaf,
                      ),
                  },
              }
            : {}),
    };
}
