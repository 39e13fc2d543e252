import { at } from "../../test/harness/find";

/** The containers of a workload's pod template (Deployment, StatefulSet, DaemonSet). */
export function podContainers(inputs: unknown): unknown[] {
    const containers = at(inputs, "spec.template.spec.containers");
    return Array.isArray(containers) ? containers : [];
}

/** A container's flags (`--x=y`), from its command and args in order. */
export function containerFlags(container: unknown): string[] {
    const list = (key: string) => {
        const value = at(container, key);
        return Array.isArray(value) ? value.map(String) : [];
    };
    return [...list("command"), ...list("args")].filter((a) => a.startsWith("--"));
}

/** The value of `--name=value` in a container's flags. */
export function flagValue(container: unknown, name: string): string | undefined {
    const prefix = `--${name}=`;
    return containerFlags(container)
        .find((a) => a.startsWith(prefix))
        ?.slice(prefix.length);
}
