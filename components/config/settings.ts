import * as pulumi from "@pulumi/pulumi";
import type { RunningState } from "./runningState";
import { VersionPins } from "./versions";

/** The tunnel that carries control-plane -> worker traffic. */
export type TunnelMode = "konnectivity" | "openvpn";
/** How konnectivity agents learn the server count: from the servers' leases, or the servers' static count. */
export type ServerCounting = "leases" | "static";
/** How the konnectivity agents run in the user cluster. */
export type AgentMode = "deployment" | "daemonset";
/** How etcd members spread over the seed's nodes: at most one per node, or one per node if possible. */
export type AntiAffinity = "required" | "preferred";
/** The Octavia provider driver; only `amphora` enforces listener allowlists. */
export type LoadBalancerProvider = "amphora" | "ovn";

export type ProjectSettings =
    | {
          readonly kind: "create";
          readonly name: string;
          readonly domainId: string;
          readonly description: string;
          readonly roles: readonly string[];
      }
    | { readonly kind: "adopt"; readonly id: pulumi.Input<string> };

export type NetworkSettings =
    | { readonly kind: "create"; readonly cidr: string }
    | {
          readonly kind: "adopt";
          readonly cidr: string;
          readonly networkId: pulumi.Input<string>;
          readonly subnetId: pulumi.Input<string>;
          readonly routerId: pulumi.Input<string>;
      };

/** How the OpenStack provider of a tenant authenticates. Secrets stay Outputs. */
export type Credentials =
    | {
          readonly kind: "cloud";
          readonly cloud: string;
          readonly region?: string;
          readonly password?: pulumi.Output<string>;
      }
    | {
          readonly kind: "password";
          readonly authUrl: string;
          readonly region?: string;
          readonly userName: string;
          readonly userDomainName: string;
          readonly projectName: string;
          readonly projectDomainName: string;
          readonly password: pulumi.Output<string>;
      }
    | {
          readonly kind: "applicationCredential";
          readonly authUrl: string;
          readonly region?: string;
          readonly applicationCredentialId: string;
          readonly applicationCredentialSecret: pulumi.Output<string>;
      };

export interface TenantSettings {
    readonly project: ProjectSettings;
    readonly network: NetworkSettings;
    readonly credentials: Credentials;
}

/** A pool of worker VMs the stack creates in the worker tenant. */
export interface WorkerPoolSettings {
    readonly name: string;
    readonly size: number;
    readonly flavor: string;
    /** A Glance image name, looked up (the most recent image of that name). */
    readonly image: string;
    readonly bootVolumeSizeGb: number;
    /** A Nova key pair for SSH, if any. */
    readonly keyPair?: string;
    /** The versions its kubelets run: the cluster's unless the pool pins an older minor. */
    readonly versions: VersionPins;
}

export interface NodePorts {
    readonly apiserver: number;
    readonly tunnel: number;
    readonly openvpn: number;
}

/**
 * The validated configuration of one cluster, defaults applied and derived values derived.
 * Builders and components read only this. Made only by `parseSettings` (a plain object) or
 * `loadSettings` (stack config); `Cluster` refuses any other object, so a copy with a changed
 * field cannot skip validation or keep a derived value of another cluster.
 */
export interface Settings {
    readonly clusterName: string;
    /** The Kubernetes minor and every version it pins (images). */
    readonly versions: VersionPins;
    readonly externalNetwork: string;
    readonly tenants: { readonly controlPlane: TenantSettings; readonly worker: TenantSettings };
    readonly networking: {
        readonly podCidr: string;
        readonly serviceCidr: string;
        readonly clusterDomain: string;
        readonly dnsNameservers: readonly string[];
    };
    readonly seed: {
        readonly kubeconfig: pulumi.Output<string>;
        readonly nodeAddresses: readonly string[];
        readonly securityGroupId: pulumi.Input<string>;
        /**
         * The project that owns the seed nodes' security group, when it is not the control-plane
         * tenant's: the NodePort rules then go through a provider scoped to it.
         */
        readonly securityGroupProjectId?: pulumi.Input<string>;
        /** The namespace in the seed that holds this cluster's control plane, `cluster-<name>`. */
        readonly namespace: string;
        readonly nodePorts: NodePorts;
    };
    readonly controlPlane: {
        readonly apiserverReplicas: number;
        readonly etcdReplicas: number;
        readonly etcdStorageSize: string;
        /** Empty: the seed's default StorageClass. */
        readonly etcdStorageClass: string;
        /** Resolved from the config's `auto`: required when the seed has a node per member. */
        readonly etcdAntiAffinity: AntiAffinity;
        /** Names of the keys that encrypt Secrets at rest; the first encrypts, all decrypt. */
        readonly encryptionKeys: readonly string[];
        /** The PriorityClass of every control-plane pod in the seed. */
        readonly priorityClassName: string;
    };
    readonly tunnel: {
        readonly mode: TunnelMode;
        /** The port agents dial, on the load balancer and on each konnectivity-server. */
        readonly port: number;
        readonly keepaliveSeconds: number;
        readonly agentReplicas: number;
        readonly agentMode: AgentMode;
        /** How the agents count the servers (konnectivity). */
        readonly serverCounting: ServerCounting;
        /** Sources besides the worker router's SNAT address that may reach the tunnel listener. */
        readonly extraAllowedCidrs: readonly string[];
        /** OpenVPN mode: the tunnel's own network (server and clients' addresses). */
        readonly openvpnCidr: string;
    };
    readonly loadBalancer: {
        readonly provider: LoadBalancerProvider;
        readonly idleTimeoutSeconds: number;
        readonly apiAllowedCidrs: readonly string[];
    };
    readonly access: { readonly sshAllowedCidrs: readonly string[] };
    readonly pki: {
        readonly caValidityHours: number;
        readonly certValidityHours: number;
        readonly earlyRenewalHours: number;
    };
    readonly nodes: {
        /** Lifetime of the join token (and of a pool node's own token), in hours. */
        readonly joinTokenHours: number;
        readonly pools: readonly WorkerPoolSettings[];
    };
    /** What the cluster runs now, from the stack's last outputs; absent for a new cluster. */
    readonly running?: RunningState;
}
