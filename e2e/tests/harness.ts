/** What every e2e test file shares: one lab per file, its logs on failure, measured figures. */
import * as fs from "fs";
import { Lab, LabOptions } from "../lib/lab";
import { render, Rendered } from "../lib/render";

export { suiteChanges } from "../lib/render";

/**
 * The bound on forming the full mesh from agents started together: measured 2.6-3.0 s for 2 agents
 * x 2 servers (see README), so a tenth of the bound is plenty; a slower mesh is a regression.
 */
export const meshBoundMs = 30_000;

/** Figures the tests measure, printed at the end of the run (and quoted in the README). */
export const figures: string[] = [];
export function figure(line: string): void {
    figures.push(line);
    console.log(`      [figure] ${line}`);
}

// A root hook: every figure again at the end of the run, in one place.
after(() => {
    if (figures.length > 0) console.log(`\n  Figures:\n${figures.map((f) => `    - ${f}`).join("\n")}`);
});

export interface LabContext {
    lab?: Lab;
    rendered?: Rendered;
}

/**
 * Renders and starts a lab before the file's tests and stops it after; when a test fails, the
 * tails of every log are printed so that the failure explains itself.
 */
export function withLab(
    context: LabContext,
    changes: Record<string, unknown>,
    options: LabOptions = {},
    afterStart: (lab: Lab) => Promise<void> = async () => undefined,
): void {
    let failed = false;
    before(async function () {
        this.timeout(600_000);
        context.rendered = await render(changes);
        context.lab = new Lab(context.rendered, options);
        try {
            await context.lab.start();
            await afterStart(context.lab);
        } catch (e) {
            failed = true;
            printLogs(context.lab);
            throw e;
        }
    });
    afterEach(function () {
        if (this.currentTest?.state === "failed" && context.lab) {
            failed = true;
            printLogs(context.lab);
        }
    });
    after(async function () {
        this.timeout(120_000);
        await context.lab?.stop(failed || process.env.GKS_E2E_KEEP === "1");
        if (failed && context.lab) console.log(`    files and logs kept under ${context.lab.root}`);
    });
}

function printLogs(lab: Lab): void {
    for (const file of lab.logs()) {
        const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-8);
        console.log(`\n--- ${file}\n${lines.join("\n")}`);
    }
}

/** The context's lab, or a clear failure when its set-up did not get that far. */
export function labOf(context: LabContext): Lab {
    if (!context.lab) throw new Error("the lab did not start");
    return context.lab;
}
