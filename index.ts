import { Cluster } from "./components/cluster";
import { loadSettings } from "./components/config";

// Validation comes first: a bad config throws here, before any resource is registered.
const settings = loadSettings();
const cluster = new Cluster(settings.clusterName, { settings });

export const clusterName = settings.clusterName;
export const kubernetesVersion = settings.versions.kubernetes;
export const controlPlaneProjectId = cluster.controlPlaneTenant.projectId;
export const controlPlaneSubnetId = cluster.controlPlaneTenant.subnetId;
export const controlPlaneRouterAddress = cluster.controlPlaneTenant.routerExternalAddress;
export const workerProjectId = cluster.workerTenant.projectId;
export const workerNetworkId = cluster.workerTenant.networkId;
export const workerSubnetId = cluster.workerTenant.subnetId;
export const workerRouterAddress = cluster.workerTenant.routerExternalAddress;
export const workerSecurityGroupId = cluster.workerSecurityGroup.securityGroupId;
export const apiAddress = cluster.apiEndpoint.publicAddress;
export const apiUrl = cluster.apiEndpoint.apiUrl;
export const tunnelAddress = cluster.apiEndpoint.tunnelAddress;
export const seedNamespace = cluster.controlPlane.namespace;
export const clusterCaCertificate = cluster.pki.authorities.cluster.certPem;
export const konnectivityCaCertificate = cluster.pki.authorities.konnectivity.certPem;
/** Admin kubeconfig of the user cluster (secret): `pulumi stack output kubeconfig --show-secrets`. */
export const kubeconfig = cluster.kubeconfig;
/** Tunnels the configuration yields: agents x konnectivity-servers. */
export const tunnels = cluster.agents.tunnels;
