import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { Recorder, RecordedResource } from "./recorder";
import { stackReferenceMock } from "./providers/stackReference";
import { ProviderMock } from "./providers/types";
import { projectName, projectRoot, StackConfig } from "./stackConfig";

export interface ProgramRun {
    /** Every registered resource, in registration order. */
    readonly resources: RecordedResource[];
    /** The stack outputs, resolved (secrets unwrapped). */
    readonly outputs: Record<string, unknown>;
    /** What the program threw, if it failed. */
    readonly error?: Error;
}

export interface RunOptions {
    readonly stack?: string;
    readonly preview?: boolean;
    /** Extra provider mocks, consulted before the built-in ones. */
    readonly providers?: ProviderMock[];
    /** The program to run; defaults to the project's index.ts. */
    readonly program?: string;
    /**
     * The outputs this stack had after its last update (what a StackReference to itself reads);
     * none by default, like a new stack.
     */
    readonly lastOutputs?: Record<string, unknown>;
    /** Outputs of other stacks, by the name a StackReference gives (organization/project/stack). */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
    /**
     * The stack's state before this run: the resources an earlier run recorded (what the engine
     * would hold after that update). A resource registered again with the same inputs keeps its
     * id and outputs, as the engine keeps an unchanged resource: keys and certificates stay.
     */
    readonly state?: readonly RecordedResource[];
}

/** Resolves stack outputs the way the engine records them (secrets unwrapped). */
async function resolveOutputs(value: pulumi.Inputs): Promise<Record<string, unknown>> {
    const resolved = pulumi.output(value) as unknown as { promise(): Promise<Record<string, unknown>> };
    return (await resolved.promise()) ?? {};
}

function forgetProjectModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (
            id.startsWith(projectRoot) &&
            !id.includes(`${path.sep}node_modules${path.sep}`) &&
            !id.includes(`${path.sep}test${path.sep}`)
        ) {
            delete require.cache[id];
        }
    }
}

/**
 * Runs the whole program with a stack configuration under provider-like mocks, the way
 * `pulumi up` would: config first, then the program inside a Stack resource, then every
 * outstanding registration awaited.
 */
export async function runProgram(config: StackConfig, options: RunOptions = {}): Promise<ProgramRun> {
    const { stack = "dev", preview = false, providers = [], program = path.join(projectRoot, "index.ts") } = options;
    const references = stackReferenceMock({
        ...options.stackOutputs,
        ...(options.lastOutputs ? { [`organization/${projectName}/${stack}`]: options.lastOutputs } : {}),
    });
    const recorder = new Recorder([...providers, references], options.state);
    pulumi.runtime.setAllConfig({ ...config.values }, [...config.secretKeys]);
    await pulumi.runtime.setMocks(recorder.mocks, projectName, stack, preview, "organization");
    recorder.attach(pulumi.runtime.getMonitor() as unknown as Parameters<Recorder["attach"]>[0]);
    forgetProjectModules();

    let outputs: Record<string, unknown> = {};
    let error: Error | undefined;
    // A program that throws also rejects the Stack resource's own promises; the engine would end
    // the process there, the harness keeps the first error instead.
    const capture = (reason: unknown) => {
        error ??= reason instanceof Error ? reason : new Error(String(reason));
    };
    process.on("unhandledRejection", capture);
    // Pulumi takes a full stack trace for every resource (its source position); mapping those
    // through source maps costs more than the rest of a run. Errors format their stacks when
    // first read, after the maps are back on.
    const sourceMaps = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
        const stackOutputs = await pulumi.runtime.runInPulumiStack(async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const exported: unknown = require(program);
            // Like the Node.js language host: an exported function is the program, its result the outputs.
            return typeof exported === "function" ? await (exported as () => unknown)() : exported;
        });
        outputs = await resolveOutputs(stackOutputs ?? {});
    } catch (e) {
        capture(e);
    }
    try {
        await pulumi.runtime.disconnect();
    } catch (e) {
        capture(e);
    }
    await new Promise((resolve) => setImmediate(resolve));
    process.setSourceMapsEnabled(sourceMaps);
    process.off("unhandledRejection", capture);
    return { resources: recorder.resources, outputs, error };
}
