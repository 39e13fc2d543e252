import * as ipaddr from "ipaddr.js";

/** An IPv4 or IPv6 network in CIDR notation, parsed. */
export interface Cidr {
    readonly address: ipaddr.IPv4 | ipaddr.IPv6;
    readonly bits: number;
}

export function parseCidr(text: string): Cidr | undefined {
    try {
        const [address, bits] = ipaddr.parseCIDR(text);
        return { address, bits };
    } catch {
        return undefined;
    }
}

/** True when the address has host bits set beyond the prefix ("10.0.0.5/24"). */
export function hasHostBits(text: string): boolean {
    const cidr = parseCidr(text);
    if (!cidr) return false;
    const network = networkAddress(cidr);
    return network.toString() !== cidr.address.toString();
}

function networkAddress(cidr: Cidr): ipaddr.IPv4 | ipaddr.IPv6 {
    return cidr.address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(`${cidr.address.toString()}/${cidr.bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${cidr.address.toString()}/${cidr.bits}`);
}

export function isIPv4Address(text: string): boolean {
    return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** True when the address lies inside the network. */
export function cidrContains(network: string, address: string): boolean {
    const cidr = parseCidr(network);
    if (!cidr || !ipaddr.isValid(address)) return false;
    const ip = ipaddr.parse(address);
    return ip.kind() === cidr.address.kind() && ip.match([cidr.address, cidr.bits]);
}

/** True when the two networks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    if (!x || !y || x.address.kind() !== y.address.kind()) return false;
    const wider = x.bits <= y.bits ? x : y;
    const narrower = wider === x ? y : x;
    return narrower.address.match([wider.address, wider.bits]);
}

/** True when the network admits every address of its family (0.0.0.0/0 or ::/0). */
export function isWholeInternet(text: string): boolean {
    const cidr = parseCidr(text);
    return cidr !== undefined && cidr.bits === 0;
}

/**
 * The n-th address of an IPv4 network: n = 1 is the first host, which Kubernetes gives the
 * `kubernetes` Service, and which must be a SAN of the apiserver's serving certificate.
 */
export function nthIPv4Address(network: string, n: number): string {
    const cidr = parseCidr(network);
    if (!cidr || cidr.address.kind() !== "ipv4") {
        throw new Error(`nthIPv4Address: "${network}" is not an IPv4 CIDR`);
    }
    const base = networkAddress(cidr).toByteArray();
    const value = ((base[0] << 24) >>> 0) + (base[1] << 16) + (base[2] << 8) + base[3] + n;
    const size = 2 ** (32 - cidr.bits);
    if (n < 0 || n >= size) {
        throw new Error(`nthIPv4Address: ${network} has no address number ${n}`);
    }
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
