import { RecordedResource } from "../../test/harness/recorder";
import { runProgram } from "../../test/harness/run";
import { projectName, readStackConfig, StackConfig, withConfig } from "../../test/harness/stackConfig";
import { withStandIns } from "../../test/harness/standIns";
import { Rendering, renderFiles } from "./files";

export interface InProcessOptions {
    readonly stack: string;
    /** The stack's config; default Pulumi.<stack>.yaml (over Pulumi.yaml's defaults). */
    readonly config?: StackConfig;
    /** Keys to set (objects as JSON) or, with `undefined`, remove, e.g. `{ lbIdleTimeoutSeconds: 60 }`. */
    readonly changes?: Record<string, unknown>;
    /** Real Secret data and PEM files (the TLS mock makes real keys); default true. */
    readonly showSecrets?: boolean;
}

export interface InProcessRender {
    readonly clusterName: string;
    /** The config the program ran with (stand-ins included). */
    readonly config: StackConfig;
    /** Every registered resource, as the engine would see it. */
    readonly resources: RecordedResource[];
    /** The stack outputs, resolved (secrets unwrapped). */
    readonly outputs: Record<string, unknown>;
    /** What `npm run render` would write: manifests by target folder, PEM files, egress selector. */
    readonly rendering: Rendering;
}

/**
 * Renders a stack in this process and returns what `npm run render` would write, in memory: the
 * entry point for tools that run the render (the end-to-end suite). Secrets unknown offline get
 * the render's labelled stand-ins; a program error (e.g. a bad config) throws.
 */
export async function renderInProcess(options: InProcessOptions): Promise<InProcessRender> {
    const { stack, showSecrets = true } = options;
    const given = withConfig(options.config ?? readStackConfig(stack), options.changes ?? {});
    const { config } = withStandIns(given);
    const run = await runProgram(config, { stack });
    if (run.error) throw run.error;
    const clusterName = config.values[`${projectName}:clusterName`] ?? stack;
    const rendering = renderFiles(run.resources, { clusterName, showSecrets });
    return { clusterName, config, resources: run.resources, outputs: run.outputs, rendering };
}
