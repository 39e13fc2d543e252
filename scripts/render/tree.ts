import { RecordedResource } from "../../test/harness/recorder";
import { kubernetesTarget, providerRef, seedFolder, targetLabel, userClusterFolder } from "./providers";

/**
 * The preview-like printout: resources as a tree by parent (components group their children),
 * a count per provider and a summary line. Children sort by type, then name, so that the
 * order does not depend on when a registration finished.
 */
export interface TreeNode {
    readonly resource: RecordedResource;
    readonly children: TreeNode[];
}

const byTypeAndName = (a: TreeNode, b: TreeNode) =>
    a.resource.type.localeCompare(b.resource.type) || a.resource.name.localeCompare(b.resource.name);

export function resourceTree(resources: readonly RecordedResource[]): TreeNode[] {
    const nodes = new Map(resources.map((r) => [r.urn, { resource: r, children: [] as TreeNode[] }]));
    const roots: TreeNode[] = [];
    for (const node of nodes.values()) {
        const parent = nodes.get(node.resource.parent);
        (parent ? parent.children : roots).push(node);
    }
    const sort = (list: TreeNode[]) => {
        list.sort(byTypeAndName);
        list.forEach((n) => sort(n.children));
    };
    sort(roots);
    return roots;
}

/** Every resource, depth first in tree order: a stable order for files too. */
export function treeOrder(resources: readonly RecordedResource[]): RecordedResource[] {
    const walk = (nodes: TreeNode[]): RecordedResource[] => nodes.flatMap((n) => [n.resource, ...walk(n.children)]);
    return walk(resourceTree(resources));
}

/** The tree as aligned lines: type (indented by depth), name, and what `describe` says. */
export function treeLines(resources: readonly RecordedResource[], describe: (r: RecordedResource) => string): string[] {
    const rows: [string, string, string][] = [];
    const walk = (nodes: TreeNode[], indent: string, top: boolean) =>
        nodes.forEach((node, i) => {
            const last = i === nodes.length - 1;
            const branch = top ? "" : last ? "└─ " : "├─ ";
            rows.push([`${indent}${branch}${node.resource.type}`, node.resource.name, describe(node.resource)]);
            walk(node.children, top ? "" : `${indent}${last ? "   " : "│  "}`, false);
        });
    walk(resourceTree(resources), "", true);
    const header: [string, string, string] = ["Type", "Name", "Info"];
    const width = (col: 0 | 1) => Math.max(...[header, ...rows].map((r) => r[col].length));
    const [typeWidth, nameWidth] = [width(0), width(1)];
    return [header, ...rows].map(([type, name, info]) =>
        `${type.padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ${info}`.trimEnd(),
    );
}

const isProvider = (r: RecordedResource) => r.type.startsWith("pulumi:providers:");
const isStack = (r: RecordedResource) => r.type === "pulumi:pulumi:Stack";
/** What the summary counts as a resource: what a provider creates (not providers, components or the stack). */
// A read (a StackReference) creates nothing: it is shown in the tree but not counted as managed.
const isManaged = (r: RecordedResource) => r.custom && !r.read && !isProvider(r) && !isStack(r);

function category(r: RecordedResource, clusterName: string): string {
    const pkg = r.type.split(":")[0];
    if (pkg !== "kubernetes") return pkg;
    return `kubernetes (${targetLabel(kubernetesTarget(providerRef(r.provider), clusterName))})`;
}

const categoryRank = (c: string) =>
    ["openstack", `kubernetes (${targetLabel(seedFolder)})`, `kubernetes (${targetLabel(userClusterFolder)})`].indexOf(
        c,
    ) + 1 || (c.startsWith("kubernetes") ? 4 : c === "tls" ? 5 : 6);

function counted<K>(items: K[]): Map<K, number> {
    const counts = new Map<K, number>();
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
    return counts;
}

/** Resources per provider, e.g. "kubernetes  dev-seed (seed)  12", sorted by package and name. */
export function providerCountLines(resources: readonly RecordedResource[], clusterName: string): string[] {
    const labels = resources.filter(isManaged).map((r) => {
        const provider = providerRef(r.provider);
        const pkg = provider?.pkg ?? r.type.split(":")[0];
        const name = provider?.name ?? "(none)";
        const target = pkg === "kubernetes" ? kubernetesTarget(provider, clusterName) : undefined;
        const cluster = target === seedFolder || target === userClusterFolder ? ` (${targetLabel(target)})` : "";
        return `${pkg.padEnd(10)}  ${name}${cluster}`;
    });
    const counts = [...counted(labels)].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(0, ...counts.map(([label]) => label.length));
    return counts.map(([label, count]) => `${label.padEnd(width)}  ${String(count).padStart(3)}`);
}

/** "N resources: X openstack, Y kubernetes (seed), Z kubernetes (user cluster), W tls (+ P providers, C components)". */
export function summaryLine(resources: readonly RecordedResource[], clusterName: string): string {
    const managed = resources.filter(isManaged);
    const parts = [...counted(managed.map((r) => category(r, clusterName)))]
        .sort(([a], [b]) => categoryRank(a) - categoryRank(b) || a.localeCompare(b))
        .map(([c, n]) => `${n} ${c}`);
    const providers = resources.filter(isProvider).length;
    const components = resources.filter((r) => !r.custom && !isStack(r)).length;
    const reads = resources.filter((r) => r.read).length;
    return (
        `${managed.length} resources${parts.length > 0 ? `: ${parts.join(", ")}` : ""}` +
        ` (+ ${providers} providers, ${components} components${reads > 0 ? `, ${reads} read${reads === 1 ? "" : "s"}` : ""})`
    );
}
