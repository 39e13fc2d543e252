import type { TunnelMode } from "../config";
import { konnectivity } from "./konnectivity";
import { openvpn } from "./openvpn";
import type { Tunnel } from "./types";

export * from "./types";
export * from "./kubeletApi";
export * from "./gate";
export * from "./transition";
export * from "./konnectivity";
export * from "./openvpn";

/** The tunnel mode a cluster is configured with. */
export function tunnelFor(mode: TunnelMode): Tunnel {
    switch (mode) {
        case "konnectivity":
            return konnectivity;
        case "openvpn":
            return openvpn;
    }
}
