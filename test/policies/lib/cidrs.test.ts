import * as assert from "assert";
import fc from "fast-check";
import { cidrWithin, reachesInternet } from "../../../policies/lib/cidrs";

/** Source prefixes: private, shared and link-local space is not the internet; everything else is. */
describe("policies/lib/cidrs", () => {
    it("tells whether every address of a prefix lies in another", () => {
        const table: [string, string, boolean][] = [
            ["10.1.0.0/16", "10.0.0.0/8", true],
            ["10.0.0.0/8", "10.0.0.0/8", true],
            ["10.0.0.0/7", "10.0.0.0/8", false],
            ["11.0.0.0/16", "10.0.0.0/8", false],
            ["192.168.1.7", "192.168.0.0/16", true],
            [" 192.168.1.7 ", "192.168.0.0/16", true],
            [" 10.1.0.0/16 ", "10.0.0.0/8", true],
            ["10.1.0.0/16", " 10.0.0.0/8 ", true],
            ["fd00::/8", "fc00::/7", true],
            ["fd00::1", "fc00::/7", true],
            ["fd00::/8", "10.0.0.0/8", false],
            ["10.0.0.0/8", "fc00::/7", false],
            ["bogus", "10.0.0.0/8", false],
            ["10.0.0.0/8", "bogus", false],
            ["bogus", "bogus", false],
        ];
        for (const [inner, outer, within] of table) {
            assert.strictEqual(cidrWithin(inner, outer), within, `${inner} in ${outer}`);
        }
    });

    it("tells private, shared, loopback and link-local space from the internet", () => {
        const internet = [
            "0.0.0.0/0",
            "::/0",
            "198.51.100.0/24",
            "8.8.8.8",
            "2001:db8::/32",
            "172.32.0.0/16",
            "11.0.0.0/8",
            "bogus",
            "",
        ];
        for (const p of internet) assert.ok(reachesInternet(p), p);
        const inside = [
            "10.0.0.0/24",
            " 10.0.0.0/24 ",
            "10.0.0.1",
            "172.16.5.0/24",
            "172.31.255.255",
            "192.168.1.0/24",
            "100.64.0.0/10",
            "127.0.0.1",
            "169.254.169.254",
            "fd12::/16",
            "fe80::/64",
            "::1",
        ];
        for (const p of inside) assert.ok(!reachesInternet(p), p);
    });

    it("counts every public IPv4 address as the internet, every RFC 1918 one not", () => {
        fc.assert(
            fc.property(fc.ipV4(), (ip) => {
                const [a, b] = ip.split(".").map(Number);
                const private_ =
                    a === 10 ||
                    (a === 172 && b >= 16 && b <= 31) ||
                    (a === 192 && b === 168) ||
                    (a === 100 && b >= 64 && b <= 127) ||
                    a === 127 ||
                    (a === 169 && b === 254);
                return reachesInternet(ip) === !private_;
            }),
        );
    });
});
