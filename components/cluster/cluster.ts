import * as k8s from "@pulumi/kubernetes";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { images, requireValidated, RunningState, secretSettings, Settings } from "../config";
import { ApiEndpoint } from "../endpoint";
import { ControlPlane, controlPlanePki } from "../controlplane";
import { Pki } from "../pki";
import { identities } from "../shared/identities";
import { kubeconfigOutput } from "../shared/kubeconfig";
import { providerArgs, Tenant, WorkerSecurityGroup } from "../tenant";
import { KonnectivityAgents } from "../tunnel";

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
    public readonly agents: KonnectivityAgents;
    /** What the cluster runs once this update succeeded; a stack exports it as `clusterState`. */
    public readonly runningState: pulumi.Output<RunningState>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        requireValidated(args.settings, `Cluster ${name}`);
        const settings = secretSettings(args.settings);
        super("gks:index:Cluster", name, { settings }, opts);
        const { tenants, externalNetwork, networking, controlPlane, seed } = settings;

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
                tunnels: [settings.tunnel.mode],
                tunnelPort: settings.tunnel.port,
                nodePorts: settings.seed.nodePorts,
                lbProvider: settings.loadBalancer.provider,
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
                seedSecurityGroupProvider,
            },
            { parent: this, provider: this.controlPlaneTenant.provider },
        );
        const publicAddress = this.apiEndpoint.publicAddress;

        const tlsProvider = new tls.Provider(`${name}-tls`, {}, { parent: this });
        this.pki = new Pki(
            name,
            {
                clusterName: settings.clusterName,
                publicAddress,
                tunnelAddress: this.apiEndpoint.tunnelAddress,
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
        this.controlPlane = new ControlPlane(
            name,
            {
                clusterName: settings.clusterName,
                namespace: seed.namespace,
                versions: settings.versions,
                publicAddress,
                serviceCidr: networking.serviceCidr,
                podCidr: networking.podCidr,
                ...controlPlane,
                nodePorts: seed.nodePorts,
                tunnel: settings.tunnel,
                loadBalancerIdleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
                pki: controlPlanePki(this.pki),
            },
            { parent: this, provider: this.seedProvider },
        );

        const admin = this.pki.certificates.admin;
        this.kubeconfig = kubeconfigOutput({
            clusterName: name,
            server: this.apiEndpoint.apiUrl,
            caCertPem: admin.caCertPem,
            user: `${name}-admin`,
            clientCertPem: admin.certPem,
            clientKeyPem: admin.keyPem,
        });

        const agent = this.pki.certificates.konnectivityAgent;
        this.agents = new KonnectivityAgents(
            `${name}-user-cluster`,
            {
                kubeconfig: this.kubeconfig,
                // The agents verify the server against the CA that signed its --cluster-cert.
                certificates: {
                    caCertPem: this.pki.authorities.konnectivity.certPem,
                    certPem: agent.certPem,
                    keyPem: agent.keyPem,
                },
                proxyServerHost: this.apiEndpoint.tunnelAddress,
                proxyServerPort: settings.tunnel.port,
                image: images(settings.versions)["konnectivity-agent"],
                mode: settings.tunnel.agentMode,
                replicas: settings.tunnel.agentReplicas,
                serverCount: controlPlane.apiserverReplicas,
                keepaliveSeconds: settings.tunnel.keepaliveSeconds,
                kubeletClientUser: identities.kubeletClient.commonName,
            },
            // The user cluster's API is the control plane this stack runs, behind this endpoint.
            { parent: this, dependsOn: [this.controlPlane, this.apiEndpoint] },
        );

        this.runningState = this.controlPlane.runningState;
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            tunnels: this.agents.tunnels,
            runningState: this.runningState,
        });
    }
}
