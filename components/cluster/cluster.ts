import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
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

        this.registerOutputs({});
    }
}
