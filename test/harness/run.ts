import * as path from "path";
import { MockedRun, runMocked } from "./mocked";
import { ProviderMock } from "./providers/types";
import { RecordedResource } from "./recorder";
import { projectRoot, rootProject } from "./projects";
import { OfflineReference, offlineReferences } from "./references";
import { StackConfig } from "./stackConfig";

export interface ProgramRun extends MockedRun {
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
    /**
     * The stack's state before this run: the resources an earlier run recorded (what the engine
     * would hold after that update). A resource registered again with the same inputs keeps its
     * id and outputs, as the engine keeps an unchanged resource: keys and certificates stay.
     */
    readonly state?: readonly RecordedResource[];
}

/**
 * Forgets the programs' own modules (index.ts, platform/, examples/), so that one working at load
 * time runs again. The library's modules stay: the tests hold their classes (ConfigError is
 * matched with instanceof), and a second copy would be another class.
 */
function forgetProjectModules(): void {
    const kept = ["node_modules", "test", "components", "policies"].map((d) => `${path.sep}${d}${path.sep}`);
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(projectRoot) && !kept.some((d) => id.slice(projectRoot.length).includes(d))) {
            delete require.cache[id];
        }
    }
}

/**
 * The program module's export. A program that exports a function (as index.ts does) does its work
 * when called, so the loaded modules serve every run: loading them again, through tsx, was most of
 * a run that fails validation. A program that works at load time is loaded afresh, with every
 * project module it reaches.
 */
function load(program: string): unknown {
    const loaded: unknown = require.cache[require.resolve(program)]?.exports;
    if (typeof loaded === "function") return loaded;
    forgetProjectModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(program);
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
    const run = await runMocked(
        async () => {
            const exported = load(program);
            // Like the Node.js language host: an exported function is the program, its result the outputs.
            return typeof exported === "function" ? await (exported as () => unknown)() : exported;
        },
        {
            project: project.name,
            stack,
            preview,
            providers,
            config: config.values,
            secretKeys: config.secretKeys,
            state: options.state,
            stackOutputs: {
                ...Object.fromEntries(offline.map((r) => [r.name, r.outputs])),
                ...options.stackOutputs,
                ...(options.lastOutputs ? { [`organization/${project.name}/${stack}`]: options.lastOutputs } : {}),
            },
        },
    );
    return { ...run, references: offline };
}
