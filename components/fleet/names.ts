import * as pulumi from "@pulumi/pulumi";
import { ProjectSettings, Settings } from "../config";
import { ListenerKey } from "../endpoint";
import { nodeNames } from "../nodes/poolPlan";

/** An OpenStack name a cluster gives a resource, and where that name must be unique. */
export interface OpenStackName {
    /** The project (or, for a project, the domain) the name lives in, as a label. */
    readonly scope: string;
    readonly kind: string;
    readonly name: string;
}

/** Labels for ids that are Outputs: the same Output object is the same project. */
const unresolvedIds = new WeakMap<object, string>();
let unresolvedCount = 0;

function idLabel(id: pulumi.Input<string>): string {
    if (typeof id === "string") return id;
    let label = unresolvedIds.get(id);
    if (label === undefined) unresolvedIds.set(id, (label = `(id #${++unresolvedCount}, known later)`));
    return label;
}

function projectScope(project: ProjectSettings): string {
    return project.kind === "adopt" ? `project ${idLabel(project.id)}` : `project ${project.name} (created)`;
}

/**
 * The OpenStack names a cluster creates, as Cluster and its parts name them (Tenant: network,
 * subnet and router `<cluster>-workers`; WorkerSecurityGroup `<cluster>-workers`; ApiEndpoint:
 * load balancer `<cluster>-api`, listener, pool and monitor `<cluster>-api-<listener>`, members
 * `<cluster>-api-<listener>-<node address>`; WorkerPool: server group `<cluster>-<pool>`, port and
 * server per node, `<cluster>-<pool>-<i>`), and a
 * created project's name in its domain. A test keeps this list equal to what a run registers.
 */
export function openstackNames(settings: Settings, listeners: readonly ListenerKey[]): OpenStackName[] {
    const { clusterName: c, tenants } = settings;
    const worker = projectScope(tenants.worker.project);
    const controlPlane = projectScope(tenants.controlPlane.project);
    const names: OpenStackName[] = [];
    if (tenants.worker.project.kind === "create") {
        names.push({
            scope: `domain ${tenants.worker.project.domainId}`,
            kind: "project",
            name: tenants.worker.project.name,
        });
    }
    if (tenants.worker.network.kind === "create") {
        for (const kind of ["network", "subnet", "router"]) names.push({ scope: worker, kind, name: `${c}-workers` });
    }
    names.push({ scope: worker, kind: "security group", name: `${c}-workers` });
    for (const pool of settings.nodes.pools) {
        names.push({ scope: worker, kind: "server group", name: `${c}-${pool.name}` });
        for (const node of nodeNames(c, pool.name, pool.size)) {
            for (const kind of ["port", "server"]) names.push({ scope: worker, kind, name: node });
        }
    }
    names.push({ scope: controlPlane, kind: "load balancer", name: `${c}-api` });
    for (const key of listeners) {
        for (const kind of ["listener", "pool", "health monitor"]) {
            names.push({ scope: controlPlane, kind, name: `${c}-api-${key}` });
        }
        for (const address of settings.seed.nodeAddresses) {
            names.push({ scope: controlPlane, kind: "pool member", name: `${c}-api-${key}-${address}` });
        }
    }
    return names;
}
