import * as assert from "assert";
import fc from "fast-check";
import {
    admitsTcp,
    admitsUdp,
    describeRange,
    hasPorts,
    isAnyProtocol,
    portRange,
    rangeWithin,
} from "../../../policies/lib/ports";

/** Neutron's security group rules: which protocols and ports a rule admits. */
describe("policies/lib/ports", () => {
    it("reads a protocol as Neutron does: no protocol, empty or any is every protocol; names and numbers, any case", () => {
        // [protocol, every protocol, admits TCP, admits UDP, has ports]
        const table: [string | undefined | null, boolean, boolean, boolean, boolean][] = [
            [undefined, true, true, true, false],
            [null, true, true, true, false],
            ["", true, true, true, false],
            ["any", true, true, true, false],
            [" ANY ", true, true, true, false],
            ["tcp", false, true, false, true],
            [" TCP ", false, true, false, true],
            ["6", false, true, false, true],
            ["udp", false, false, true, true],
            ["UDP", false, false, true, true],
            ["17", false, false, true, true],
            ["sctp", false, false, false, true],
            ["132", false, false, false, true],
            ["dccp", false, false, false, true],
            ["33", false, false, false, true],
            ["udplite", false, false, false, true],
            ["136", false, false, false, true],
            ["icmp", false, false, false, false],
            ["4", false, false, false, false],
            ["ipv6-icmp", false, false, false, false],
        ];
        for (const [protocol, any, tcp, udp, ported] of table) {
            const what = JSON.stringify(protocol);
            assert.strictEqual(isAnyProtocol(protocol), any, `${what} any`);
            assert.strictEqual(admitsTcp(protocol), tcp, `${what} tcp`);
            assert.strictEqual(admitsUdp(protocol), udp, `${what} udp`);
            assert.strictEqual(hasPorts(protocol), ported, `${what} ports`);
        }
    });

    it("opens a missing or 0 bound on its side", () => {
        const table: [number | undefined | null, number | undefined | null, number, number][] = [
            [undefined, undefined, 1, 65535],
            [null, null, 1, 65535],
            [0, 0, 1, 65535],
            [10000, undefined, 10000, 65535],
            [undefined, 22, 1, 22],
            [22, 22, 22, 22],
        ];
        for (const [min, max, low, high] of table) {
            assert.deepStrictEqual(portRange(min, max), { min: low, max: high }, `${min}-${max}`);
        }
    });

    it("names a range: all ports, one port, or from-to", () => {
        assert.strictEqual(describeRange({ min: 1, max: 65535 }), "all ports");
        assert.strictEqual(describeRange({ min: 1, max: 65534 }), "ports 1-65534");
        assert.strictEqual(describeRange({ min: 2, max: 65535 }), "ports 2-65535");
        assert.strictEqual(describeRange({ min: 22, max: 22 }), "port 22");
        assert.strictEqual(describeRange({ min: 80, max: 81 }), "ports 80-81");
    });

    it("a range is within the allowed ports exactly when each of its ports is allowed", () => {
        assert.ok(rangeWithin({ min: 22, max: 22 }, [22]));
        assert.ok(rangeWithin({ min: 22, max: 23 }, [23, 22]));
        assert.ok(!rangeWithin({ min: 22, max: 23 }, [22]));
        assert.ok(!rangeWithin({ min: 21, max: 22 }, [22]));
        assert.ok(!rangeWithin({ min: 22, max: 24 }, [22, 24]));
        assert.ok(!rangeWithin({ min: 1, max: 65535 }, [22]));
        assert.ok(rangeWithin({ min: 23, max: 22 }, []), "an empty range admits nothing");
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 200 }),
                fc.integer({ min: 0, max: 6 }),
                fc.uniqueArray(fc.integer({ min: 1, max: 210 }), { maxLength: 12 }),
                (min, width, allowed) => {
                    const ports = Array.from({ length: width + 1 }, (_, i) => min + i);
                    return rangeWithin({ min, max: min + width }, allowed) === ports.every((p) => allowed.includes(p));
                },
            ),
        );
    });
});
