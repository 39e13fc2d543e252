import * as assert from "assert";
import * as path from "path";
import { plainStrings, runProgram } from "./harness";
import { devConfig } from "./fixtures";

describe("secrets in component arguments (stored in state)", () => {
    it("are wrapped by the components themselves, even when a platform stack passes plain strings", async () => {
        const run = await runProgram(devConfig(), { program: path.join(__dirname, "programs", "plainSecrets.ts") });
        if (run.error) throw run.error;
        const components = run.resources.filter(
            (r) => r.type === "gks:index:Tenant" || r.type === "gks:index:KonnectivityAgents",
        );
        assert.strictEqual(components.length, 2);
        for (const r of run.resources) {
            const leaks = plainStrings(r.wireInputs).filter(({ value }) => /plain-password|PRIVATE KEY/.test(value));
            assert.deepStrictEqual(leaks, [], `${r.type} ${r.name}`);
        }
    });
});
