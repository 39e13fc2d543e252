import { Project, projectNamed, rootProject } from "./projects";
import { ProgramRun } from "./run";
import { readStackConfig, StackConfig } from "./stackConfig";
import { StandIn, withStandIns } from "./standIns";

/** A stack of this repository that a config refers to, stood in by its own offline run. */
export interface OfflineReference {
    /** As the reference names it: `organization/<project>/<stack>`. */
    readonly name: string;
    readonly project: Project;
    readonly stack: string;
    readonly standIns: readonly StandIn[];
    readonly outputs: Record<string, unknown>;
}

const referencePattern = /^organization\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;
const cache = new Map<string, Promise<OfflineReference>>();

/** The stacks of other projects here that the config's values name (a DIY backend's stack names). */
export function referencedStacks(config: StackConfig): { name: string; project: Project; stack: string }[] {
    const own = (config.project ?? rootProject).name;
    const found = new Map<string, { name: string; project: Project; stack: string }>();
    for (const value of Object.values(config.values)) {
        const match = referencePattern.exec(value);
        const project = match && match[1] !== own ? projectNamed(match[1]) : undefined;
        if (match && project) found.set(value, { name: value, project, stack: match[2] });
    }
    return [...found.values()];
}

/**
 * The outputs of the stacks a config refers to, each from an offline run of that stack's own
 * file (its secrets stood in), run once per process. A referenced stack that fails fails this.
 */
export async function offlineReferences(
    config: StackConfig,
    run: (config: StackConfig, stack: string) => Promise<ProgramRun>,
    depth = 0,
): Promise<OfflineReference[]> {
    const references: OfflineReference[] = [];
    for (const { name, project, stack } of referencedStacks(config)) {
        if (depth > 3) throw new Error(`offline references nest deeper than 3 stacks at ${name}`);
        let pending = cache.get(name);
        if (!pending) {
            pending = (async () => {
                const { config: referenced, standIns } = withStandIns(readStackConfig(stack, project));
                const result = await run(referenced, stack);
                if (result.error) {
                    throw new Error(
                        `the offline run of ${name} (${project.name}/Pulumi.${stack}.yaml) failed: ${result.error.message}`,
                    );
                }
                return { name, project, stack, standIns, outputs: result.outputs };
            })();
            cache.set(name, pending);
        }
        references.push(await pending);
    }
    return references;
}
