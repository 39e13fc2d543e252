import * as path from "path";
import { parseArgs } from "util";

const usage = "usage: npm run render -- [--project <dir>] --stack <name> [--out <dir>] [--show-secrets]";

async function main(): Promise<number> {
    let values: { project?: string; stack?: string; out?: string; "show-secrets"?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({
            options: {
                project: { type: "string" },
                stack: { type: "string" },
                out: { type: "string" },
                "show-secrets": { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (e) {
        console.error(`${(e as Error).message}\n${usage}`);
        return 2;
    }
    if (values.help) {
        console.log(usage);
        return 0;
    }
    if (!values.stack) {
        console.error(usage);
        return 2;
    }
    // Loaded only now: the Pulumi SDK and Graphviz take a moment, which a usage error need not wait for.
    const { renderStack } = await import("./render/main");
    const { projectAt } = await import("../test/harness/projects");
    let project;
    try {
        project = values.project === undefined ? undefined : projectAt(path.resolve(values.project));
    } catch {
        console.error(`no Pulumi project in ${values.project} (no Pulumi.yaml)\n${usage}`);
        return 2;
    }
    const result = await renderStack({
        project,
        stack: values.stack,
        out: values.out,
        showSecrets: values["show-secrets"],
    });
    return result.exitCode;
}

// The mocks leave nothing to wait for, but exit explicitly so that a stray handle cannot hold the shell.
main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
