import * as path from "path";
import { parseArgs } from "util";

const usage =
    "usage: npm run stacks -- --inventory <file> (--preview | --up) [--parallel N] [--pulumi-root <dir with bin/pulumi>]";

/** npm run stacks: one stack per cluster of an inventory, preview or up, a few at a time. */
async function main(): Promise<number> {
    let values: { inventory?: string; preview?: boolean; up?: boolean; parallel?: string; "pulumi-root"?: string };
    try {
        ({ values } = parseArgs({
            options: {
                inventory: { type: "string" },
                preview: { type: "boolean" },
                up: { type: "boolean" },
                parallel: { type: "string", default: "4" },
                "pulumi-root": { type: "string" },
            },
        }));
    } catch (e) {
        console.error(`${(e as Error).message}\n${usage}`);
        return 2;
    }
    const parallel = Number(values.parallel);
    if (!values.inventory || values.preview === values.up || !Number.isInteger(parallel) || parallel < 1) {
        console.error(usage);
        return 2;
    }
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    const { readInventory } = await import("../components/fleet");
    const { runStacks } = await import("./driver");
    const pulumiCommand = values["pulumi-root"]
        ? await PulumiCommand.get({ root: path.resolve(values["pulumi-root"]) })
        : await PulumiCommand.get();
    const results = await runStacks({
        inventory: readInventory(path.resolve(values.inventory)),
        workDir: path.resolve(__dirname, ".."),
        operation: values.up ? "up" : "preview",
        parallel,
        pulumiCommand,
        print: (line) => console.log(line),
    });
    const failed = results.filter((r) => !r.ok);
    console.log(`${results.length - failed.length} stacks succeeded, ${failed.length} failed`);
    return failed.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    },
);
