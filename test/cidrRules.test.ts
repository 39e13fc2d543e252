import * as assert from "assert";
import fc from "fast-check";
import {
    cidrContains,
    cidrsOverlap,
    hasHostBits,
    isIPv4Address,
    isWholeInternet,
    nthIPv4Address,
    parseCidr,
} from "../components/config/cidr";

const toIp = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
/** A random IPv4 network: a prefix length and its network address. */
const network = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([v, bits]) => ({ base: bits === 0 ? 0 : (v - (v % 2 ** (32 - bits))) >>> 0, bits }));

describe("CIDR rules", () => {
    // [network, n, address]: networks that do not end in .0 as well as those that do.
    const nth: [string, number, string][] = [
        ["10.96.0.128/25", 1, "10.96.0.129"],
        ["10.96.0.128/25", 10, "10.96.0.138"],
        ["10.96.0.128/25", 127, "10.96.0.255"],
        ["10.240.16.0/20", 1, "10.240.16.1"],
        ["10.240.16.0/20", 256, "10.240.17.0"],
        ["172.16.200.64/26", 0, "172.16.200.64"],
        ["192.168.255.252/30", 3, "192.168.255.255"],
        ["200.1.2.3/32", 0, "200.1.2.3"],
        ["0.0.0.0/0", 4294967295, "255.255.255.255"],
        ["255.255.255.0/24", 255, "255.255.255.255"],
    ];
    for (const [net, n, address] of nth) {
        it(`address number ${n} of ${net} is ${address}`, () => assert.strictEqual(nthIPv4Address(net, n), address));
    }

    it("the n-th address is the network address plus n, for every n inside any network", () => {
        fc.assert(
            fc.property(network, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), ({ base, bits }, f) => {
                const n = Math.floor(f * 2 ** (32 - bits));
                return nthIPv4Address(`${toIp(base)}/${bits}`, n) === toIp(base + n);
            }),
        );
    });

    it("no address before the network or past its end, and IPv4 networks only", () => {
        assert.throws(
            () => nthIPv4Address("10.96.0.128/25", 128),
            /^Error: nthIPv4Address: 10.96.0.128\/25 has no address number 128$/,
        );
        assert.throws(() => nthIPv4Address("10.96.0.128/25", -1), /has no address number -1/);
        assert.throws(
            () => nthIPv4Address("2001:db8::/64", 1),
            /^Error: nthIPv4Address: "2001:db8::\/64" is not an IPv4 CIDR$/,
        );
        assert.throws(() => nthIPv4Address("10.0.0.0", 1), /is not an IPv4 CIDR/);
        assert.strictEqual(
            nthIPv4Address("10.96.0.133/25", 1),
            "10.96.0.129",
            "host bits count from the network address",
        );
    });

    it("host bits: any set bit beyond the prefix, in either family; none for what does not parse", () => {
        const cases: [string, boolean][] = [
            ["10.0.0.0/24", false],
            ["10.0.0.128/25", false],
            ["10.0.0.1/25", true],
            ["10.0.0.5/32", false],
            ["0.0.0.1/0", true],
            ["2001:db8::/32", false],
            ["2001:db8::1/32", true],
            ["nonsense", false],
        ];
        for (const [cidr, expected] of cases) assert.strictEqual(hasHostBits(cidr), expected, cidr);
    });

    it("containment: the network's own addresses, not its neighbours', not the other family's", () => {
        const cases: [string, string, boolean][] = [
            ["10.96.0.128/25", "10.96.0.128", true],
            ["10.96.0.128/25", "10.96.0.255", true],
            ["10.96.0.128/25", "10.96.0.127", false],
            ["10.96.0.128/25", "10.96.1.0", false],
            ["0.0.0.0/0", "203.0.113.9", true],
            ["::/0", "203.0.113.9", false],
            ["2001:db8::/32", "2001:db8::9", true],
            ["10.0.0.0/8", "not an address", false],
            ["10.0.0.0", "10.0.0.1", false],
        ];
        for (const [net, ip, expected] of cases) assert.strictEqual(cidrContains(net, ip), expected, `${net} ${ip}`);
    });

    it("overlap: symmetric; nested or equal networks overlap, adjacent ones and other families do not", () => {
        const cases: [string, string, boolean][] = [
            ["10.0.0.0/8", "10.240.16.0/20", true],
            ["10.0.0.0/24", "10.0.0.0/24", true],
            ["10.0.0.0/25", "10.0.0.128/25", false],
            ["10.0.0.128/25", "10.0.0.0/24", true],
            ["0.0.0.0/0", "192.0.2.0/24", true],
            ["10.0.0.0/24", "2001:db8::/32", false],
            ["10.0.0.0/24", "bad", false],
            ["bad", "10.0.0.0/24", false],
        ];
        for (const [a, b, expected] of cases) {
            assert.strictEqual(cidrsOverlap(a, b), expected, `${a} ${b}`);
            assert.strictEqual(cidrsOverlap(b, a), expected, `${b} ${a}`);
        }
        fc.assert(
            fc.property(network, network, (x, y) => {
                const [a, b] = [`${toIp(x.base)}/${x.bits}`, `${toIp(y.base)}/${y.bits}`];
                const end = (n: { base: number; bits: number }) => n.base + 2 ** (32 - n.bits) - 1;
                return cidrsOverlap(a, b) === (x.base <= end(y) && y.base <= end(x));
            }),
        );
    });

    it("the whole internet is a /0 of either family; four-part decimals are IPv4 addresses", () => {
        for (const [cidr, expected] of [
            ["0.0.0.0/0", true],
            ["::/0", true],
            ["0.0.0.0/1", false],
            ["x/0", false],
        ] as const)
            assert.strictEqual(isWholeInternet(cidr), expected, cidr);
        for (const [ip, expected] of [
            ["10.0.0.1", true],
            ["10.0.1", false],
            ["::1", false],
            ["10.0.0.256", false],
        ] as const)
            assert.strictEqual(isIPv4Address(ip), expected, ip);
        assert.deepStrictEqual(
            [parseCidr("10.1.2.0/23")?.bits, parseCidr("10.1.2.0/23")?.address.toString(), parseCidr("10.1.2.0")],
            [23, "10.1.2.0", undefined],
        );
    });
});
