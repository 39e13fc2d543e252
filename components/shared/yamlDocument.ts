import { parseDocument } from "yaml";

/** A YAML (or JSON) configuration file as data; YAML errors as problems, none thrown. */
export function parseYamlDocument(text: string): { value?: unknown; problems: string[] } {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) return { problems: doc.errors.map((e) => `not valid YAML: ${e.message}`) };
    return { value: doc.toJS(), problems: [] };
}
