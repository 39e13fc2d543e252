/**
 * Every default of the stack configuration, in one place. Pulumi.yaml declares the same values
 * (a test keeps the two equal) and the README documents them.
 */
export const defaults = {
    /** No platform stack: the stack gives controlPlaneTenant.project/network and seed itself. */
    platformStack: "",
    kubernetesVersion: "1.36",
    tunnelMode: "konnectivity",
    externalNetwork: "public",
    apiserverReplicas: 2,
    etcdReplicas: 3,
    etcdStorageSize: "10Gi",
    etcdStorageClass: "",
    etcdAntiAffinity: "auto",
    /** Secrets-encryption key names, the first encrypts: see README "Encryption at rest". */
    encryptionKeys: ["key1"],
    controlPlanePriorityClass: "system-cluster-critical",
    agentReplicas: 2,
    agentMode: "deployment",
    tunnelServerCounting: "leases",
    tunnelPort: 8132,
    tunnelKeepaliveSeconds: 30,
    lbProvider: "amphora",
    lbIdleTimeoutSeconds: 3600,
    apiserverNodePort: 30443,
    tunnelNodePort: 30132,
    openvpnNodePort: 30194,
    podCidr: "172.25.0.0/16",
    serviceCidr: "10.240.16.0/20",
    clusterDomain: "cluster.local",
    dnsNameservers: ["1.1.1.1", "9.9.9.9"],
    apiAllowedCidrs: ["0.0.0.0/0"],
    sshAllowedCidrs: [] as string[],
    tunnelAllowedCidrs: [] as string[],
    openvpnCidr: "10.20.0.0/24",
    caValidityHours: 87600,
    certValidityHours: 8760,
    certEarlyRenewalHours: 720,
    /** kubeadm's default bootstrap-token TTL (DefaultTokenDuration, 24 h). */
    joinTokenHours: 24,
    workerPools: [] as never[],
    workerBootVolumeSizeGb: 20,
    /** Roles the deployer gets in a project this stack creates. */
    projectRoles: ["member", "load-balancer_member"],
    projectDomainId: "default",
} as const;

/** Config keys that hold secrets; set them with `pulumi config set --secret`. */
export const secretKeys = ["seedKubeconfig", "controlPlaneCredentialSecret", "workerCredentialSecret"] as const;

/** The project's config namespace: keys are `gks-cluster:<key>`. */
export const configNamespace = "gks-cluster";
