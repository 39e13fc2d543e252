import { createHash } from "crypto";

/** A deterministic UUID from a seed, so that two runs of the same stack give the same ids. */
export function uuidFrom(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A deterministic address in 203.0.113.0/24 (TEST-NET-3), for public addresses. */
export function publicAddressFrom(seed: string): string {
    const h = createHash("sha256").update(seed).digest();
    return `203.0.113.${(h[0] % 250) + 2}`;
}

/** A deterministic host address inside an IPv4 /8../30 network, avoiding the first ten. */
export function hostAddressIn(cidr: string, seed: string): string {
    const [base, bitsText] = cidr.split("/");
    const bits = Number(bitsText);
    const parts = base.split(".").map(Number);
    const size = 2 ** (32 - bits);
    const h = createHash("sha256").update(seed).digest().readUInt32BE(0);
    const offset = 10 + (h % Math.max(1, size - 12));
    const value = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3] + offset;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
