import { images, Settings } from "../../config";
import type { ListenerRequest } from "../../endpoint/endpointPlan";
import { tunnelListener } from "../listener";
import { issuedCertificate } from "../../pki";
import type { Tunnel, UserClusterOptions, UserClusterTunnelArgs } from "../types";
import { KonnectivityAgents } from "./agents";
import { konnectivityCertificates, konnectivityPki } from "./pki";
import { konnectivityIngress, konnectivitySeed } from "./server";

/** The agent port: agents dial it with mTLS, each until it holds a tunnel to every server. */
function konnectivityListener(settings: Settings): ListenerRequest {
    // A TCP monitor on the agent port: the server's /readyz fails until an agent connects through this pool.
    return tunnelListener("konnectivity", settings.tunnel.port, settings.seed.nodePorts.tunnel, settings);
}

function konnectivityAgents(name: string, args: UserClusterTunnelArgs, opts: UserClusterOptions): KonnectivityAgents {
    const { settings, pki } = args;
    const agent = issuedCertificate(pki, konnectivityCertificates.agent);
    return new KonnectivityAgents(
        name,
        {
            provider: opts.provider,
            // The agents verify the server against the CA that signed its --cluster-cert.
            certificates: { caCertPem: pki.authority.certPem, certPem: agent.certPem, keyPem: agent.keyPem },
            proxyServerHost: args.tunnelAddress,
            apiHost: args.apiAddress,
            proxyServerPort: settings.tunnel.port,
            image: images(settings.versions)["konnectivity-agent"],
            mode: settings.tunnel.agentMode,
            replicas: settings.tunnel.agentReplicas,
            serverCount: settings.controlPlane.apiserverReplicas,
            keepaliveSeconds: settings.tunnel.keepaliveSeconds,
            serverCounting: settings.tunnel.serverCounting,
        },
        { parent: opts.parent, dependsOn: opts.dependsOn },
    );
}

/**
 * Konnectivity: a server sidecar in every apiserver pod (the egress selector sends the `cluster`
 * egress to it over a unix socket), agents in the user cluster that dial out to every server
 * through the load balancer's agent port with mTLS. Every pod meets `restricted`. The agents are
 * never awaited: they connect only once servers run, which a migration to konnectivity starts
 * after creating them; the tunnel gate in each new apiserver pod waits for them instead.
 */
export const konnectivity: Tunnel = {
    mode: "konnectivity",
    podSecurity: "restricted",
    pki: konnectivityPki,
    listener: konnectivityListener,
    seed: ({ layout, settings, pki, phase }) => konnectivitySeed(layout, settings, pki, phase),
    ingress: konnectivityIngress,
    userCluster: konnectivityAgents,
};
