import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServerCounting, Settings, TunnelMode } from "../config";
import type { ListenerRequest } from "../endpoint/endpointPlan";
import type { AuthoritySpec, IssuedAuthority } from "../pki";
import type { AppName } from "../shared/seedLabels";
import type { TunnelPhase } from "./transition";
import type {
    ConfigMapSpec,
    Container,
    ControlPlaneLayout,
    DeploymentArgs,
    SecretSpec,
    ServiceArgs,
    Volume,
    VolumeMount,
} from "../shared/seedObjects";

/**
 * The contract of a tunnel mode. A mode owns both ends of the path from kube-apiserver to the
 * kubelets: what it adds to the apiserver pod, its objects in the seed namespace, its objects in
 * the user cluster, its listener on the load balancer and its PKI. The cluster asks the selected
 * mode for each piece; the control plane, the endpoint and the PKI only take the pieces, so none
 * of them knows which mode runs.
 */
export interface Tunnel {
    readonly mode: TunnelMode;
    /** The least Pod Security Standard level its seed pods meet (the namespace enforces it). */
    readonly podSecurity: PodSecurityLevel;
    /** Its dedicated CA and the certificates it signs. */
    pki(args: TunnelPkiArgs): AuthoritySpec;
    /** The load balancer listener its user-cluster end dials. */
    listener(settings: Settings): ListenerRequest;
    /** What it adds to the seed: apiserver pod pieces and namespace objects. Pure. */
    seed(args: SeedTunnelArgs): SeedTunnel;
    /** Its seed pods and the ports its listener reaches on them (the seed's `ingress`). Pure. */
    ingress(settings: Settings): readonly TunnelIngress[];
    /** Its objects in the user cluster, as a component created through `provider`. */
    userCluster(name: string, args: UserClusterTunnelArgs, opts: UserClusterOptions): UserClusterTunnel;
}

/** Pod Security Standard levels, least privileged first. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface TunnelPkiArgs {
    readonly clusterName: string;
    /** How the mode's user-cluster end counts its seed end (konnectivity: leases need a client certificate). */
    readonly serverCounting: ServerCounting;
    readonly seedNamespace: string;
    /** The host the user-cluster end dials (the load balancer's floating IP). */
    readonly tunnelAddress: pulumi.Input<string>;
    readonly caValidityHours: number;
    readonly certValidityHours: number;
    readonly earlyRenewalHours: number;
}

export interface SeedTunnelArgs {
    readonly layout: ControlPlaneLayout;
    readonly settings: Settings;
    /** What the Pki issued for the mode's AuthoritySpec. */
    readonly pki: IssuedAuthority;
    /** New cluster, steady, or migrating to this mode (the gate waits without deadline then). */
    readonly phase: TunnelPhase;
}

/** What a mode adds to the kube-apiserver pod. */
export interface ApiserverPodPieces {
    /** Sidecars. */
    readonly containers: readonly Container[];
    readonly volumes: readonly Volume[];
    /** Mounts of the kube-apiserver container itself. */
    readonly volumeMounts: readonly VolumeMount[];
    /** kube-apiserver flags, appended to its own. */
    readonly flags: readonly string[];
    /** `--kubelet-preferred-address-types`: the node addresses the path reaches. */
    readonly kubeletPreferredAddressTypes: readonly string[];
    /** The mode's Secrets and ConfigMaps the pod mounts; the pod's checksum covers them. */
    readonly mounted: readonly (SecretSpec | ConfigMapSpec)[];
}

/** An object in the cluster's seed namespace; the control plane names its resource `<cluster>-<name>`. */
export type SeedObject =
    | { readonly kind: "Secret"; readonly app: AppName; readonly spec: SecretSpec }
    | { readonly kind: "ConfigMap"; readonly app: AppName; readonly spec: ConfigMapSpec }
    | { readonly kind: "Service"; readonly name: string; readonly args: ServiceArgs }
    | { readonly kind: "Deployment"; readonly name: string; readonly args: DeploymentArgs };

/**
 * The mode's seed half. The control plane creates `objects` in the namespace (Deployments after
 * the Secrets and ConfigMaps) and rolls kube-apiserver only once every one of them exists
 * (a Deployment: has rolled out).
 */
export interface SeedTunnel {
    readonly mode: TunnelMode;
    readonly apiserver: ApiserverPodPieces;
    readonly objects: readonly SeedObject[];
    /**
     * The TCP ports of the mode's seed pods (by app: the apiserver pod, or a pod of its own) that
     * its load balancer listener reaches; the namespace's NetworkPolicies admit them from anywhere
     * and deny the rest.
     */
    readonly ingress: readonly TunnelIngress[];
}

export interface TunnelIngress {
    readonly app: AppName;
    readonly ports: readonly number[];
}

export interface UserClusterTunnelArgs {
    readonly settings: Settings;
    readonly pki: IssuedAuthority;
    /** The host the user-cluster end dials. */
    readonly tunnelAddress: pulumi.Output<string>;
    /** Migrating to this mode: nodes exist, so the update may wait for the end to connect. */
    readonly phase: TunnelPhase;
    /** The user cluster's public API address (port 6443), for pieces that talk to its API without the CNI. */
    readonly apiAddress: pulumi.Output<string>;
}

export interface UserClusterOptions {
    /** The user cluster's component parent (the Cluster). */
    readonly parent: pulumi.Resource;
    /** The user cluster's Kubernetes provider: every object of the mode goes through it. */
    readonly provider: k8s.Provider;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The user-cluster half: a component. */
export interface UserClusterTunnel extends pulumi.ComponentResource {
    /** How many tunnels the configuration yields (a number, or e.g. "2 per node"). */
    readonly tunnels: pulumi.Output<number | string>;
}
