import * as fs from "fs";
import { parse } from "yaml";

const parsedFiles = new Map<string, { stamp: string; doc: unknown }>();

/**
 * A YAML file, parsed once while it is unchanged: tests read the same project and stack files for
 * every config they build, and parsing them was most of a config check. Callers only read the result.
 */
export function readYaml(file: string): unknown {
    const stat = fs.statSync(file);
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    const cached = parsedFiles.get(file);
    if (cached?.stamp === stamp) return cached.doc;
    const doc: unknown = parse(fs.readFileSync(file, "utf8"));
    parsedFiles.set(file, { stamp, doc });
    return doc;
}
