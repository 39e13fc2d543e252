import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { ApiEndpoint } from "../endpoint";
import { Tenant, WorkerSecurityGroup } from "../tenant";

export interface ClusterArgs {
    /** Validated settings, from `loadSettings()` (stack config) or built by a platform stack. */
    settings: Settings;
}

/**
 * One managed cluster: the two tenants, the public API endpoint, the PKI, the control plane in
 * the seed and the tunnel into the user cluster. The one component a platform stack imports.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly controlPlaneTenant: Tenant;
    public readonly workerTenant: Tenant;
    public readonly workerSecurityGroup: WorkerSecurityGroup;
    public readonly apiEndpoint: ApiEndpoint;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gks:index:Cluster", name, args, opts);
        const { settings } = args;
        const { tenants, externalNetwork, networking } = settings;

        this.controlPlaneTenant = new Tenant(
            `${name}-control-plane`,
            { ...tenants.controlPlane, externalNetwork, dnsNameservers: networking.dnsNameservers },
            { parent: this },
        );
        this.workerTenant = new Tenant(
            `${name}-workers`,
            { ...tenants.worker, externalNetwork, dnsNameservers: networking.dnsNameservers },
            { parent: this },
        );
        this.workerSecurityGroup = new WorkerSecurityGroup(
            `${name}-workers`,
            { sshAllowedCidrs: settings.access.sshAllowedCidrs },
            { parent: this.workerTenant, provider: this.workerTenant.provider },
        );

        this.apiEndpoint = new ApiEndpoint(
            `${name}-api`,
            {
                tunnels: [settings.tunnel.mode],
                tunnelPort: settings.tunnel.port,
                nodePorts: settings.seed.nodePorts,
                provider: settings.loadBalancer.provider,
                idleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
                keepaliveSeconds: settings.tunnel.keepaliveSeconds,
                apiAllowedCidrs: settings.loadBalancer.apiAllowedCidrs,
                tunnelAllowedCidrs: settings.tunnel.extraAllowedCidrs,
                seedNodeAddresses: settings.seed.nodeAddresses,
                subnetId: this.controlPlaneTenant.subnetId,
                subnetCidr: tenants.controlPlane.network.cidr,
                externalNetwork,
                workerRouterAddress: this.workerTenant.routerExternalAddress,
                seedSecurityGroupId: settings.seed.securityGroupId,
            },
            { parent: this, provider: this.controlPlaneTenant.provider },
        );

        this.registerOutputs({});
    }
}
