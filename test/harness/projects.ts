import * as fs from "fs";
import * as path from "path";
import { readYaml } from "./yamlFiles";

/** The repository's root: the cluster stack's project. */
export const projectRoot = path.resolve(__dirname, "..", "..");

/** A Pulumi project of this repository: a folder with a Pulumi.yaml. */
export interface Project {
    /** Its `name`, which is also its config namespace. */
    readonly name: string;
    readonly root: string;
    /** The program, relative to root: Pulumi.yaml's `main`, else index.ts. */
    readonly main: string;
}

export function projectAt(root: string): Project {
    const doc = readYaml(path.join(root, "Pulumi.yaml")) as { name: string; main?: string };
    return { name: doc.name, root, main: doc.main ?? "index.ts" };
}

export const rootProject: Project = projectAt(projectRoot);
export const projectName = rootProject.name;

/** Every project here: the root (cluster stack), platform/ and each folder of examples/. */
export function projects(): Project[] {
    const examples = path.join(projectRoot, "examples");
    const candidates = [
        projectRoot,
        path.join(projectRoot, "platform"),
        ...(fs.existsSync(examples) ? fs.readdirSync(examples).map((d) => path.join(examples, d)) : []),
    ];
    return candidates.filter((dir) => fs.existsSync(path.join(dir, "Pulumi.yaml"))).map(projectAt);
}

export function projectNamed(name: string): Project | undefined {
    return projects().find((p) => p.name === name);
}

/** The stacks a project has stack files for. */
export function stacksOf(project: Project): string[] {
    return fs
        .readdirSync(project.root)
        .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
        .sort();
}
