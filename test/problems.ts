import * as assert from "assert";
import { ConfigError, ConfigProblem } from "../components/config";

/** The problems of the ConfigError that `f` throws; fails when it throws none. */
export function problemsOf(f: () => unknown): readonly ConfigProblem[] {
    try {
        f();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected a ConfigError");
}
