import * as assert from "assert";
import { policies } from "../../policies/policies";

/** What every policy of the pack has; each rule's own table is in test/policies/rules/<rule>.test.ts. */
describe("policies one by one", () => {
    it("every policy has a unique name, a description, a default level and remediation steps", () => {
        assert.strictEqual(new Set(policies.map((p) => p.name)).size, policies.length);
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9-]+$/);
            assert.ok(p.description.length > 20 && p.remediationSteps, p.name);
            const expected = p.name === "control-path-ha" ? "advisory" : "mandatory";
            assert.strictEqual(p.enforcementLevel, expected, p.name);
        }
    });
});
