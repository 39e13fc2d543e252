import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { Credentials, NetworkSettings, ProjectSettings, secretCredentials } from "../config";
import { providerArgs } from "./providerArgs";

export interface TenantArgs {
    /** Create a project, or adopt one by id. */
    project: ProjectSettings;
    /** Create network, subnet and router, or adopt existing ones by id. */
    network: NetworkSettings;
    /** How the tenant's OpenStack provider signs in. Secrets must be secret Outputs. */
    credentials: Credentials;
    /** Name of the external network for the router's gateway. */
    externalNetwork: string;
    /** Nameservers handed out by the subnet's DHCP. Defaults to none (the cloud's default). */
    dnsNameservers?: readonly string[];
}

/**
 * One OpenStack project with its own provider and its network: subnet and a router with an
 * external gateway. Everything of the tenant is created through that provider, so it lands in
 * the project; other parts pass `tenant.provider` to put their resources there too.
 */
export class Tenant extends pulumi.ComponentResource {
    /** The provider scoped to this tenant's project. */
    public readonly provider: openstack.Provider;
    public readonly projectId: pulumi.Output<string>;
    public readonly networkId: pulumi.Output<string>;
    public readonly subnetId: pulumi.Output<string>;
    public readonly subnetCidr: pulumi.Output<string>;
    public readonly routerId: pulumi.Output<string>;
    /** The router's external (SNAT) address: the source the internet sees for this tenant's VMs. */
    public readonly routerExternalAddress: pulumi.Output<string>;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        const credentials = secretCredentials(args.credentials);
        super("gks:index:Tenant", name, { ...args, credentials }, opts);
        const { project, network, externalNetwork, dnsNameservers = [] } = args;

        if (project.kind === "create") {
            // Only a project-creating tenant needs a provider outside the project.
            const bootstrap = new openstack.Provider(`${name}-bootstrap`, providerArgs(credentials), { parent: this });
            const created = new openstack.identity.Project(
                name,
                { name: project.name, domainId: project.domainId, description: project.description, tags: ["gks"] },
                { parent: this, provider: bootstrap },
            );
            const deployer = openstack.identity.getAuthScopeOutput(
                { name: "current" },
                { parent: this, provider: bootstrap },
            );
            const assignments = project.roles.map((role) => {
                const found = openstack.identity.getRoleOutput({ name: role }, { parent: this, provider: bootstrap });
                return new openstack.identity.RoleAssignment(
                    `${name}-${role}`,
                    { projectId: created.id, userId: deployer.userId, roleId: found.id },
                    { parent: this, provider: bootstrap },
                );
            });
            this.projectId = created.id;
            this.provider = new openstack.Provider(name, providerArgs(credentials, created.id), {
                parent: this,
                dependsOn: assignments,
            });
        } else {
            this.projectId = pulumi.output(project.id);
            this.provider = new openstack.Provider(name, providerArgs(credentials, project.id), { parent: this });
        }
        const inTenant = { parent: this, provider: this.provider };

        if (network.kind === "create") {
            const net = new openstack.networking.Network(name, { name, adminStateUp: true }, inTenant);
            const subnet = new openstack.networking.Subnet(
                name,
                { name, networkId: net.id, cidr: network.cidr, ipVersion: 4, dnsNameservers: [...dnsNameservers] },
                inTenant,
            );
            const external = openstack.networking.getNetworkOutput({ name: externalNetwork, external: true }, inTenant);
            const router = new openstack.networking.Router(name, { name, externalNetworkId: external.id }, inTenant);
            new openstack.networking.RouterInterface(name, { routerId: router.id, subnetId: subnet.id }, inTenant);
            this.networkId = net.id;
            this.subnetId = subnet.id;
            this.subnetCidr = subnet.cidr;
            this.routerId = router.id;
            this.routerExternalAddress = router.externalFixedIps.apply((ips) => firstAddress(ips, name));
        } else {
            const router = openstack.networking.getRouterOutput({ routerId: network.routerId }, inTenant);
            this.networkId = pulumi.output(network.networkId);
            this.subnetId = pulumi.output(network.subnetId);
            this.subnetCidr = pulumi.output(network.cidr);
            this.routerId = pulumi.output(network.routerId);
            this.routerExternalAddress = router.externalFixedIps.apply((ips) => firstAddress(ips, name));
        }

        this.registerOutputs({
            projectId: this.projectId,
            networkId: this.networkId,
            subnetId: this.subnetId,
            subnetCidr: this.subnetCidr,
            routerId: this.routerId,
            routerExternalAddress: this.routerExternalAddress,
        });
    }
}

function firstAddress(ips: readonly { ipAddress?: string }[] | undefined, tenant: string): string {
    const address = ips?.find((ip) => ip.ipAddress !== undefined && !ip.ipAddress.includes(":"))?.ipAddress;
    if (address === undefined) {
        throw new Error(
            `Tenant ${tenant}: the router has no external IPv4 address; give it a gateway on the external network`,
        );
    }
    return address;
}
