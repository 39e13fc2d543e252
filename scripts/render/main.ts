import { Graphviz } from "@hpcc-js/wasm-graphviz";
import * as path from "path";
import { Project, projectRoot, rootProject, stacksOf } from "../../test/harness/projects";
import { runProgram } from "../../test/harness/run";
import { readStackConfig, StackConfig } from "../../test/harness/stackConfig";
import { withStandIns } from "../../test/harness/standIns";
import { renderFiles } from "./files";
import { refusalToClear, writeRender } from "./output";
import { referenceLines, reportLines, standInLines } from "./report";
import { stackOutputLines, stackOutputsJson } from "./stackOutputs";
import { topologyDot, topologyOf } from "./topology";

export interface RenderOptions {
    /** The Pulumi project; default the root one (the cluster stack). */
    readonly project?: Project;
    readonly stack: string;
    /** The output folder; default out/<stack> in the project. */
    readonly out?: string;
    readonly showSecrets?: boolean;
    /** The stack's config; default Pulumi.<stack>.yaml (over Pulumi.yaml's defaults). */
    readonly config?: StackConfig;
    /** Where the printout goes; default stdout. */
    readonly print?: (line: string) => void;
}

export interface RenderResult {
    /** 0 on success; 1 when the program failed (e.g. a bad config), 2 when the render could not start. */
    readonly exitCode: number;
    readonly outDir: string;
    /** The files written, relative to outDir ("/"-separated), sorted; empty when nothing was written. */
    readonly files: string[];
}

export const topologyFileName = "topology.svg";
export const outputsFileName = "outputs.json";

/**
 * Renders a stack without a cloud: runs index.ts with the stack's config under the test mocks
 * (secrets that are not known offline replaced by labelled stand-ins), prints a preview-like
 * tree, and writes what would be deployed to the output folder. Writes nothing when it fails.
 */
export async function renderStack(options: RenderOptions): Promise<RenderResult> {
    const started = Date.now();
    const { stack, showSecrets = false, print = (line: string) => console.log(line), project = rootProject } = options;
    const defaultOut = project === rootProject ? stack : `${project.name}-${stack}`;
    const outDir = path.resolve(options.out ?? path.join(projectRoot, "out", defaultOut));
    const stackFile = path.relative(projectRoot, path.join(project.root, `Pulumi.${stack}.yaml`));
    const failed = (exitCode: number, message: string): RenderResult => {
        print(message);
        return { exitCode, outDir, files: [] };
    };

    let given: StackConfig;
    try {
        given = options.config ?? readStackConfig(stack, project);
    } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(e);
        return failed(
            2,
            `cannot read ${stackFile}: ${reason} (stacks here: ${stacksOf(project).join(", ") || "none"})`,
        );
    }
    const refusal = refusalToClear(outDir, projectRoot);
    if (refusal) return failed(2, refusal);

    const { config, standIns } = withStandIns({ ...given, project });
    const program = path.relative(projectRoot, path.join(project.root, project.main));
    print(`Offline render of stack ${stack}: ${program} under the test mocks; no cloud, no CLI, no credentials`);
    standInLines(standIns, options.config ? `the given config of stack ${stack}` : stackFile).forEach((line) =>
        print(line),
    );

    let run;
    try {
        run = await runProgram(config, { stack });
    } catch (e) {
        return failed(1, `${(e as Error).message}\nNothing written.`);
    }
    referenceLines(run.references).forEach((line) => print(line));
    print("");
    if (run.error) {
        // A ConfigError lists every problem; the program's own message says the rest.
        return failed(
            1,
            `${run.error.name === "ConfigError" ? "" : "The program failed: "}${run.error.message}\nNothing written.`,
        );
    }

    const clusterName = config.values[`${project.name}:clusterName`] ?? stack;
    const context = { clusterName, showSecrets };
    const rendering = renderFiles(run.resources, context);
    const dot = topologyDot(topologyOf(run.resources, clusterName), `${project.name} stack ${stack} (offline render)`);
    const svg = (await Graphviz.load()).dot(dot);
    const files = [
        ...rendering.files,
        { path: topologyFileName, content: svg },
        { path: outputsFileName, content: stackOutputsJson(run.outputs, run.secretOutputs, showSecrets) },
    ];
    writeRender(outDir, files);

    reportLines(run.resources, rendering, context).forEach((line) => print(line));
    print("");
    stackOutputLines(run.outputs, run.secretOutputs, showSecrets).forEach((line) => print(line));
    const relative = path.relative(process.cwd(), outDir);
    const where = relative === "" ? "." : relative.startsWith("..") ? outDir : relative;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    print(`Wrote ${files.length} files to ${where}/ in ${seconds} s${showSecrets ? " (secrets shown)" : ""}`);
    return { exitCode: 0, outDir, files: files.map((f) => f.path).sort() };
}
