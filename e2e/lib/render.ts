/**
 * The render as the suite consumes it: Kubernetes objects by what they are (kind, namespace,
 * name, labels), the Octavia load balancer by its listeners, pools, members and monitors, the
 * networks by their subnets, and the PEM files. Nothing here imports the program's components.
 */
import * as ipaddr from "ipaddr.js";
import { renderInProcess } from "../../scripts/render/inProcess";
import { seedFolder, userClusterFolder } from "../../scripts/render/providers";
import { RecordedResource } from "../../test/harness/recorder";
import { projectName, StackConfig } from "../../test/harness/stackConfig";

export interface K8sObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: {
        readonly name: string;
        readonly namespace?: string;
        readonly labels?: Record<string, string>;
        readonly annotations?: Record<string, string>;
    };
    readonly [key: string]: unknown;
}

export interface Monitor {
    readonly type: string;
    readonly delay: number;
    readonly timeout: number;
    readonly maxRetries: number;
    readonly maxRetriesDown: number;
    readonly urlPath?: string;
    readonly httpMethod?: string;
    readonly expectedCodes?: string;
}

export interface Listener {
    readonly name: string;
    readonly protocol: string;
    readonly port: number;
    /** Who may connect; undefined = everyone. */
    readonly allowedCidrs?: readonly string[];
    readonly timeoutClientDataMs?: number;
    readonly timeoutMemberDataMs?: number;
    readonly timeoutMemberConnectMs?: number;
    readonly pool: {
        readonly name: string;
        readonly lbMethod: string;
        readonly persistence?: unknown;
        readonly members: readonly { address: string; port: number }[];
        readonly monitor?: Monitor;
    };
}

export interface LoadBalancer {
    readonly provider: string;
    /** The VIP on the seed's subnet. */
    readonly vipAddress: string;
    readonly vipSubnetId: string;
    readonly floatingIp: string;
    readonly listeners: readonly Listener[];
}

export interface Subnet {
    readonly name: string;
    readonly cidr: string;
    readonly gatewayIp: string;
}

export interface PemFile {
    readonly file: string;
    readonly content: string;
}

/** A worker VM as the program creates it: its name (the Node's) and the cloud-init it boots with. */
export interface Vm {
    readonly name: string;
    readonly userData: string;
}

export interface Rendered {
    readonly stack: string;
    readonly clusterName: string;
    /** The config changes over the stack file this render was made with. */
    readonly changes: Readonly<Record<string, unknown>>;
    readonly seed: readonly K8sObject[];
    readonly userCluster: readonly K8sObject[];
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly loadBalancer: LoadBalancer;
    /** The seed's subnet (the LB's VIP subnet, where the seed nodes are). */
    readonly seedSubnet: Subnet;
    /** The workers' subnet: behind the router with the worker router address. */
    readonly workerSubnet: Subnet;
    readonly pki: readonly PemFile[];
    /** The worker pools' VMs, in the order the program registers them. */
    readonly vms: readonly Vm[];
}

type Inputs = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type && r.custom);
}

function field(r: RecordedResource, key: string): unknown {
    return r.outputs[key] ?? r.inputs[key];
}

function loadBalancerOf(resources: readonly RecordedResource[]): LoadBalancer {
    const lbs = ofType(resources, "openstack:loadbalancer/loadBalancer:LoadBalancer");
    if (lbs.length !== 1) throw new Error(`render: expected one Octavia load balancer, found ${lbs.length}`);
    const lb = lbs[0];
    const vipPort = str(field(lb, "vipPortId"));
    const fip = ofType(resources, "openstack:networking/floatingIp:FloatingIp").find(
        (f) => field(f, "portId") === vipPort,
    );
    const listeners = ofType(resources, "openstack:loadbalancer/listener:Listener")
        .filter((l) => field(l, "loadbalancerId") === lb.id)
        .map((l): Listener => {
            const pool = ofType(resources, "openstack:loadbalancer/pool:Pool").find(
                (p) => field(p, "listenerId") === l.id,
            );
            if (!pool) throw new Error(`render: listener ${l.name} has no pool`);
            const members = ofType(resources, "openstack:loadbalancer/member:Member")
                .filter((m) => field(m, "poolId") === pool.id)
                .map((m) => ({ address: String(field(m, "address")), port: Number(field(m, "protocolPort")) }));
            const mon = ofType(resources, "openstack:loadbalancer/monitor:Monitor").find(
                (m) => field(m, "poolId") === pool.id,
            );
            const i = l.inputs as Inputs;
            return {
                name: l.name,
                protocol: String(i.protocol),
                port: Number(i.protocolPort),
                allowedCidrs: Array.isArray(i.allowedCidrs) ? i.allowedCidrs.map(String) : undefined,
                timeoutClientDataMs: num(i.timeoutClientData),
                timeoutMemberDataMs: num(i.timeoutMemberData),
                timeoutMemberConnectMs: num(i.timeoutMemberConnect),
                pool: {
                    name: pool.name,
                    lbMethod: String(field(pool, "lbMethod")),
                    persistence: field(pool, "persistence"),
                    members,
                    monitor: mon && {
                        type: String(field(mon, "type")),
                        delay: Number(field(mon, "delay")),
                        timeout: Number(field(mon, "timeout")),
                        maxRetries: Number(field(mon, "maxRetries")),
                        maxRetriesDown: Number(field(mon, "maxRetriesDown") ?? 3),
                        urlPath: str(field(mon, "urlPath")),
                        httpMethod: str(field(mon, "httpMethod")),
                        expectedCodes: str(field(mon, "expectedCodes")),
                    },
                },
            };
        });
    return {
        provider: String(field(lb, "loadbalancerProvider") ?? "amphora"),
        vipAddress: String(field(lb, "vipAddress")),
        vipSubnetId: String(field(lb, "vipSubnetId")),
        floatingIp: String(fip ? field(fip, "address") : ""),
        listeners,
    };
}

function subnets(resources: readonly RecordedResource[]): Map<string, Subnet & { id: string }> {
    return new Map(
        ofType(resources, "openstack:networking/subnet:Subnet").map((s) => [
            s.id,
            { id: s.id, name: s.name, cidr: String(field(s, "cidr")), gatewayIp: String(field(s, "gatewayIp")) },
        ]),
    );
}

/**
 * A tenant's subnet: the recorded one, or for an adopted network (nothing recorded) the CIDR that
 * says where it is: the tenant's config, or the platform stack it is read from (a StackReference's
 * `<tenantKey>.network`), with the first host as gateway (OpenStack's default).
 */
function tenantSubnet(
    found: Subnet | undefined,
    config: StackConfig,
    resources: readonly RecordedResource[],
    tenantKey: string,
): Subnet {
    if (found) return found;
    const text = config.values[`${projectName}:${tenantKey}`];
    const fromConfig = text ? (JSON.parse(text) as { network?: { cidr?: string } }).network?.cidr : undefined;
    const fromPlatform = resources
        .filter((r) => r.type === "pulumi:pulumi:StackReference")
        .map((r) => (r.outputs.outputs as Record<string, { network?: { cidr?: string } }> | undefined)?.[tenantKey])
        .find((t) => t?.network?.cidr)?.network?.cidr;
    const cidr = fromConfig ?? fromPlatform;
    if (!cidr)
        throw new Error(`render: no subnet for ${tenantKey} (not recorded, not in its config or platform stack)`);
    const gateway = ipaddr.IPv4.networkAddressFromCIDR(cidr).toByteArray();
    gateway[3] += 1;
    return { name: `${tenantKey} (adopted)`, cidr, gatewayIp: gateway.join(".") };
}

/** The subnet behind the router whose external address is `routerAddress`, if recorded. */
function subnetBehindRouter(resources: readonly RecordedResource[], all: Map<string, Subnet>, routerAddress: string) {
    const router = ofType(resources, "openstack:networking/router:Router").find((r) => {
        const ips = field(r, "externalFixedIps");
        return Array.isArray(ips) && ips.some((x) => (x as Inputs).ipAddress === routerAddress);
    });
    const iface = router
        ? ofType(resources, "openstack:networking/routerInterface:RouterInterface").find(
              (i) => field(i, "routerId") === router.id,
          )
        : undefined;
    return iface ? all.get(String(field(iface, "subnetId"))) : undefined;
}

/** The config the suite runs: the dev stack with a one-minute LB idle timeout (test 6 stays short). */
export const suiteChanges = { lbIdleTimeoutSeconds: 60 };

/** Renders the stack (Pulumi.<stack>.yaml with `changes`) in this process, with real secrets. */
export async function render(changes: Record<string, unknown> = {}, stack = "dev"): Promise<Rendered> {
    const r = await renderInProcess({ stack, changes, showSecrets: true });
    const objects = (target: string) =>
        r.rendering.manifests.filter((m) => m.target === target).map((m) => m.object as unknown as K8sObject);
    const all = subnets(r.resources);
    const loadBalancer = loadBalancerOf(r.resources);
    return {
        stack,
        clusterName: r.clusterName,
        changes,
        seed: objects(seedFolder),
        userCluster: objects(userClusterFolder),
        outputs: r.outputs,
        loadBalancer,
        seedSubnet: tenantSubnet(all.get(loadBalancer.vipSubnetId), r.config, r.resources, "controlPlaneTenant"),
        workerSubnet: tenantSubnet(
            subnetBehindRouter(r.resources, all, String(r.outputs.workerRouterAddress)),
            r.config,
            r.resources,
            "workerTenant",
        ),
        pki: r.rendering.pki.map((p) => ({ file: p.file, content: p.content })),
        vms: ofType(r.resources, "openstack:compute/instance:Instance").map((i) => ({
            name: String(field(i, "name")),
            userData: String(field(i, "userData") ?? ""),
        })),
    };
}

/** The one object of a kind whose labels include `labels` (and namespace, if given). */
export function findObject(
    objects: readonly K8sObject[],
    kind: string,
    labels: Record<string, string>,
    namespace?: string,
): K8sObject {
    const found = objects.filter(
        (o) =>
            o.kind === kind &&
            (namespace === undefined || o.metadata.namespace === namespace) &&
            Object.entries(labels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    if (found.length !== 1) {
        throw new Error(`render: expected one ${kind} labelled ${JSON.stringify(labels)}, found ${found.length}`);
    }
    return found[0];
}

export function byName(objects: readonly K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
    const found = objects.find(
        (o) =>
            o.kind === kind &&
            o.metadata.name === name &&
            (namespace === undefined || o.metadata.namespace === namespace),
    );
    if (!found) throw new Error(`render: no ${kind} ${namespace ? `${namespace}/` : ""}${name}`);
    return found;
}

/** A stack output as a string, or an error naming it. */
export function output(r: Rendered, key: string): string {
    const v = r.outputs[key];
    if (typeof v !== "string" || v === "") throw new Error(`render: stack output ${key} is missing`);
    return v;
}
