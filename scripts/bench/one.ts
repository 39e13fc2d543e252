import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import {
    projectNamed,
    projectRoot,
    readStackConfig,
    runProgram,
    StackConfig,
    withConfig,
    withStandIns,
} from "../../test/harness";

/** One bench case, run in a process of its own: prints its figures as one JSON line. */
async function main(name: string): Promise<void> {
    let config: StackConfig;
    let program: string | undefined;
    const fleet = /^fleet-(\d+)$/.exec(name);
    if (name === "empty" || name === "dev") {
        config = withStandIns(readStackConfig("dev")).config;
        if (name === "empty") program = path.join(projectRoot, "test", "programs", "empty.ts");
    } else if (fleet) {
        const project = projectNamed("gks-fleet")!;
        const inventory = parse(fs.readFileSync(path.join(project.root, "inventory.yaml"), "utf8")) as {
            clusters: unknown[];
        };
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gks-bench-")), "inventory.yaml");
        fs.writeFileSync(file, stringify({ ...inventory, clusters: inventory.clusters.slice(0, Number(fleet[1])) }));
        config = withStandIns(withConfig(readStackConfig("dev", project), { inventory: file })).config;
    } else {
        throw new Error(`unknown bench case ${name}`);
    }
    const started = process.hrtime.bigint();
    const run = await runProgram(config, { program });
    const runMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.error) throw run.error;
    const cpu = process.cpuUsage();
    console.log(
        JSON.stringify({
            resources: run.resources.length,
            runMs,
            cpuMs: (cpu.user + cpu.system) / 1000,
            maxRssMiB: process.resourceUsage().maxRSS / 1024,
        }),
    );
}

main(process.argv[2]).then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
