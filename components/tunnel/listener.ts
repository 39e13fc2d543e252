import type { Settings } from "../config";
import { ListenerRequest, tcpMonitor } from "../endpoint/endpointPlan";

/**
 * A tunnel's listener on the load balancer: the user-cluster end dials it from the worker side,
 * so it admits the worker router (and `tunnelAllowedCidrs`), is monitored by a TCP connect (no
 * HTTP health a tunnel server would answer before its first client), and outlives the tunnel's
 * keepalive.
 */
export function tunnelListener(key: string, port: number, nodePort: number, settings: Settings): ListenerRequest {
    return {
        key,
        port,
        nodePort,
        allowedCidrs: settings.tunnel.extraAllowedCidrs,
        workerRouter: true,
        monitor: tcpMonitor,
        keepaliveSeconds: settings.tunnel.keepaliveSeconds,
    };
}
