import * as pulumi from "@pulumi/pulumi";

/**
 * A cluster's configuration as a plain object: the keys of the stack configuration (README,
 * "Configuration reference"), with typed values instead of text. `parseSettings` validates it
 * exactly as `loadSettings` validates a stack's config. Ids that another resource or stack
 * provides may be `pulumi.Input`s; they are checked once known.
 */
export interface ClusterConfig {
    readonly clusterName: string;
    readonly kubernetesVersion?: string;
    readonly tunnelMode?: string;
    readonly externalNetwork?: string;
    readonly apiserverReplicas?: number;
    readonly etcdReplicas?: number;
    readonly etcdStorageSize?: string;
    readonly etcdStorageClass?: string;
    /** auto (default), required or preferred. */
    readonly etcdAntiAffinity?: string;
    /** Names of the keys that encrypt Secrets at rest, the encrypting one first. */
    readonly encryptionKeys?: readonly string[];
    readonly controlPlanePriorityClass?: string;
    readonly agentReplicas?: number;
    readonly agentMode?: string;
    /** leases (default) or static. */
    readonly tunnelServerCounting?: string;
    readonly tunnelPort?: number;
    readonly tunnelKeepaliveSeconds?: number;
    readonly lbProvider?: string;
    readonly lbIdleTimeoutSeconds?: number;
    readonly apiserverNodePort?: number;
    readonly tunnelNodePort?: number;
    readonly openvpnNodePort?: number;
    readonly podCidr?: string;
    readonly serviceCidr?: string;
    readonly clusterDomain?: string;
    readonly dnsNameservers?: readonly string[];
    readonly apiAllowedCidrs?: readonly string[];
    readonly sshAllowedCidrs?: readonly string[];
    readonly tunnelAllowedCidrs?: readonly string[];
    readonly openvpnCidr?: string;
    readonly caValidityHours?: number;
    readonly certValidityHours?: number;
    readonly certEarlyRenewalHours?: number;
    readonly joinTokenHours?: number;
    readonly workerPools?: readonly WorkerPoolConfig[];
    readonly controlPlaneTenant: TenantConfig;
    readonly workerTenant: TenantConfig;
    readonly seed: SeedConfig;
    /** Secrets: wrapped in `pulumi.secret` by the validation, whatever is passed. */
    readonly seedKubeconfig: pulumi.Input<string>;
    readonly controlPlaneCredentialSecret?: pulumi.Input<string>;
    readonly workerCredentialSecret?: pulumi.Input<string>;
}

export interface TenantConfig {
    readonly project: {
        /** Adopt this project... */
        readonly id?: pulumi.Input<string>;
        /** ...or create one with this name (worker tenants only; the platform stack creates the control-plane one). */
        readonly name?: string;
        readonly domainId?: string;
        readonly description?: string;
        readonly roles?: readonly string[];
    };
    readonly network: {
        /** The subnet's CIDR; for an adopted network, the existing subnet's. */
        readonly cidr: string;
        /** Adopt network, subnet and router (all three), or create them (none). */
        readonly networkId?: pulumi.Input<string>;
        readonly subnetId?: pulumi.Input<string>;
        readonly routerId?: pulumi.Input<string>;
    };
    readonly credentials: {
        readonly cloud?: string;
        readonly authUrl?: string;
        readonly region?: string;
        readonly applicationCredentialId?: string;
        readonly userName?: string;
        readonly userDomainName?: string;
        readonly projectName?: string;
        readonly projectDomainName?: string;
    };
}

export interface WorkerPoolConfig {
    readonly name: string;
    readonly size: number;
    readonly flavor: string;
    readonly image: string;
    readonly bootVolumeSizeGb?: number;
    readonly keyPair?: string;
    /** A minor not newer than the cluster's; absent: the cluster's. */
    readonly kubernetesVersion?: string;
}

export interface SeedConfig {
    /** The seed nodes' IPv4 addresses on the control-plane network; they name the pool members, so they are plain. */
    readonly nodeAddresses: readonly string[];
    readonly securityGroupId: pulumi.Input<string>;
    /** The project that owns the seed nodes' security group; absent: the control-plane tenant's project. */
    readonly securityGroupProjectId?: pulumi.Input<string>;
}
