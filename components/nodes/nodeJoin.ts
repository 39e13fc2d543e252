import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { defaults, images, VersionPins } from "../config";
import { bootstrapTokenSecret, BootstrapToken } from "./bootstrapToken";
import { clusterInfoConfigMap, clusterInfoRole, clusterInfoRoleBinding } from "./clusterInfo";
import {
    csrApproverClusterRole,
    csrApproverClusterRoleBinding,
    csrApproverDeployment,
    csrApproverPodDisruptionBudget,
    csrApproverRole,
    csrApproverRoleBinding,
    csrApproverServiceAccount,
} from "./csrApprover";
import { joinRbac } from "./joinRbac";
import { apiEndpoint, caCertHash, joinCommand } from "./joinCommand";
import { randomToken } from "./joinToken";
import { kubeadmConfigMap } from "./kubeadmConfig";
import { kubeletConfigMap } from "./kubeletConfig";
import { userData } from "./cloudInit";

export interface NodeJoinArgs {
    clusterName: string;
    versions: VersionPins;
    /** The API endpoint's public address, where nodes join. */
    publicAddress: pulumi.Input<string>;
    /** The cluster CA certificate (cluster-info carries it; the join command pins its key). */
    caCertPem: pulumi.Input<string>;
    serviceCidr: string;
    podCidr: string;
    clusterDomain: string;
    /** The worker subnet: kubelet serving certificates may name addresses in it only. */
    workerCidr: string;
    /** The join token's lifetime, hours (default 24, kubeadm's). */
    joinTokenHours?: number;
}

/**
 * Everything a stock `kubeadm join` needs from the user cluster, for any VM that can reach the
 * public endpoint (a pool's or the customer's own): the join token, cluster-info and its anonymous
 * read, the join RBAC, kubeadm-config and kubelet-config, and the approver of kubelet serving
 * certificates. Give it the user cluster's Kubernetes provider (`opts.provider`), which is created
 * after the control plane.
 *
 * The token rotates: a `time.Rotating` of `joinTokenHours` gives it an expiry (the Secret's
 * `expiration`, so the controller-manager's tokencleaner deletes it then even if no update runs),
 * and the first `pulumi up` after that expiry makes a new token, a new Secret and a new join
 * command, and deletes the old Secret. Nodes that joined keep working: they hold certificates and
 * renew them with their own identity, never with the token.
 */
export class NodeJoin extends pulumi.ComponentResource {
    /** `kubeadm join <api>:6443 --token ... --discovery-token-ca-cert-hash sha256:...` (a secret). */
    public readonly joinCommand: pulumi.Output<string>;
    /** cloud-init user-data that installs and joins a fresh Ubuntu VM (a secret). */
    public readonly userData: pulumi.Output<string>;
    /** When the current token expires (RFC 3339); a `pulumi up` after it issues a new one. */
    public readonly tokenExpiresAt: pulumi.Output<string>;
    /** sha256 of the cluster CA's public key, as --discovery-token-ca-cert-hash takes it. */
    public readonly caCertHash: pulumi.Output<string>;
    /** The token, for tests and for a platform that hands it out itself (a secret). */
    public readonly token: pulumi.Output<BootstrapToken>;

    constructor(name: string, args: NodeJoinArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gks:index:NodeJoin", name, args, opts);
        const { clusterName, versions, publicAddress, caCertPem, serviceCidr, podCidr, clusterDomain, workerCidr } =
            args;
        const joinTokenHours = args.joinTokenHours ?? defaults.joinTokenHours;
        if (!Number.isInteger(joinTokenHours) || joinTokenHours < 1) {
            throw new Error(
                `NodeJoin ${name}: joinTokenHours must be a whole number of at least 1 (got ${joinTokenHours})`,
            );
        }
        const child = { parent: this };

        const rotation = new time.Rotating(`${name}-token`, { rotationHours: joinTokenHours }, child);
        this.token = randomToken(`${name}-token`, { rotation: rotation.rfc3339 }, child);
        this.tokenExpiresAt = rotation.rotationRfc3339;
        // A new token is a new Secret (its name is the id): created first, then the old one deleted.
        new k8s.core.v1.Secret(
            `${name}-token`,
            bootstrapTokenSecret(this.token, this.tokenExpiresAt, `gks ${clusterName}: join token`),
            child,
        );

        const endpoint = pulumi.output(publicAddress).apply(apiEndpoint);
        new k8s.core.v1.ConfigMap(
            `${name}-cluster-info`,
            clusterInfoConfigMap(pulumi.interpolate`https://${endpoint}`, caCertPem),
            child,
        );
        new k8s.rbac.v1.Role(`${name}-cluster-info`, clusterInfoRole(), child);
        new k8s.rbac.v1.RoleBinding(`${name}-cluster-info`, clusterInfoRoleBinding(), child);

        const rbac = joinRbac();
        const objectName = (key: string) => `${name}-${key.replace(/:/g, "-")}`;
        for (const [key, spec] of Object.entries(rbac.clusterRoles)) {
            new k8s.rbac.v1.ClusterRole(objectName(key), spec, child);
        }
        for (const [key, spec] of Object.entries(rbac.clusterRoleBindings)) {
            new k8s.rbac.v1.ClusterRoleBinding(objectName(key), spec, child);
        }
        for (const [key, spec] of Object.entries(rbac.roles)) {
            new k8s.rbac.v1.Role(objectName(key), spec, child);
        }
        for (const [key, spec] of Object.entries(rbac.roleBindings)) {
            new k8s.rbac.v1.RoleBinding(objectName(key), spec, child);
        }

        new k8s.core.v1.ConfigMap(
            `${name}-kubeadm-config`,
            kubeadmConfigMap({
                clusterName,
                kubernetesVersion: versions.kubernetes,
                controlPlaneEndpoint: endpoint,
                serviceCidr,
                podCidr,
                clusterDomain,
            }),
            child,
        );
        new k8s.core.v1.ConfigMap(`${name}-kubelet-config`, kubeletConfigMap({ serviceCidr, clusterDomain }), child);

        new k8s.core.v1.ServiceAccount(`${name}-csr-approver`, csrApproverServiceAccount(), child);
        new k8s.rbac.v1.ClusterRole(`${name}-csr-approver`, csrApproverClusterRole(), child);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-csr-approver`, csrApproverClusterRoleBinding(), child);
        new k8s.rbac.v1.Role(`${name}-csr-approver`, csrApproverRole(), child);
        new k8s.rbac.v1.RoleBinding(`${name}-csr-approver`, csrApproverRoleBinding(), child);
        new k8s.policy.v1.PodDisruptionBudget(`${name}-csr-approver`, csrApproverPodDisruptionBudget(), child);
        new k8s.apps.v1.Deployment(
            `${name}-csr-approver`,
            csrApproverDeployment({
                image: images(versions)["kubelet-csr-approver"],
                apiHost: publicAddress,
                nodeCidrs: [workerCidr],
            }),
            child,
        );

        this.caCertHash = pulumi.output(caCertPem).apply(caCertHash);
        this.joinCommand = pulumi.secret(
            pulumi
                .all([publicAddress, this.token, caCertPem])
                .apply(([address, token, ca]) => joinCommand({ publicAddress: address, token, caCertPem: ca })),
        );
        this.userData = pulumi.secret(
            this.joinCommand.apply((command) =>
                userData({ kubernetesVersion: versions.kubernetes, joinCommand: command }),
            ),
        );
        this.registerOutputs({
            joinCommand: this.joinCommand,
            userData: this.userData,
            tokenExpiresAt: this.tokenExpiresAt,
            caCertHash: this.caCertHash,
        });
    }
}
