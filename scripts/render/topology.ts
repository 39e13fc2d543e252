import { cidrContains } from "../../components/config/cidr";
import { at } from "../../test/harness/find";
import { RecordedResource } from "../../test/harness/recorder";
import { kubernetesKind } from "./manifests";
import { openvpnContainers, remoteOf } from "./openvpn";
import { flagValue, podContainers } from "./workloads";
import { clusterLabel, kubernetesTarget, providerRef, seedFolder, userClusterFolder } from "./providers";

/**
 * The topology picture, built only from the recorded resources: tenants with their subnets and
 * routers, the load balancer with its floating IP, listeners and pools, the Kubernetes clusters
 * with their namespaces, workloads and Services, and the tunnels the agents open to a listener.
 * `topologyOf` finds what is there and how it connects; `topologyDot` writes it for Graphviz.
 */
export type NodeKind =
    | "network"
    | "router"
    | "securityGroup"
    | "loadBalancer"
    | "listener"
    | "pool"
    | "address"
    | "workload"
    | "service"
    | "endpoint";

export interface TopologyGroup {
    readonly id: string;
    readonly label: string;
    readonly parent?: string;
}
export interface TopologyNode {
    readonly id: string;
    readonly kind: NodeKind;
    readonly label: string;
    readonly group?: string;
}
export interface TopologyEdge {
    readonly from: string;
    readonly to: string;
    readonly label?: string;
    readonly style: "flow" | "link" | "tunnel" | "allowed";
}
export interface Topology {
    readonly groups: TopologyGroup[];
    readonly nodes: TopologyNode[];
    readonly edges: TopologyEdge[];
}

type Obj = Record<string, unknown>;
const T = {
    tenant: "gks:index:Tenant",
    subnet: "openstack:networking/subnet:Subnet",
    router: "openstack:networking/router:Router",
    routerInterface: "openstack:networking/routerInterface:RouterInterface",
    secGroup: "openstack:networking/secGroup:SecGroup",
    loadBalancer: "openstack:loadbalancer/loadBalancer:LoadBalancer",
    listener: "openstack:loadbalancer/listener:Listener",
    pool: "openstack:loadbalancer/pool:Pool",
    member: "openstack:loadbalancer/member:Member",
    monitor: "openstack:loadbalancer/monitor:Monitor",
    floatingIp: "openstack:networking/floatingIp:FloatingIp",
};
const workloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const byUrn = (a: RecordedResource, b: RecordedResource) => a.urn.localeCompare(b.urn);

function labelsMatch(selector: unknown, labels: unknown): boolean {
    if (typeof selector !== "object" || selector === null || Object.keys(selector).length === 0) return false;
    return Object.entries(selector as Obj).every(([k, v]) => (labels as Obj | undefined)?.[k] === v);
}

export function topologyOf(resources: readonly RecordedResource[], clusterName: string): Topology {
    const sorted = [...resources].sort(byUrn);
    const all = (type: string) => sorted.filter((r) => r.type === type);
    const byId = (type: string, id: unknown) => all(type).find((r) => r.id === id);
    const urnIndex = new Map(sorted.map((r) => [r.urn, r]));
    const groups: TopologyGroup[] = [];
    const nodes: TopologyNode[] = [];
    const edges: TopologyEdge[] = [];
    const node = (r: RecordedResource, kind: NodeKind, label: string, group?: string) =>
        nodes.push({ id: r.urn, kind, label, group });

    // A resource belongs to the tenant it sits under, or whose provider (a tenant's child) made it.
    const tenantAbove = (urn: string | undefined): RecordedResource | undefined => {
        for (let r = urn ? urnIndex.get(urn) : undefined; r; r = urnIndex.get(r.parent)) {
            if (r.type === T.tenant) return r;
        }
        return undefined;
    };
    const tenantOf = (r: RecordedResource) => tenantAbove(r.urn) ?? tenantAbove(r.provider);
    const tenantGroup = (r: RecordedResource) => {
        const tenant = tenantOf(r);
        return tenant ? `tenant:${tenant.urn}` : undefined;
    };
    for (const tenant of all(T.tenant)) {
        const project = str(at(tenant.inputs, "project.name")) ?? str(at(tenant.inputs, "project.id"));
        groups.push({
            id: `tenant:${tenant.urn}`,
            label: `tenant ${tenant.name}${project ? `\nproject ${project}` : ""}`,
        });
    }

    // Networks.
    for (const subnet of all(T.subnet)) {
        node(subnet, "network", `subnet ${String(subnet.inputs.cidr)}\n${subnet.name}`, tenantGroup(subnet));
    }
    for (const router of all(T.router)) {
        const snat = str(at(router.outputs, "externalFixedIps[0].ipAddress"));
        node(router, "router", `router ${router.name}${snat ? `\nSNAT ${snat}` : ""}`, tenantGroup(router));
    }
    for (const link of all(T.routerInterface)) {
        const router = byId(T.router, link.inputs.routerId);
        const subnet = byId(T.subnet, link.inputs.subnetId);
        if (router && subnet) edges.push({ from: router.urn, to: subnet.urn, style: "link" });
    }
    for (const group of all(T.secGroup)) {
        node(group, "securityGroup", `security group\n${String(group.inputs.name ?? group.name)}`, tenantGroup(group));
    }

    // The API endpoint: floating IP -> load balancer -> listeners -> pools.
    for (const lb of all(T.loadBalancer)) {
        const vip = str(lb.outputs.vipAddress) ?? str(lb.inputs.vipAddress);
        node(lb, "loadBalancer", `load balancer ${lb.name}${vip ? `\nVIP ${vip}` : ""}`, tenantGroup(lb));
        const subnet = byId(T.subnet, lb.inputs.vipSubnetId);
        if (subnet) edges.push({ from: lb.urn, to: subnet.urn, style: "link" });
    }
    for (const fip of all(T.floatingIp)) {
        const address = str(fip.outputs.address) ?? str(fip.inputs.address);
        node(fip, "address", `floating IP\n${address ?? fip.name}`, tenantGroup(fip));
        const lb = all(T.loadBalancer).find((l) => str(l.outputs.vipPortId) === str(fip.inputs.portId));
        if (lb) edges.push({ from: fip.urn, to: lb.urn, style: "flow" });
    }
    const listeners = all(T.listener);
    for (const listener of listeners) {
        const allowed = arr(listener.inputs.allowedCidrs).map(String);
        const label = `listener ${String(listener.inputs.protocol)} :${String(listener.inputs.protocolPort)}${
            allowed.length > 0 ? `\nallowed ${allowed.join(", ")}` : ""
        }`;
        node(listener, "listener", label, tenantGroup(listener));
        const lb = byId(T.loadBalancer, listener.inputs.loadbalancerId);
        if (lb) edges.push({ from: lb.urn, to: listener.urn, style: "flow" });
    }
    const pools = all(T.pool);
    const membersOf = (pool: RecordedResource) => all(T.member).filter((m) => m.inputs.poolId === pool.id);
    for (const pool of pools) {
        const members = membersOf(pool).map((m) => `${String(m.inputs.address)}:${String(m.inputs.protocolPort)}`);
        const monitor = all(T.monitor).find((m) => m.inputs.poolId === pool.id);
        const label = [
            `pool ${String(pool.inputs.lbMethod ?? pool.name)}`,
            ...(members.length > 0 ? [`members ${members.join(", ")}`] : []),
            ...(monitor ? [`monitor ${String(monitor.inputs.type)}`] : []),
        ].join("\n");
        node(pool, "pool", label, tenantGroup(pool));
        const listener = byId(T.listener, pool.inputs.listenerId);
        if (listener) edges.push({ from: listener.urn, to: pool.urn, style: "flow" });
    }

    // Kubernetes: one group per cluster (by provider), one per namespace.
    const objects = sorted.filter((r) => r.custom && kubernetesKind(r.type) !== undefined);
    const targetOf = (r: RecordedResource) => kubernetesTarget(providerRef(r.provider), clusterName);
    const groupOf = (r: RecordedResource) => {
        const ns = str(at(r.inputs, "metadata.namespace"));
        return ns ? `k8s:${targetOf(r)}:${ns}` : `k8s:${targetOf(r)}`;
    };
    const workloads = objects.filter((r) => workloadKinds.includes(kubernetesKind(r.type)!.kind));
    const services = objects.filter((r) => kubernetesKind(r.type)!.kind === "Service");
    for (const r of [...workloads, ...services]) {
        const target = targetOf(r);
        if (!groups.some((g) => g.id === `k8s:${target}`)) {
            groups.push({ id: `k8s:${target}`, label: clusterLabel(target) });
        }
        const ns = groupOf(r);
        if (!groups.some((g) => g.id === ns)) {
            groups.push({ id: ns, label: `namespace ${ns.split(":").slice(2).join(":")}`, parent: `k8s:${target}` });
        }
    }
    for (const w of workloads) {
        const kind = kubernetesKind(w.type)!.kind;
        const name = str(at(w.inputs, "metadata.name")) ?? w.name;
        const replicas = at(w.inputs, "spec.replicas");
        const count = kind === "DaemonSet" ? " (one per node)" : replicas !== undefined ? ` ×${String(replicas)}` : "";
        const containers = podContainers(w.inputs).map((c) => String(at(c, "name")));
        node(w, "workload", `${kind} ${name}${count}\n${containers.join(" + ")}`, groupOf(w));
    }
    for (const s of services) {
        const ports = arr(at(s.inputs, "spec.ports")).map(
            (p) => `${String(at(p, "port"))}${at(p, "nodePort") !== undefined ? `→${String(at(p, "nodePort"))}` : ""}`,
        );
        const type = str(at(s.inputs, "spec.type")) ?? "ClusterIP";
        node(
            s,
            "service",
            `Service ${str(at(s.inputs, "metadata.name")) ?? s.name}\n${type} ${ports.join(", ")}`,
            groupOf(s),
        );
        for (const w of workloads.filter((w) => targetOf(w) === targetOf(s) && groupOf(w) === groupOf(s))) {
            if (labelsMatch(at(s.inputs, "spec.selector"), at(w.inputs, "spec.template.metadata.labels"))) {
                edges.push({ from: s.urn, to: w.urn, style: "flow" });
            }
        }
        // A pool whose members are NodePorts of this Service.
        const nodePorts = arr(at(s.inputs, "spec.ports"))
            .map((p) => at(p, "nodePort"))
            .filter((p) => p !== undefined)
            .map(String);
        for (const pool of pools) {
            const port = membersOf(pool).find((m) => nodePorts.includes(String(m.inputs.protocolPort)))?.inputs
                .protocolPort;
            if (port !== undefined)
                edges.push({ from: pool.urn, to: s.urn, label: `NodePort ${String(port)}`, style: "flow" });
        }
    }

    // The tunnels: each agent workload dials the listener on its --proxy-server-port (and host).
    const lbAddresses = (listener: RecordedResource): string[] => {
        const lb = byId(T.loadBalancer, listener.inputs.loadbalancerId);
        if (!lb) return [];
        const fips = all(T.floatingIp).filter((f) => str(f.inputs.portId) === str(lb.outputs.vipPortId));
        return [lb.outputs.vipAddress, ...fips.map((f) => f.outputs.address ?? f.inputs.address)].map(String);
    };
    for (const agent of workloads) {
        for (const container of podContainers(agent.inputs)) {
            const port = flagValue(container, "proxy-server-port");
            if (port === undefined) continue;
            const host = flagValue(container, "proxy-server-host");
            const onPort = listeners.filter((l) => String(l.inputs.protocolPort) === port);
            const onHost = onPort.filter((l) => host !== undefined && lbAddresses(l).includes(host));
            const replicas = at(agent.inputs, "spec.replicas");
            // Every agent keeps a tunnel to every server: agents x --server-count.
            const servers = workloads
                .flatMap((w) => podContainers(w.inputs))
                .map((c) => flagValue(c, "server-count"))
                .find((n) => n !== undefined);
            const agents = replicas !== undefined ? String(replicas) : "1 per node";
            const label = `${agents} agents × ${servers ?? "?"} servers = ${replicas !== undefined && servers !== undefined ? Number(replicas) * Number(servers) : "N"} tunnels (dial out, mTLS)`;
            const targets = onHost.length > 0 ? onHost : onPort;
            for (const listener of targets) edges.push({ from: agent.urn, to: listener.urn, label, style: "tunnel" });
            if (targets.length === 0) {
                const id = `endpoint:${host ?? "?"}:${port}`;
                if (!nodes.some((n) => n.id === id))
                    nodes.push({ id, kind: "endpoint", label: `${host ?? "?"}:${port}` });
                edges.push({ from: agent.urn, to: id, label, style: "tunnel" });
            }
        }
    }

    // OpenVPN clients: the one in the user cluster dials a listener at the load balancer's address;
    // the apiserver sidecars dial the server's Service by its in-cluster name.
    for (const c of openvpnContainers(sorted)) {
        const remote = remoteOf(c);
        if (remote === undefined) continue;
        const onListener = listeners.filter(
            (l) => String(l.inputs.protocolPort) === remote.port && lbAddresses(l).includes(remote.host),
        );
        const service = services.find(
            (s) =>
                targetOf(s) === targetOf(c.workload) &&
                remote.host.startsWith(
                    `${String(at(s.inputs, "metadata.name"))}.${String(at(s.inputs, "metadata.namespace"))}.`,
                ),
        );
        const label = onListener.length > 0 ? "OpenVPN: the one tunnel (dials out, TLS)" : "OpenVPN client (TLS)";
        for (const to of onListener.length > 0 ? onListener : service ? [service] : []) {
            edges.push({ from: c.workload.urn, to: to.urn, label, style: "tunnel" });
        }
    }

    // Sources a listener admits by name: a router's SNAT address as a /32.
    for (const router of all(T.router)) {
        const snat = str(at(router.outputs, "externalFixedIps[0].ipAddress"));
        for (const listener of listeners.filter((l) => snat && arr(l.inputs.allowedCidrs).includes(`${snat}/32`))) {
            edges.push({ from: router.urn, to: listener.urn, label: "allowed source (SNAT)", style: "allowed" });
        }
    }

    // Place each cluster in the tenant it lives in: the seed where the pool members (its nodes)
    // are, the user cluster behind the router whose SNAT address the agents' listener admits.
    const memberAddresses = all(T.member).map((m) => String(m.inputs.address));
    const seedSubnet = all(T.subnet).find((s) => memberAddresses.some((a) => cidrContains(String(s.inputs.cidr), a)));
    const dialed = new Set(edges.filter((e) => e.style === "tunnel").map((e) => e.to));
    const agentRouter = edges.find((e) => e.style === "allowed" && dialed.has(e.to))?.from;
    const homes: Record<string, RecordedResource | undefined> = {
        [`k8s:${seedFolder}`]: seedSubnet,
        [`k8s:${userClusterFolder}`]: agentRouter ? urnIndex.get(agentRouter) : undefined,
    };
    const placed = groups.map((g) => {
        const home = g.parent === undefined ? homes[g.id] : undefined;
        const tenant = home ? tenantOf(home) : undefined;
        return tenant ? { ...g, parent: `tenant:${tenant.urn}` } : g;
    });
    return { groups: placed, nodes, edges };
}

const styles: Record<NodeKind, string> = {
    network: 'shape=box, fillcolor="#dbeafe"',
    router: 'shape=box, fillcolor="#bfdbfe"',
    securityGroup: 'shape=note, fillcolor="#f1f5f9"',
    loadBalancer: 'shape=box, fillcolor="#fed7aa"',
    listener: 'shape=box, fillcolor="#ffedd5"',
    pool: 'shape=box, fillcolor="#fff7ed"',
    address: 'shape=ellipse, fillcolor="#fde68a"',
    workload: 'shape=box3d, fillcolor="#dcfce7"',
    service: 'shape=box, fillcolor="#f0fdf4"',
    endpoint: 'shape=ellipse, fillcolor="#fee2e2"',
};
const edgeStyles: Record<TopologyEdge["style"], string> = {
    flow: "",
    link: "dir=none, style=dotted",
    tunnel: 'color="#b91c1c", fontcolor="#b91c1c", penwidth=2',
    allowed: 'style=dashed, color="#64748b", fontcolor="#64748b"',
};

/** A DOT string literal. */
export function dotString(text: string): string {
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The topology as Graphviz DOT: groups as nested clusters, nodes in their groups, edges last. */
export function topologyDot(topology: Topology, title: string): string {
    const ids = new Map<string, string>();
    topology.nodes.forEach((n, i) => ids.set(n.id, `n${i + 1}`));
    const groupIds = new Map(topology.groups.map((g, i) => [g.id, `cluster_${i + 1}`]));
    const lines = [
        "digraph topology {",
        `    graph [label=${dotString(title)}, labelloc=t, rankdir=LR, compound=true, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.7];`,
        '    node [style="rounded,filled", fontname="Helvetica", fontsize=10, margin="0.2,0.08"];',
        '    edge [fontname="Helvetica", fontsize=9];',
    ];
    const emitGroup = (parent: string | undefined, indent: string) => {
        for (const n of topology.nodes.filter(
            (x) => x.group === parent || (parent === undefined && !groupIds.has(x.group ?? "")),
        )) {
            lines.push(`${indent}${ids.get(n.id)} [label=${dotString(n.label)}, ${styles[n.kind]}];`);
        }
        for (const g of topology.groups.filter((x) => x.parent === parent)) {
            lines.push(`${indent}subgraph ${groupIds.get(g.id)} {`);
            lines.push(`${indent}    label=${dotString(g.label)}; labelloc=b; style="rounded"; color="#94a3b8";`);
            emitGroup(g.id, `${indent}    `);
            lines.push(`${indent}}`);
        }
    };
    emitGroup(undefined, "    ");
    for (const e of topology.edges) {
        const attrs = [e.label !== undefined ? `label=${dotString(e.label)}` : "", edgeStyles[e.style]].filter(Boolean);
        lines.push(`    ${ids.get(e.from)} -> ${ids.get(e.to)}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
    }
    lines.push("}");
    return `${lines.join("\n")}\n`;
}
