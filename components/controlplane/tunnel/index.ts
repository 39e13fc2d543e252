import { konnectivityTunnel, KonnectivityTunnelOptions } from "./konnectivity";
import { ApiserverTunnel } from "./types";

export { ApiserverTunnel } from "./types";
export * from "./konnectivity";

/** The apiserver pod's tunnel pieces for the configured mode. */
export function apiserverTunnel(o: KonnectivityTunnelOptions): ApiserverTunnel {
    switch (o.tunnel.mode) {
        case "konnectivity":
            return konnectivityTunnel(o);
        case "openvpn":
            throw new Error('tunnel mode "openvpn" has no control-plane part yet; use "konnectivity"');
    }
}
