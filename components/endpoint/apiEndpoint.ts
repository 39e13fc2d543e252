import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { apiserverPort } from "../config";
import { cidrContains } from "../config/cidr";
import { endpointPlan, EndpointPlanArgs, ListenerKey, seedNodePortRules } from "./endpointPlan";

export interface ApiEndpointArgs extends EndpointPlanArgs {
    /** The seed subnet in the control-plane tenant: the VIP's subnet and the members'. */
    subnetId: pulumi.Input<string>;
    /** That subnet's CIDR; the seed nodes admit the NodePorts from it. */
    subnetCidr: string;
    /** The external network's name: the floating IP's pool. */
    externalNetwork: string;
    /** The worker router's external (SNAT) address: the only source the tunnel listener must admit. */
    workerRouterAddress: pulumi.Input<string>;
    /** The seed nodes' security group, which gets the rules for this cluster's NodePorts. */
    seedSecurityGroupId: pulumi.Input<string>;
    /**
     * The provider the seed group's rules go through, when the group belongs to another project
     * than the endpoint's (Neutron lets only that project's members, or an admin, change it).
     * Default: the endpoint's own provider.
     */
    seedSecurityGroupProvider?: openstack.Provider;
}

/**
 * The cluster's public endpoint in the control-plane tenant: an Octavia load balancer on the
 * seed subnet with a floating IP, one TCP listener per port (API 6443, the tunnel's: whatever the
 * tunnel mode asks for in `listeners`), pools of
 * the seed nodes' NodePorts, health monitors, and the seed security-group rules for those
 * NodePorts. Create it with the control-plane tenant's provider.
 */
export class ApiEndpoint extends pulumi.ComponentResource {
    /** The floating IP: clients' and agents' address for the control plane. */
    public readonly publicAddress: pulumi.Output<string>;
    /** `https://<publicAddress>:6443`. */
    public readonly apiUrl: pulumi.Output<string>;
    /** The host the agents dial (and that the konnectivity serving certificate must name). */
    public readonly tunnelAddress: pulumi.Output<string>;
    public readonly vipAddress: pulumi.Output<string>;
    public readonly loadBalancerId: pulumi.Output<string>;
    /** Listener ids by key ("apiserver", the tunnel's). */
    public readonly listenerIds: pulumi.Output<Record<ListenerKey, string>>;

    constructor(name: string, args: ApiEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        const { seedSecurityGroupProvider, ...stored } = args;
        super("gks:index:ApiEndpoint", name, stored, opts);
        const { subnetId, subnetCidr, externalNetwork, workerRouterAddress, seedSecurityGroupId } = args;
        const plan = endpointPlan(args);
        plan.warnings.forEach((w) => pulumi.log.warn(w, this));

        const lb = new openstack.loadbalancer.LoadBalancer(
            name,
            {
                name,
                description: "gks: public API and tunnel endpoint",
                vipSubnetId: subnetId,
                loadbalancerProvider: args.lbProvider,
            },
            { parent: this },
        );
        const fip = new openstack.networking.FloatingIp(
            name,
            { pool: externalNetwork, portId: lb.vipPortId, description: `gks: public endpoint ${name}` },
            { parent: this },
        );

        const listenerIds: Record<ListenerKey, pulumi.Output<string>> = {};
        for (const l of plan.listeners) {
            const id = `${name}-${l.key}`;
            const allowedCidrs = plan.listenerAllowlists
                ? pulumi
                      .output(workerRouterAddress)
                      .apply((router) => [
                          ...(l.workerRouter && !l.allowedCidrs.some((c) => cidrContains(c, router))
                              ? [`${router}/32`]
                              : []),
                          ...l.allowedCidrs,
                      ])
                : undefined;
            const listener = new openstack.loadbalancer.Listener(
                id,
                {
                    name: id,
                    loadbalancerId: lb.id,
                    protocol: "TCP",
                    protocolPort: l.port,
                    allowedCidrs,
                    timeoutClientData: l.timeoutClientDataMs,
                    timeoutMemberData: l.timeoutMemberDataMs,
                    timeoutMemberConnect: l.timeoutMemberConnectMs,
                },
                { parent: this },
            );
            const pool = new openstack.loadbalancer.Pool(
                id,
                { name: id, listenerId: listener.id, protocol: "TCP", lbMethod: l.lbMethod },
                { parent: this },
            );
            for (const member of l.members) {
                new openstack.loadbalancer.Member(
                    `${id}-${member.address}`,
                    {
                        name: `${id}-${member.address}`,
                        poolId: pool.id,
                        address: member.address,
                        protocolPort: member.port,
                        subnetId,
                    },
                    { parent: this },
                );
            }
            new openstack.loadbalancer.Monitor(id, { name: id, poolId: pool.id, ...l.monitor }, { parent: this });
            listenerIds[l.key] = listener.id;
        }

        for (const rule of seedNodePortRules(plan, subnetCidr)) {
            new openstack.networking.SecGroupRule(
                `${name}-seed-${rule.key}`,
                {
                    securityGroupId: seedSecurityGroupId,
                    description: `gks ${name}: ${rule.description}`,
                    direction: "ingress",
                    ethertype: "IPv4",
                    protocol: "tcp",
                    portRangeMin: rule.port,
                    portRangeMax: rule.port,
                    remoteIpPrefix:
                        "cidr" in rule.remote ? rule.remote.cidr : pulumi.interpolate`${workerRouterAddress}/32`,
                },
                { parent: this, ...(seedSecurityGroupProvider ? { provider: seedSecurityGroupProvider } : {}) },
            );
        }

        this.publicAddress = fip.address;
        this.apiUrl = pulumi.interpolate`https://${fip.address}:${apiserverPort}`;
        this.tunnelAddress = fip.address;
        this.vipAddress = lb.vipAddress;
        this.loadBalancerId = lb.id;
        this.listenerIds = pulumi.output(listenerIds);
        this.registerOutputs({
            publicAddress: this.publicAddress,
            apiUrl: this.apiUrl,
            tunnelAddress: this.tunnelAddress,
            vipAddress: this.vipAddress,
            loadBalancerId: this.loadBalancerId,
            listenerIds: this.listenerIds,
        });
    }
}
