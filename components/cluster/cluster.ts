import * as k8s from "@pulumi/kubernetes";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import * as time from "@pulumiverse/time";
import { requireValidated, RunningState, secretSettings, Settings } from "../config";
import { ApiEndpoint } from "../endpoint";
import { ControlPlane, controlPlanePki } from "../controlplane";
import { Pki } from "../pki";
import { identities } from "../shared/identities";
import { kubeconfigOutput } from "../shared/kubeconfig";
import { providerArgs, Tenant, WorkerSecurityGroup } from "../tenant";
import {
    kubeletApiClusterRoleBinding,
    leastAdmitting,
    tunnelFor,
    tunnelTransition,
    UserClusterTunnel,
} from "../tunnel";
import { ciliumNodeTraffic, ClusterAddons, NodeJoin, WorkerPool } from "../nodes";

export interface ClusterArgs {
    /** Validated settings: `loadSettings()` (stack config) or `parseSettings({...})` (a plain object). */
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
    public readonly pki: Pki;
    /** The seed cluster, where the control plane runs. */
    public readonly seedProvider: k8s.Provider;
    public readonly controlPlane: ControlPlane;
    /** Admin kubeconfig of the user cluster, for its public API URL (a secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The user cluster, through its public endpoint; created after the control plane. */
    public readonly userClusterProvider: k8s.Provider;
    /** The tunnel mode's user-cluster half (KonnectivityAgents or OpenvpnClient). */
    public readonly tunnel: UserClusterTunnel;
    /** The join path for any node: token, cluster-info, join RBAC, serving-certificate approval. */
    public readonly nodeJoin: NodeJoin;
    public readonly addons: ClusterAddons;
    public readonly workerPools: WorkerPool[];
    /** What the cluster runs once this update succeeded; a stack exports it as `clusterState`. */
    public readonly runningState: pulumi.Output<RunningState>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        requireValidated(args.settings, `Cluster ${name}`);
        const settings = secretSettings(args.settings);
        super("gks:index:Cluster", name, { settings }, opts);
        const { tenants, externalNetwork, networking, controlPlane, seed } = settings;
        // The selected tunnel mode supplies the tunnel's pieces to every part below. What the
        // cluster runs now (state) says whether this update switches it from another mode.
        const tunnel = tunnelFor(settings.tunnel.mode);
        const transition = tunnelTransition(settings.tunnel.mode, settings.running);
        const { phase } = transition;

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
            { sshAllowedCidrs: settings.access.sshAllowedCidrs, cniTraffic: ciliumNodeTraffic },
            { parent: this.workerTenant, provider: this.workerTenant.provider },
        );

        // Neutron lets the group's own project (or an admin) change it: when the seed nodes' group
        // belongs to another project than the control-plane tenant's, its rules need a provider
        // scoped to that project.
        const seedSecurityGroupProvider =
            seed.securityGroupProjectId === undefined
                ? undefined
                : new openstack.Provider(
                      `${name}-seed-security-group`,
                      providerArgs(tenants.controlPlane.credentials, seed.securityGroupProjectId),
                      { parent: this },
                  );
        this.apiEndpoint = new ApiEndpoint(
            `${name}-api`,
            {
                apiserverNodePort: seed.nodePorts.apiserver,
                listeners: [tunnel.listener(settings)],
                lbProvider: settings.loadBalancer.provider,
                idleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
                apiAllowedCidrs: settings.loadBalancer.apiAllowedCidrs,
                seedNodeAddresses: settings.seed.nodeAddresses,
                subnetId: this.controlPlaneTenant.subnetId,
                subnetCidr: tenants.controlPlane.network.cidr,
                externalNetwork,
                workerRouterAddress: this.workerTenant.routerExternalAddress,
                seedSecurityGroupId: settings.seed.securityGroupId,
                seedSecurityGroupProvider,
            },
            { parent: this, provider: this.controlPlaneTenant.provider },
        );
        const publicAddress = this.apiEndpoint.publicAddress;
        const tunnelAddress = this.apiEndpoint.tunnelAddress;

        const tlsProvider = new tls.Provider(`${name}-tls`, {}, { parent: this });
        this.pki = new Pki(
            name,
            {
                clusterName: settings.clusterName,
                publicAddress,
                tunnel: tunnel.pki({
                    clusterName: settings.clusterName,
                    serverCounting: settings.tunnel.serverCounting,
                    seedNamespace: seed.namespace,
                    tunnelAddress,
                    ...settings.pki,
                }),
                serviceCidr: networking.serviceCidr,
                clusterDomain: networking.clusterDomain,
                seedNamespace: seed.namespace,
                etcdReplicas: controlPlane.etcdReplicas,
                ...settings.pki,
            },
            { parent: this, provider: tlsProvider },
        );

        // Mutable Secrets and ConfigMaps: see ControlPlane (checksum annotations roll the pods).
        this.seedProvider = new k8s.Provider(
            `${name}-seed`,
            { kubeconfig: seed.kubeconfig, enableSecretMutable: true, enableConfigMapMutable: true },
            { parent: this },
        );
        // Random values live in state only: the control plane's encryption keys, the join tokens.
        const randomProvider = new random.Provider(`${name}-random`, {}, { parent: this });
        const admin = this.pki.certificates.admin;
        this.kubeconfig = kubeconfigOutput({
            clusterName: name,
            server: this.apiEndpoint.apiUrl,
            caCertPem: admin.caCertPem,
            user: `${name}-admin`,
            clientCertPem: admin.certPem,
            clientKeyPem: admin.keyPem,
        });

        // The user cluster's API is the control plane this stack runs, behind this endpoint. Its
        // provider and the kubelet-API binding serve every tunnel mode, so they belong to the
        // cluster (they were the konnectivity agents' children once: aliases keep them).
        const formerParent = { parent: pulumi.createUrn(`${name}-user-cluster`, "gks:index:KonnectivityAgents", this) };
        const userClusterProvider = (dependsOn: pulumi.Resource[]) =>
            new k8s.Provider(
                `${name}-user-cluster`,
                { kubeconfig: this.kubeconfig, enableServerSideApply: true },
                { parent: this, dependsOn, aliases: [formerParent] },
            );
        const userTunnel = (provider: k8s.Provider) =>
            tunnel.userCluster(
                `${name}-user-cluster`,
                { settings, pki: this.pki.tunnel, tunnelAddress, apiAddress: publicAddress, phase },
                { parent: this, provider },
            );
        const layout = { clusterName: settings.clusterName, namespace: seed.namespace, versions: settings.versions };
        // While migrating, a NetworkPolicy both modes have (kube-apiserver's) keeps admitting the
        // old path's ports: the old pods carry the tunnel until the update deletes them. An old
        // mode's policy of its own is not in the program and goes with its pods, at the end.
        const ownSeedTunnel = tunnel.seed({ layout, settings, pki: this.pki.tunnel, phase });
        const seedTunnel = transition.from
            ? {
                  ...ownSeedTunnel,
                  ingress: [
                      ...ownSeedTunnel.ingress,
                      ...tunnelFor(transition.from)
                          .ingress(settings)
                          .filter((i) => i.app === "kube-apiserver"),
                  ],
              }
            : ownSeedTunnel;
        const controlPlaneOf = (apiserverDependsOn: pulumi.Resource[]) =>
            new ControlPlane(
                name,
                {
                    ...layout,
                    publicAddress,
                    serviceCidr: networking.serviceCidr,
                    podCidr: networking.podCidr,
                    ...controlPlane,
                    apiserverNodePort: seed.nodePorts.apiserver,
                    tunnel: seedTunnel,
                    // While migrating the namespace admits both modes' pods: the old path's pods
                    // keep running (and may be rescheduled) until the update deletes them.
                    podSecurity: leastAdmitting([
                        tunnel.podSecurity,
                        ...(transition.from ? [tunnelFor(transition.from).podSecurity] : []),
                    ]),
                    pki: controlPlanePki(this.pki),
                    apiserverDependsOn,
                },
                { parent: this, providers: [this.seedProvider, randomProvider] },
            );
        if (phase === "migrating") {
            // Make before break: the new mode's user-cluster end first (the cluster's API is up,
            // served by the old pods), then the apiserver pods move over one by one. The engine
            // deletes the old mode's objects only after every step succeeded.
            this.userClusterProvider = userClusterProvider([this.apiEndpoint]);
            this.tunnel = userTunnel(this.userClusterProvider);
            this.controlPlane = controlPlaneOf([this.tunnel]);
        } else {
            // A new cluster: the user cluster's API exists once the control plane does.
            this.controlPlane = controlPlaneOf([]);
            this.userClusterProvider = userClusterProvider([this.controlPlane, this.apiEndpoint]);
            this.tunnel = userTunnel(this.userClusterProvider);
        }
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-user-cluster-kubelet-api`,
            kubeletApiClusterRoleBinding(identities.kubeletClient.commonName),
            { parent: this, provider: this.userClusterProvider, aliases: [formerParent] },
        );

        // Nodes: through the user-cluster provider, which exists only after the control plane.
        // Join tokens come from random strings and rotate with time resources, each with its provider.
        const tokenProviders = [randomProvider, new time.Provider(`${name}-time`, {}, { parent: this })];
        const userCluster = { parent: this, providers: [this.userClusterProvider, ...tokenProviders] };
        const caCertPem = this.pki.authorities.cluster.certPem;
        this.nodeJoin = new NodeJoin(
            `${name}-join`,
            {
                clusterName: settings.clusterName,
                versions: settings.versions,
                publicAddress,
                caCertPem,
                serviceCidr: networking.serviceCidr,
                podCidr: networking.podCidr,
                clusterDomain: networking.clusterDomain,
                workerCidr: tenants.worker.network.cidr,
                joinTokenHours: settings.nodes.joinTokenHours,
            },
            userCluster,
        );
        this.addons = new ClusterAddons(
            `${name}-addons`,
            {
                clusterName: settings.clusterName,
                versions: settings.versions,
                publicAddress,
                podCidr: networking.podCidr,
                serviceCidr: networking.serviceCidr,
                clusterDomain: networking.clusterDomain,
            },
            userCluster,
        );
        this.workerPools = settings.nodes.pools.map(
            (pool) =>
                new WorkerPool(
                    `${name}-${pool.name}`,
                    {
                        clusterName: settings.clusterName,
                        pool,
                        publicAddress,
                        caCertPem,
                        networkId: this.workerTenant.networkId,
                        subnetId: this.workerTenant.subnetId,
                        securityGroupId: this.workerSecurityGroup.securityGroupId,
                        joinTokenHours: settings.nodes.joinTokenHours,
                        userCluster: this.userClusterProvider,
                        joinReady: [this.nodeJoin],
                    },
                    { parent: this, providers: [this.workerTenant.provider, ...tokenProviders] },
                ),
        );

        this.runningState = this.controlPlane.runningState;
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            tunnels: this.tunnel.tunnels,
            joinCommand: this.nodeJoin.joinCommand,
            workerUserData: this.nodeJoin.userData,
            runningState: this.runningState,
        });
    }
}
