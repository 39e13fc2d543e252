import * as assert from "assert";
import { cidrContains, cidrsOverlap, hasHostBits, isWholeInternet, nthIPv4Address } from "../components/config/cidr";

describe("CIDR helpers", () => {
    it("detects overlap in either direction and disjoint networks", () => {
        assert.ok(cidrsOverlap("10.0.0.0/8", "10.240.16.0/20"));
        assert.ok(cidrsOverlap("10.240.16.0/20", "10.0.0.0/8"));
        assert.ok(!cidrsOverlap("172.25.0.0/16", "10.240.16.0/20"));
        assert.ok(!cidrsOverlap("10.0.0.0/24", "2001:db8::/32"));
    });
    it("knows containment, host bits and the whole internet", () => {
        assert.ok(cidrContains("10.0.0.0/24", "10.0.0.11"));
        assert.ok(!cidrContains("10.0.0.0/24", "10.0.1.11"));
        assert.ok(hasHostBits("10.0.0.5/24"));
        assert.ok(!hasHostBits("10.0.0.0/24"));
        assert.ok(isWholeInternet("0.0.0.0/0") && isWholeInternet("::/0") && !isWholeInternet("0.0.0.0/1"));
    });
    it("computes the first service address", () => {
        assert.strictEqual(nthIPv4Address("10.240.16.0/20", 1), "10.240.16.1");
        assert.strictEqual(nthIPv4Address("10.96.0.0/12", 10), "10.96.0.10");
        assert.throws(() => nthIPv4Address("10.0.0.0/30", 4), /no address number 4/);
    });
});
