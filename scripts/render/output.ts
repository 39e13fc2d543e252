import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RenderedFile } from "./files";

/** The file whose presence marks a folder as an earlier render, which may be cleared. */
const renderMarker = "resources.json";

/**
 * Why the folder must not be cleared for a render, or undefined when it may: it is a previous
 * render (has resources.json), empty or absent, and not the project, one of its parents, or home.
 */
export function refusalToClear(dir: string, projectRoot: string): string | undefined {
    const target = path.resolve(dir);
    const fromTarget = path.relative(target, projectRoot);
    const holdsProject = !fromTarget.startsWith("..") && !path.isAbsolute(fromTarget);
    if (holdsProject || target === path.resolve(os.homedir()) || target === path.parse(target).root) {
        return `refusing to use ${target} as output folder: clearing it would delete the project, home or more`;
    }
    if (!fs.existsSync(target)) return undefined;
    if (!fs.statSync(target).isDirectory()) return `refusing to use ${target} as output folder: it is a file`;
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes(renderMarker)) {
        return `refusing to clear ${target}: it is not empty and holds no earlier render (${renderMarker})`;
    }
    return undefined;
}

/** Clears the folder (only it) and writes the files into it. */
export function writeRender(dir: string, files: readonly RenderedFile[]): void {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const file of files) {
        const target = path.join(dir, ...file.path.split("/"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content);
    }
}
