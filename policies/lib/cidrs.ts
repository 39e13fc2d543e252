import { parseCidr } from "../../components/config/cidr";

/**
 * Source prefixes of security rules: which ones reach into the internet. Private, shared and
 * link-local space (RFC 1918, RFC 6598, loopback, link-local, IPv6 unique-local) is not the
 * internet; everything else is, and "0.0.0.0/0" or "::/0" is all of it.
 */
const notInternet = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/** A prefix as Neutron takes it: a bare address means that one host. */
function asCidr(prefix: string): string {
    if (prefix.includes("/")) return prefix.trim();
    return `${prefix.trim()}/${prefix.includes(":") ? 128 : 32}`;
}

/** True when every address of `inner` lies in `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
    const a = parseCidr(asCidr(inner));
    const b = parseCidr(asCidr(outer));
    if (!a || !b || a.address.kind() !== b.address.kind() || a.bits < b.bits) return false;
    return a.address.match([b.address, b.bits]);
}

/** True when the prefix admits any internet address; an unparsable prefix (within no range) counts as the internet. */
export function reachesInternet(prefix: string): boolean {
    return !notInternet.some((range) => cidrWithin(prefix, range));
}
