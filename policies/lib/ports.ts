/**
 * Neutron security group rules: which traffic a rule admits. A rule without a protocol admits
 * every protocol (Neutron ignores ports then, and rejects ports without a protocol); a missing
 * or 0 port bound is open on that side (the OpenStack provider sends 0 as "not set").
 */
export interface PortRange {
    readonly min: number;
    readonly max: number;
}

const anyProtocol = new Set(["", "any"]);
const tcpNames = new Set(["tcp", "6"]);
const udpNames = new Set(["udp", "17"]);
/** Protocols with ports: tcp, udp, sctp, dccp, udplite (names or IANA numbers). */
const portedProtocols = new Set(["tcp", "6", "udp", "17", "sctp", "132", "dccp", "33", "udplite", "136"]);

const normal = (protocol: string | undefined | null): string => (protocol ?? "").trim().toLowerCase();

/** True for "every protocol": no protocol, empty, or "any". */
export function isAnyProtocol(protocol: string | undefined | null): boolean {
    return anyProtocol.has(normal(protocol));
}

/** True when a rule of this protocol admits TCP (kubelet, SSH and the API are TCP). */
export function admitsTcp(protocol: string | undefined | null): boolean {
    return isAnyProtocol(protocol) || tcpNames.has(normal(protocol));
}

/** True when a rule of this protocol admits UDP (the CNI's overlay is UDP). */
export function admitsUdp(protocol: string | undefined | null): boolean {
    return isAnyProtocol(protocol) || udpNames.has(normal(protocol));
}

export function hasPorts(protocol: string | undefined | null): boolean {
    return portedProtocols.has(normal(protocol));
}

/** The ports a rule's bounds admit (0 or missing = open on that side). */
export function portRange(min: number | undefined | null, max: number | undefined | null): PortRange {
    return { min: min ? min : 1, max: max ? max : 65535 };
}

/** True when every port of the range is one of the allowed ports (the first port that is not ends the walk). */
export function rangeWithin(range: PortRange, allowed: readonly number[]): boolean {
    for (let port = range.min; port <= range.max; port++) {
        if (!allowed.includes(port)) return false;
    }
    return true;
}

export function describeRange(range: PortRange): string {
    if (range.min === 1 && range.max === 65535) return "all ports";
    return range.min === range.max ? `port ${range.min}` : `ports ${range.min}-${range.max}`;
}
