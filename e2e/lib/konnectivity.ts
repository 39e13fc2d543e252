/**
 * Observing the Konnectivity tunnel of a running lab: every server's ready backends (its admin
 * port's metrics) and every agent's open server connections (its health port's metrics), on the
 * ports the rendered flags give them.
 */
import { Lab } from "./lab";
import { metricValue } from "./metrics";
import { Pod } from "./pods";
import { waitFor } from "./wait";

/** A container's `--name=value` flag as the process gets it. */
export function flagValue(pod: Pod, container: string, flag: string): string | undefined {
    const prefix = `--${flag}=`;
    return pod
        .argv(pod.container(container))
        .find((a) => a.startsWith(prefix))
        ?.slice(prefix.length);
}

export const serverContainer = "konnectivity-server";
export const agentContainer = "konnectivity-agent";

/** The agents a server has ready (ready_backends, or its older name). */
export async function serverBackends(lab: Lab, apiserver: Pod): Promise<number> {
    const port = flagValue(apiserver, serverContainer, "admin-port") ?? "8095";
    const text = await lab.getInPod(apiserver, `http://127.0.0.1:${port}/metrics`);
    return (
        metricValue(text, "konnectivity_network_proxy_server_ready_backends", { proxy_strategy: "default" }) ??
        metricValue(text, "konnectivity_network_proxy_server_ready_backend_connections") ??
        0
    );
}

/** The servers an agent holds a tunnel to. */
export async function agentConnections(lab: Lab, agent: Pod): Promise<number> {
    const port = flagValue(agent, agentContainer, "health-server-port") ?? "8093";
    const text = await lab.getInPod(agent, `http://127.0.0.1:${port}/metrics`);
    return metricValue(text, "konnectivity_network_proxy_agent_open_server_connections") ?? 0;
}

export interface Mesh {
    readonly servers: Record<string, number>;
    readonly agents: Record<string, number>;
    readonly complete: boolean;
}

/** Who holds how many tunnels; complete when every agent has every server and vice versa. */
export async function mesh(lab: Lab, agents = lab.agents(), servers = lab.apiservers()): Promise<Mesh> {
    const s = Object.fromEntries(
        await Promise.all(servers.map(async (p) => [p.name, await serverBackends(lab, p)] as const)),
    );
    const a = Object.fromEntries(
        await Promise.all(agents.map(async (p) => [p.name, await agentConnections(lab, p)] as const)),
    );
    const complete =
        Object.values(s).every((n) => n === agents.length) && Object.values(a).every((n) => n === servers.length);
    return { servers: s, agents: a, complete };
}

/** Waits for the full mesh; returns how long it took. */
export async function waitMesh(lab: Lab, timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    let last: Mesh | undefined;
    await waitFor(
        "every agent to hold a tunnel to every server",
        async () => {
            last = await mesh(lab);
            return last.complete;
        },
        { timeoutMs, intervalMs: 200, describe: () => JSON.stringify(last) },
    );
    return Date.now() - t0;
}
