import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { NodeTraffic, workerSecurityRules } from "./workerSecurityRules";

export interface WorkerSecurityGroupArgs {
    /** Sources allowed to SSH into the workers; empty (the default) admits none. */
    sshAllowedCidrs?: readonly string[];
    /** Ports the CNI needs between nodes (none by default). */
    cniTraffic?: readonly NodeTraffic[];
}

/**
 * The security group for worker VMs in the worker tenant. Create it with the worker tenant's
 * provider (e.g. `{ parent: workerTenant, provider: workerTenant.provider }`).
 */
export class WorkerSecurityGroup extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: WorkerSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gks:index:WorkerSecurityGroup", name, args, opts);
        const { sshAllowedCidrs = [], cniTraffic = [] } = args;

        const group = new openstack.networking.SecGroup(
            name,
            {
                name,
                description:
                    "gks workers: kubelet, NodePorts, ICMP and the CNI between nodes, SSH allowlist; agents dial out",
                deleteDefaultRules: true,
            },
            { parent: this },
        );
        for (const rule of workerSecurityRules({ sshAllowedCidrs, cniTraffic })) {
            new openstack.networking.SecGroupRule(
                `${name}-${rule.key}`,
                {
                    securityGroupId: group.id,
                    description: rule.description,
                    direction: rule.direction,
                    ethertype: rule.ethertype,
                    protocol: rule.protocol,
                    portRangeMin: rule.portRangeMin,
                    portRangeMax: rule.portRangeMax,
                    remoteIpPrefix: rule.remoteIpPrefix,
                    remoteGroupId: rule.remoteGroup === "self" ? group.id : undefined,
                },
                { parent: this },
            );
        }
        this.securityGroupId = group.id;
        this.registerOutputs({ securityGroupId: this.securityGroupId });
    }
}
