import * as k8s from "@pulumi/kubernetes";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { defaults, WorkerPoolSettings } from "../config";
import { bootstrapTokenSecret } from "./bootstrapToken";
import { userData } from "./cloudInit";
import { joinCommand } from "./joinCommand";
import { randomToken } from "./joinToken";
import { nodeGeneration, nodeNames } from "./poolPlan";

export interface WorkerPoolArgs {
    clusterName: string;
    pool: WorkerPoolSettings;
    publicAddress: pulumi.Input<string>;
    caCertPem: pulumi.Input<string>;
    networkId: pulumi.Input<string>;
    subnetId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    /** How long a node's own join token is valid after the node is created (default 24 h). */
    joinTokenHours?: number;
    /** The user cluster's provider, where the nodes' token Secrets go. */
    userCluster: k8s.Provider;
    /** What must exist before a VM boots and joins (the join objects). */
    joinReady?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A pool of worker VMs in the worker tenant (give it the tenant's provider through
 * `opts.provider`): a server group with soft anti-affinity (spread over hypervisors when the cloud
 * can), and per node a port on the worker network with the worker security group, a VM booting from
 * a volume of the pool's image, and the VM's own join token. Each pool is separate: resizing one
 * or changing its image touches no other.
 *
 * Replacing a node (new image, volume size, key pair, Kubernetes version or cluster CA) deletes
 * the VM first (its port stays), after a graceful stop in which the kubelet ends its pods; then the
 * new VM boots, joins under the same name and address, and the existing Node object is taken over.
 * Pods are not drained before that, and all nodes of a pool are replaced together; to roll without
 * downtime, add a pool with the new settings, drain the old one and remove it.
 */
export class WorkerPool extends pulumi.ComponentResource {
    /** The nodes' names, which are also their Kubernetes Node names. */
    public readonly nodeNames: string[];
    /** The nodes' addresses on the worker network. */
    public readonly addresses: pulumi.Output<string[]>;

    constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        // The providers and resources it is handed are options, not state.
        const { clusterName, pool, publicAddress, caCertPem, networkId, subnetId, securityGroupId } = args;
        const joinTokenHours = args.joinTokenHours ?? defaults.joinTokenHours;
        super(
            "gks:index:WorkerPool",
            name,
            { clusterName, pool, publicAddress, caCertPem, networkId, subnetId, securityGroupId, joinTokenHours },
            opts,
        );
        const { userCluster } = args;
        const child = { parent: this };
        const inCluster = { parent: this, provider: userCluster };

        const image = openstack.images.getImageOutput({ name: pool.image, mostRecent: true }, child);
        const group = new openstack.compute.ServerGroup(name, { name, policies: ["soft-anti-affinity"] }, child);

        this.nodeNames = nodeNames(clusterName, pool.name, pool.size);
        const addresses = this.nodeNames.map((nodeName) => {
            const port = new openstack.networking.Port(
                nodeName,
                {
                    name: nodeName,
                    networkId,
                    adminStateUp: true,
                    fixedIps: [{ subnetId }],
                    securityGroupIds: [securityGroupId],
                    tags: ["gks", clusterName],
                },
                child,
            );
            const generation = pulumi
                .all([image.id, group.id, publicAddress, caCertPem])
                .apply(([imageId, serverGroupId, address, ca]) =>
                    nodeGeneration({
                        imageId,
                        bootVolumeSizeGb: pool.bootVolumeSizeGb,
                        keyPair: pool.keyPair,
                        serverGroupId,
                        kubernetesVersion: pool.versions.kubernetes,
                        publicAddress: address,
                        caCertPem: ca,
                    }),
                );
            const expiry = new time.Offset(
                `${nodeName}-token`,
                { offsetHours: joinTokenHours, triggers: { generation } },
                child,
            );
            const token = randomToken(`${nodeName}-token`, { generation }, child);
            const tokenSecret = new k8s.core.v1.Secret(
                `${nodeName}-token`,
                bootstrapTokenSecret(token, expiry.rfc3339, `gks ${clusterName}: join token of node ${nodeName}`),
                inCluster,
            );
            const nodeUserData = pulumi.secret(
                pulumi.all([publicAddress, token, caCertPem]).apply(([address, t, ca]) =>
                    userData({
                        kubernetesVersion: pool.versions.kubernetes,
                        joinCommand: joinCommand({ publicAddress: address, token: t, caCertPem: ca }),
                    }),
                ),
            );
            new openstack.compute.Instance(
                nodeName,
                {
                    name: nodeName,
                    flavorName: pool.flavor,
                    keyPair: pool.keyPair,
                    blockDevices: [
                        {
                            uuid: image.id,
                            sourceType: "image",
                            destinationType: "volume",
                            volumeSize: pool.bootVolumeSizeGb,
                            bootIndex: 0,
                            deleteOnTermination: true,
                        },
                    ],
                    networks: [{ port: port.id }],
                    schedulerHints: [{ group: group.id }],
                    userData: nodeUserData,
                    // A graceful stop first: the kubelet's graceful node shutdown ends the pods.
                    stopBeforeDestroy: true,
                    metadata: { "gks-cluster": clusterName, "gks-pool": pool.name },
                    tags: ["gks", clusterName, pool.name],
                },
                // The port can hold one VM only: the old one goes before its replacement comes.
                { parent: this, deleteBeforeReplace: true, dependsOn: [tokenSecret, ...(args.joinReady ?? [])] },
            );
            return port.allFixedIps.apply((ips) => ips[0]);
        });
        this.addresses = pulumi.all(addresses);
        this.registerOutputs({ nodeNames: this.nodeNames, addresses: this.addresses });
    }
}
