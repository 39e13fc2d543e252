import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { ConfigError } from "../components/config";
import { Inventory } from "../components/fleet";
import { mapLimit } from "./limit";
import { ConfigValue, planStacks } from "./plan";

export interface DriverOptions {
    readonly inventory: Inventory;
    /** The cluster stack's project (the repository's root, with Pulumi.yaml and index.ts). */
    readonly workDir: string;
    readonly operation: "preview" | "up";
    /** How many stacks run at once. */
    readonly parallel: number;
    /** The Pulumi CLI to run; default the `pulumi` on PATH. */
    readonly pulumiCommand?: PulumiCommand;
    /** Where secrets named in the inventory's secretsFromEnv are read; default process.env. */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Progress, one line per stack. */
    readonly print?: (line: string) => void;
}

export interface StackResult {
    readonly stack: string;
    readonly seed: string;
    readonly ok: boolean;
    /** Resource changes by kind (create, update, same, ...), as the CLI summarises them. */
    readonly changes?: Readonly<Record<string, number>>;
    /** The stack's outputs after an `up` (secrets as "[secret]"). */
    readonly outputs?: Readonly<Record<string, unknown>>;
    readonly error?: string;
}

/**
 * Turns an inventory into one stack per cluster (the root project, index.ts) and runs `preview`
 * or `up` on them, `parallel` at a time, through the Pulumi Automation API and the real CLI.
 * First it reads every existing stack's config (for the NodePorts they keep) and plans all
 * stacks; a problem in the plan stops it before any stack is touched. A failing stack does not
 * stop the others; its result says why.
 */
export async function runStacks(options: DriverOptions): Promise<StackResult[]> {
    const {
        inventory,
        workDir,
        operation,
        parallel,
        pulumiCommand,
        env = process.env,
        print = () => undefined,
    } = options;
    const workspace = await LocalWorkspace.create({ workDir, pulumiCommand });
    const names = (await workspace.listStacks()).map((s) => s.name);
    const existing = await mapLimit(names, parallel, async (name) => ({
        name,
        config: (await workspace.getAllConfig(name)) as Record<string, ConfigValue>,
    }));
    const { stacks, problems } = planStacks(inventory, existing, env);
    if (problems.length > 0) throw new ConfigError(problems);
    const orphans = names.filter((n) => !stacks.some((s) => s.stackName === n));
    if (orphans.length > 0) print(`not in the inventory (left as they are): ${orphans.join(", ")}`);

    return mapLimit(stacks, parallel, async (plan): Promise<StackResult> => {
        const base = { stack: plan.stackName, seed: plan.seed };
        try {
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: plan.stackName, workDir },
                { pulumiCommand },
            );
            await stack.setAllConfig({ ...plan.config }, true);
            if (operation === "preview") {
                const result = await stack.preview();
                print(`[preview] ${plan.stackName}: ${describe(result.changeSummary)}`);
                return { ...base, ok: true, changes: result.changeSummary };
            }
            const result = await stack.up();
            const changes = result.summary?.resourceChanges ?? {};
            print(`[up] ${plan.stackName}: ${result.summary?.result ?? "done"} (${describe(changes)})`);
            const outputs = Object.fromEntries(
                Object.entries(result.outputs).map(([k, o]) => [k, o.secret ? "[secret]" : o.value]),
            );
            return { ...base, ok: true, changes, outputs };
        } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            print(`[${operation}] ${plan.stackName}: failed: ${message.split("\n")[0]}`);
            return { ...base, ok: false, error: message };
        }
    });
}

function describe(changes: Readonly<Record<string, number>> | undefined): string {
    const entries = Object.entries(changes ?? {}).filter(([, n]) => n > 0);
    return entries.length === 0 ? "no changes" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}
