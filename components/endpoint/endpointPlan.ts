import { apiserverPort, LoadBalancerProvider } from "../config";

/** Names a listener and its pool, members and monitor: "apiserver", or the tunnel's (its mode). */
export type ListenerKey = string;

export interface MonitorPlan {
    readonly type: "HTTPS" | "TCP";
    readonly urlPath?: string;
    readonly httpMethod?: string;
    readonly expectedCodes?: string;
    readonly delay: number;
    readonly timeout: number;
    readonly maxRetries: number;
    readonly maxRetriesDown: number;
}

/** One listener with its pool, members and monitor. */
export interface ListenerPlan {
    readonly key: ListenerKey;
    readonly port: number;
    /** The seed NodePort the pool's members listen on. */
    readonly nodePort: number;
    /** Sources the listener admits: these CIDRs, plus the worker router's SNAT address when `workerRouter`. */
    readonly allowedCidrs: readonly string[];
    readonly workerRouter: boolean;
    readonly timeoutClientDataMs: number;
    readonly timeoutMemberDataMs: number;
    readonly timeoutMemberConnectMs: number;
    readonly lbMethod: "ROUND_ROBIN" | "SOURCE_IP_PORT";
    readonly monitor: MonitorPlan;
    readonly members: readonly { readonly address: string; readonly port: number }[];
}

export interface EndpointPlan {
    readonly listeners: readonly ListenerPlan[];
    /** Whether Octavia itself enforces the listeners' allowlists (amphora) or the seed nodes' security group must. */
    readonly listenerAllowlists: boolean;
    readonly warnings: readonly string[];
}

/** A listener another part asks for (the tunnel's), besides the API's own. */
export interface ListenerRequest {
    readonly key: ListenerKey;
    readonly port: number;
    /** The seed NodePort its pool's members listen on. */
    readonly nodePort: number;
    /** Sources it admits besides the worker router's SNAT address (when `workerRouter`). */
    readonly allowedCidrs: readonly string[];
    readonly workerRouter: boolean;
    /** TCP (the only kind OVN runs) unless the service has a health check that works from the start. */
    readonly monitor: MonitorPlan;
    /** The keepalive of the connections through it, which the idle timeout must outlast. */
    readonly keepaliveSeconds: number;
}

export interface EndpointPlanArgs {
    /** The seed NodePort of kube-apiserver's Service, behind the :6443 listener. */
    readonly apiserverNodePort: number;
    /** The tunnel's listener(s). */
    readonly listeners: readonly ListenerRequest[];
    /** The Octavia provider driver (not a Pulumi provider). */
    readonly lbProvider: LoadBalancerProvider;
    readonly idleTimeoutSeconds: number;
    readonly apiAllowedCidrs: readonly string[];
    readonly seedNodeAddresses: readonly string[];
}

/** A TCP connect check: what tunnel pools use, and all that OVN's driver runs. */
export const tcpMonitor: MonitorPlan = { type: "TCP", delay: 10, timeout: 5, maxRetries: 3, maxRetriesDown: 3 };

/**
 * What the public endpoint looks like for a cluster: which listeners, with which pools,
 * members, monitors, timeouts and allowlists.
 *
 * - Pools are TCP pass-through without session persistence: each agent dial must be free to
 *   land on another konnectivity-server, or some servers never get an agent. The amphora
 *   driver balances ROUND_ROBIN; the OVN driver only offers SOURCE_IP_PORT and SOURCE_IP
 *   (ovn-octavia-provider OVN_NATIVE_LB_ALGORITHMS), of which SOURCE_IP_PORT still spreads
 *   the dials, since each has a new source port.
 * - Idle timeouts are the listener's data timeouts (Octavia's default, 50 s, cuts idle tunnels
 *   and `kubectl logs -f`); they must exceed the tunnel keepalive.
 * - The apiserver pool checks /readyz over HTTPS (anonymous access to it is granted by the
 *   system:public-info-viewer role), so a replica that drains or loses etcd leaves the pool. The
 *   OVN driver only runs TCP monitors. Tunnel pools use TCP on the agent port: the server's
 *   /readyz fails until an agent is connected, which would keep the first agent out.
 */
export function endpointPlan(args: EndpointPlanArgs): EndpointPlan {
    const { lbProvider, idleTimeoutSeconds } = args;
    for (const request of args.listeners) {
        if (request.keepaliveSeconds >= idleTimeoutSeconds) {
            throw new Error(
                `endpointPlan: the ${request.key} listener's keepalive (${request.keepaliveSeconds} s) must be shorter than idleTimeoutSeconds (${idleTimeoutSeconds}), or the load balancer cuts idle tunnels`,
            );
        }
    }
    if (args.seedNodeAddresses.length === 0) {
        throw new Error("endpointPlan: seedNodeAddresses is empty; the pools need the seed nodes as members");
    }
    const ovn = lbProvider === "ovn";
    const idleMs = idleTimeoutSeconds * 1000;

    const listener = (
        key: ListenerKey,
        port: number,
        nodePort: number,
        allowed: readonly string[],
        workerRouter: boolean,
        monitor: MonitorPlan,
    ): ListenerPlan => ({
        key,
        port,
        nodePort,
        allowedCidrs: [...allowed],
        workerRouter,
        timeoutClientDataMs: idleMs,
        timeoutMemberDataMs: idleMs,
        timeoutMemberConnectMs: 5000,
        lbMethod: ovn ? "SOURCE_IP_PORT" : "ROUND_ROBIN",
        monitor,
        members: args.seedNodeAddresses.map((address) => ({ address, port: nodePort })),
    });

    const apiMonitor: MonitorPlan = ovn
        ? tcpMonitor
        : {
              type: "HTTPS",
              urlPath: "/readyz",
              httpMethod: "GET",
              expectedCodes: "200",
              delay: 10,
              timeout: 5,
              maxRetries: 3,
              maxRetriesDown: 3,
          };

    const listeners: ListenerPlan[] = [
        // The workers' kubelets and pods (through the `kubernetes` Service) come from the worker router.
        listener("apiserver", apiserverPort, args.apiserverNodePort, args.apiAllowedCidrs, true, apiMonitor),
        ...args.listeners.map((r) =>
            listener(r.key, r.port, r.nodePort, r.allowedCidrs, r.workerRouter, ovn ? tcpMonitor : r.monitor),
        ),
    ];

    for (const field of ["key", "port", "nodePort"] as const) {
        const values = listeners.map((l) => l[field]);
        if (new Set(values).size !== values.length) {
            throw new Error(
                `endpointPlan: listeners share a ${field} (${listeners.map((l) => `${l.key} ${l.port}->${l.nodePort}`).join(", ")}); each needs its own`,
            );
        }
    }

    const warnings = ovn
        ? [
              "lbProvider is ovn: Octavia's OVN driver cannot enforce listener allowlists (allowed_cidrs). " +
                  "The allowlists (apiAllowedCidrs; the worker router and tunnelAllowedCidrs for the tunnel) are enforced " +
                  "on the seed nodes' security group instead, which OVN makes possible by keeping the client's address.",
          ]
        : [];
    return { listeners, listenerAllowlists: !ovn, warnings };
}

/** A rule on the seed nodes' security group admitting a listener's NodePort. */
export interface SeedNodePortRule {
    /** Stable and unique: names the rule's resource. */
    readonly key: string;
    readonly description: string;
    readonly port: number;
    /** A CIDR, or the worker router's SNAT address (known only once the router exists). */
    readonly remote: { readonly cidr: string } | { readonly workerRouter: true };
}

/**
 * The seed nodes' security group rules for the cluster's NodePorts. With amphora the backends
 * see the amphora's address in the load balancer's subnet, so that subnet is the only source.
 * With OVN the backends see the client's own address: the listener allowlists move here, and
 * the load balancer's subnet stays admitted for OVN's health checks (sent from a port in it).
 */
export function seedNodePortRules(plan: EndpointPlan, lbSubnetCidr: string): SeedNodePortRule[] {
    return plan.listeners.flatMap((l): SeedNodePortRule[] => {
        const fromSubnet: SeedNodePortRule = {
            key: `${l.key}-lb-subnet`,
            description: `${l.key} NodePort ${l.nodePort} from the load balancer's subnet`,
            port: l.nodePort,
            remote: { cidr: lbSubnetCidr },
        };
        if (plan.listenerAllowlists) return [fromSubnet];
        const clients = l.allowedCidrs.map((cidr): SeedNodePortRule => ({
            key: `${l.key}-${cidr.replace(/[^0-9a-fA-F]+/g, "-")}`,
            description: `${l.key} NodePort ${l.nodePort} from ${cidr} (allowlist; OVN keeps client addresses)`,
            port: l.nodePort,
            remote: { cidr },
        }));
        const router: SeedNodePortRule[] = l.workerRouter
            ? [
                  {
                      key: `${l.key}-worker-router`,
                      description: `${l.key} NodePort ${l.nodePort} from the worker router's SNAT address`,
                      port: l.nodePort,
                      remote: { workerRouter: true },
                  },
              ]
            : [];
        return [fromSubnet, ...clients, ...router];
    });
}
