import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { PlatformOutputs, secretCredentials } from "../config";
import { Tenant } from "../tenant";
import { PlatformSettings } from "./settings";

export interface PlatformArgs {
    /** Validated settings: `loadPlatformSettings()` or `parsePlatformSettings({...})`. */
    settings: PlatformSettings;
}

/**
 * One seed's platform: the control-plane tenant (project, the seed's network, subnet, router;
 * created or adopted) and the seed nodes' security group (created, for the seed installer to
 * attach to the nodes, or adopted), and where the seed's nodes are. Its `outputs` are what every
 * cluster on the seed adopts (a stack exports them; see `PlatformOutputs`).
 */
export class Platform extends pulumi.ComponentResource {
    public readonly controlPlaneTenant: Tenant;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly securityGroupProjectId: pulumi.Output<string>;
    /**
     * What the clusters on this seed adopt: a stack exports its two parts as the outputs
     * `controlPlaneTenant` and `seed`; a program hands it to `onPlatform` directly.
     */
    public readonly outputs: PlatformOutputs;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        const { controlPlaneTenant, seed, externalNetwork, dnsNameservers } = args.settings;
        const settings = {
            ...args.settings,
            controlPlaneTenant: {
                ...controlPlaneTenant,
                credentials: secretCredentials(controlPlaneTenant.credentials),
            },
        };
        super("gks:index:Platform", name, { settings }, opts);

        this.controlPlaneTenant = new Tenant(
            `${name}-control-plane`,
            { ...settings.controlPlaneTenant, externalNetwork, dnsNameservers },
            { parent: this },
        );
        const tenant = this.controlPlaneTenant;
        if (seed.securityGroup.kind === "create") {
            // The seed installer attaches this group to every seed node (besides the seed's own
            // groups); each cluster adds the rules for its NodePorts to it.
            const group = new openstack.networking.SecGroup(
                `${name}-seed-nodes`,
                {
                    name: `${name}-seed-nodes`,
                    description: "gks seed nodes: NodePorts of the hosted control planes, from their load balancers",
                },
                { parent: tenant, provider: tenant.provider },
            );
            this.securityGroupId = group.id;
            this.securityGroupProjectId = tenant.projectId;
        } else {
            this.securityGroupId = pulumi.output(seed.securityGroup.id);
            this.securityGroupProjectId = pulumi.output(seed.securityGroup.projectId ?? tenant.projectId);
        }

        this.outputs = {
            controlPlaneTenant: {
                projectId: tenant.projectId,
                network: {
                    cidr: controlPlaneTenant.network.cidr,
                    networkId: tenant.networkId,
                    subnetId: tenant.subnetId,
                    routerId: tenant.routerId,
                },
            },
            seed: {
                nodeAddresses: [...seed.nodeAddresses],
                securityGroupId: this.securityGroupId,
                securityGroupProjectId: this.securityGroupProjectId,
            },
        };
        this.registerOutputs({ ...this.outputs });
    }
}
