import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { Recorder, RecordedResource } from "./recorder";
import { stackReferenceMock } from "./providers/stackReference";
import { ProviderMock } from "./providers/types";
import { projectRoot, rootProject } from "./projects";
import { OfflineReference, offlineReferences } from "./references";
import { StackConfig } from "./stackConfig";

export interface ProgramRun {
    /** Every registered resource, in registration order. */
    readonly resources: RecordedResource[];
    /** The stack outputs, resolved (secrets unwrapped). */
    readonly outputs: Record<string, unknown>;
    /** The names of the stack outputs that are secrets. */
    readonly secretOutputs: string[];
    /** What the program threw, if it failed. */
    readonly error?: Error;
    /** Stacks of this repository the config refers to, stood in by their offline runs. */
    readonly references: readonly OfflineReference[];
}

export interface RunOptions {
    readonly stack?: string;
    readonly preview?: boolean;
    /** Extra provider mocks, consulted before the built-in ones. */
    readonly providers?: ProviderMock[];
    /** The program to run; defaults to the project's main (index.ts). */
    readonly program?: string;
    /**
     * The outputs this stack had after its last update (what a StackReference to itself reads);
     * none by default, like a new stack.
     */
    readonly lastOutputs?: Record<string, unknown>;
    /**
     * Outputs of other stacks, by the name a StackReference gives (organization/project/stack).
     * A stack of this repository that the config names is stood in by its own offline run.
     */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
}

type Resolvable = { promise(): Promise<unknown> };

/** Resolves stack outputs the way the engine records them (secrets unwrapped), and says which are secret. */
async function resolveOutputs(value: pulumi.Inputs): Promise<{ outputs: Record<string, unknown>; secret: string[] }> {
    const outputs: Record<string, unknown> = {};
    const secret: string[] = [];
    for (const [key, input] of Object.entries(value ?? {})) {
        const output = pulumi.output(input);
        outputs[key] = await (output as unknown as Resolvable).promise();
        if (await pulumi.isSecret(output)) secret.push(key);
    }
    return { outputs, secret };
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
    const project = config.project ?? rootProject;
    const { stack = "dev", preview = false, providers = [], program = path.join(project.root, project.main) } = options;
    const offline = await offlineReferences(config, (referenced, referencedStack) =>
        runProgram(referenced, { stack: referencedStack }),
    );
    const references = stackReferenceMock({
        ...Object.fromEntries(offline.map((r) => [r.name, r.outputs])),
        ...options.stackOutputs,
        ...(options.lastOutputs ? { [`organization/${project.name}/${stack}`]: options.lastOutputs } : {}),
    });
    const recorder = new Recorder([...providers, references]);
    pulumi.runtime.setAllConfig({ ...config.values }, [...config.secretKeys]);
    await pulumi.runtime.setMocks(recorder.mocks, project.name, stack, preview, "organization");
    recorder.attach(pulumi.runtime.getMonitor() as unknown as Parameters<Recorder["attach"]>[0]);
    forgetProjectModules();

    let outputs: Record<string, unknown> = {};
    let secretOutputs: string[] = [];
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
    // The SDK also formats a stack trace for every promise it makes (debuggablePromise, kept for
    // its leak report); that was a third of a run's time. Errors thrown inside a run therefore
    // carry no frames (their messages are whole); GKS_STACK_TRACES=1 keeps them.
    const stackTraceLimit = Error.stackTraceLimit;
    if (process.env.GKS_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
    try {
        // The Stack resource resolves what the program returns (its outputs lose their secret
        // mark there), so the returned value itself is kept to tell which outputs are secrets.
        let exports: pulumi.Inputs = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const exported: unknown = require(program);
            // Like the Node.js language host: an exported function is the program, its result the outputs.
            exports = ((typeof exported === "function" ? await (exported as () => unknown)() : exported) ??
                {}) as pulumi.Inputs;
            return exports;
        });
        ({ outputs, secret: secretOutputs } = await resolveOutputs(exports));
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
    Error.stackTraceLimit = stackTraceLimit;
    process.off("unhandledRejection", capture);
    return { resources: recorder.resources, outputs, secretOutputs, error, references: offline };
}
