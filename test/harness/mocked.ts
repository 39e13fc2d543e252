import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, Recorder } from "./recorder";
import { stackReferenceMock } from "./providers/stackReference";
import { ProviderMock } from "./providers/types";

export interface MockedRunOptions {
    /** The project and stack the program runs as (`organization/<project>/<stack>`). */
    readonly project: string;
    readonly stack: string;
    /** Config by full key (`<namespace>:<key>`), objects and lists as JSON text. */
    readonly config?: Readonly<Record<string, string>>;
    /** Full keys whose values are secrets. */
    readonly secretKeys?: readonly string[];
    readonly preview?: boolean;
    /** Extra provider mocks, consulted before the built-in ones. */
    readonly providers?: readonly ProviderMock[];
    /** Outputs of stacks a StackReference reads, by name (`organization/<project>/<stack>`). */
    readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
    /** The stack's state before this run (an earlier run's resources); see RunOptions.state. */
    readonly state?: readonly RecordedResource[];
}

export interface MockedRun {
    /** Every registered resource, in registration order. */
    readonly resources: RecordedResource[];
    /** The stack outputs, resolved (secrets unwrapped). */
    readonly outputs: Record<string, unknown>;
    /** The names of the stack outputs that are secrets. */
    readonly secretOutputs: string[];
    /** What the program threw, if it failed. */
    readonly error?: Error;
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

/**
 * Runs a program (a function returning its outputs, as a stack program exports it) under
 * provider-like mocks, the way `pulumi up` would: config first, then the program inside a Stack
 * resource, then every outstanding registration awaited. Records every resource.
 */
export async function runMocked(program: () => unknown, options: MockedRunOptions): Promise<MockedRun> {
    const { project, stack, preview = false, providers = [] } = options;
    const recorder = new Recorder([...providers, stackReferenceMock({ ...options.stackOutputs })], options.state);
    pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
    await pulumi.runtime.setMocks(recorder.mocks, project, stack, preview, "organization");
    recorder.attach(pulumi.runtime.getMonitor() as unknown as Parameters<Recorder["attach"]>[0]);

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
            exports = ((await program()) ?? {}) as pulumi.Inputs;
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
    return { resources: recorder.resources, outputs, secretOutputs, error };
}
