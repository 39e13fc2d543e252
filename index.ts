import * as pulumi from "@pulumi/pulumi";
import { Cluster, lastStackOutput, readPlatformStack } from "./components/cluster";
import {
    configNamespace,
    loadSettings,
    parseRunningState,
    platformStackKey,
    runningStateOutput,
    withRunningState,
} from "./components/config";

export = async () => {
    // The platform stack (platformStack) says where the seed is; its outputs are read first, as
    // plain values. Validation comes next: a bad config throws here, before anything is
    // registered. Then the stack's own last outputs say what the cluster runs now (nothing for a
    // new cluster), so that a transition is checked against state before any resource is registered.
    const config = new pulumi.Config(configNamespace);
    const platformStack = config.get(platformStackKey) ?? "";
    const platform = platformStack === "" ? undefined : await readPlatformStack(platformStack);
    const configured = loadSettings(config, { platform });
    const settings = withRunningState(configured, parseRunningState(await lastStackOutput(runningStateOutput)));
    const cluster = new Cluster(settings.clusterName, { settings });

    return {
        clusterName: settings.clusterName,
        kubernetesVersion: settings.versions.kubernetes,
        controlPlaneProjectId: cluster.controlPlaneTenant.projectId,
        controlPlaneSubnetId: cluster.controlPlaneTenant.subnetId,
        controlPlaneRouterAddress: cluster.controlPlaneTenant.routerExternalAddress,
        workerProjectId: cluster.workerTenant.projectId,
        workerNetworkId: cluster.workerTenant.networkId,
        workerSubnetId: cluster.workerTenant.subnetId,
        workerRouterAddress: cluster.workerTenant.routerExternalAddress,
        workerSecurityGroupId: cluster.workerSecurityGroup.securityGroupId,
        apiAddress: cluster.apiEndpoint.publicAddress,
        apiUrl: cluster.apiEndpoint.apiUrl,
        tunnelAddress: cluster.apiEndpoint.tunnelAddress,
        seedNamespace: cluster.controlPlane.namespace,
        clusterCaCertificate: cluster.pki.authorities.cluster.certPem,
        /** The tunnel's CA: konnectivityCaCertificate or openvpnCaCertificate. */
        [`${settings.tunnel.mode}CaCertificate`]: cluster.pki.tunnel.authority.certPem,
        /** Admin kubeconfig of the user cluster (secret): `pulumi stack output kubeconfig --show-secrets`. */
        kubeconfig: cluster.kubeconfig,
        /** Tunnels the configuration yields: agents x konnectivity-servers, or the one OpenVPN tunnel. */
        tunnels: cluster.tunnel.tunnels,
        /** `kubeadm join ...` for a VM the customer brings (secret); a new one after the token expires. */
        joinCommand: cluster.nodeJoin.joinCommand,
        /** cloud-init user-data that installs and joins a fresh Ubuntu VM (secret). */
        workerUserData: cluster.nodeJoin.userData,
        joinTokenExpiresAt: cluster.nodeJoin.tokenExpiresAt,
        /** Worker pool nodes by pool: their names (= Node names). */
        workerPools: Object.fromEntries(cluster.workerPools.map((p, i) => [settings.nodes.pools[i].name, p.nodeNames])),
        /** What runs after this update; the next update reads it back (see components/config/runningState.ts). */
        [runningStateOutput]: cluster.runningState,
    } satisfies Record<string, pulumi.Input<unknown>>;
};
