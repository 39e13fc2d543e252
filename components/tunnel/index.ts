import type { TunnelMode } from "../config";
import { konnectivity } from "./konnectivity";
import type { Tunnel } from "./types";

export * from "./types";
export * from "./kubeletApi";
export * from "./konnectivity";

/** The tunnel mode a cluster is configured with. */
export function tunnelFor(mode: TunnelMode): Tunnel {
    switch (mode) {
        case "konnectivity":
            return konnectivity;
        case "openvpn":
            throw new Error('tunnel mode "openvpn" is not available yet; use "konnectivity"');
    }
}
