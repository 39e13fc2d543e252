import { devObject } from "./fixtures";

const cp = devObject<Record<string, Record<string, unknown>>>("controlPlaneTenant");
const worker = devObject<Record<string, Record<string, unknown>>>("workerTenant");
const seed = devObject<Record<string, unknown>>("seed");

/** [what is wrong, the config changes, the key the message must name] */
export const invalid: [string, Record<string, unknown>, string][] = [
    ["a cluster name that is no DNS label", { clusterName: "Dev_Cluster" }, "gks-cluster:clusterName"],
    ["a cluster name too long for the namespace", { clusterName: "a".repeat(56) }, "gks-cluster:clusterName"],
    ["no cluster name", { clusterName: undefined }, "gks-cluster:clusterName"],
    ["an unsupported Kubernetes version", { kubernetesVersion: "1.20" }, "gks-cluster:kubernetesVersion"],
    ["an unknown tunnel mode", { tunnelMode: "wireguard" }, "gks-cluster:tunnelMode"],
    [
        "an OpenVPN network inside the worker subnet",
        { tunnelMode: "openvpn", openvpnCidr: "192.168.1.0/28" },
        "gks-cluster:openvpnCidr",
    ],
    [
        "an OpenVPN network overlapping the pod network",
        { tunnelMode: "openvpn", openvpnCidr: "172.25.0.0/24" },
        "gks-cluster:openvpnCidr",
    ],
    [
        "an OpenVPN network overlapping the seed's nodes",
        { tunnelMode: "openvpn", openvpnCidr: "10.0.0.0/16" },
        "gks-cluster:openvpnCidr",
    ],
    ["an OpenVPN network too small for its clients", { openvpnCidr: "10.20.0.0/29" }, "gks-cluster:openvpnCidr"],
    [
        "in OpenVPN mode, a service network holding the seed's nodes",
        { tunnelMode: "openvpn", serviceCidr: "10.0.0.0/20" },
        "gks-cluster:serviceCidr",
    ],
    ["zero apiserver replicas", { apiserverReplicas: 0 }, "gks-cluster:apiserverReplicas"],
    ["a fractional replica count", { apiserverReplicas: "2.5" }, "gks-cluster:apiserverReplicas"],
    ["an even etcd quorum", { etcdReplicas: 2 }, "gks-cluster:etcdReplicas"],
    ["zero agents", { agentReplicas: 0 }, "gks-cluster:agentReplicas"],
    ["an agent mode typo", { agentMode: "daemonSet" }, "gks-cluster:agentMode"],
    ["a tunnel port outside 1024-49151", { tunnelPort: 80 }, "gks-cluster:tunnelPort"],
    ["a tunnel port taken by the apiserver", { tunnelPort: 6443 }, "gks-cluster:tunnelPort"],
    ["a tunnel port taken by the server's health port", { tunnelPort: 8134 }, "gks-cluster:tunnelPort"],
    [
        "an IPv6 API allowlist (the VIP is IPv4)",
        { apiAllowedCidrs: ["2001:db8::/32"] },
        "gks-cluster:apiAllowedCidrs[0]",
    ],
    [
        "an allowlist naming a CIDR twice",
        { sshAllowedCidrs: ["198.51.100.0/24", "198.51.100.0/24"] },
        "gks-cluster:sshAllowedCidrs",
    ],
    ["a pod CIDR too small for per-node /24 ranges", { podCidr: "172.25.0.0/24" }, "gks-cluster:podCidr"],
    ["a StorageClass name Kubernetes rejects", { etcdStorageClass: "Fast_SSD" }, "gks-cluster:etcdStorageClass"],
    ["a keepalive below 30 s", { tunnelKeepaliveSeconds: 10 }, "gks-cluster:tunnelKeepaliveSeconds"],
    [
        "a keepalive not shorter than the LB idle timeout",
        { tunnelKeepaliveSeconds: 120, lbIdleTimeoutSeconds: 120 },
        "gks-cluster:tunnelKeepaliveSeconds",
    ],
    ["an unknown load balancer provider", { lbProvider: "f5" }, "gks-cluster:lbProvider"],
    ["a NodePort outside 30000-32767", { apiserverNodePort: 6443 }, "gks-cluster:apiserverNodePort"],
    ["two equal NodePorts", { tunnelNodePort: 30443 }, "gks-cluster:tunnelNodePort"],
    ["a pod CIDR that is no CIDR", { podCidr: "172.25.0.0" }, "gks-cluster:podCidr"],
    ["a service CIDR with host bits", { serviceCidr: "10.240.16.5/20" }, "gks-cluster:serviceCidr"],
    ["a service CIDR larger than /12", { serviceCidr: "10.0.0.0/8" }, "gks-cluster:serviceCidr"],
    ["pod and service CIDRs overlapping", { serviceCidr: "172.25.16.0/20" }, "gks-cluster:serviceCidr"],
    [
        "a worker subnet inside the pod CIDR",
        { workerTenant: { ...worker, network: { cidr: "172.25.1.0/24" } } },
        "gks-cluster:workerTenant.network.cidr",
    ],
    ["a bad nameserver", { dnsNameservers: ["1.1.1"] }, "gks-cluster:dnsNameservers[0]"],
    ["an API allowlist with a bad CIDR", { apiAllowedCidrs: ["0.0.0.0/33"] }, "gks-cluster:apiAllowedCidrs[0]"],
    ["an empty API allowlist", { apiAllowedCidrs: [] }, "gks-cluster:apiAllowedCidrs"],
    [
        "an SSH allowlist with a bad CIDR",
        { sshAllowedCidrs: ["198.51.100.0/24", "everyone"] },
        "gks-cluster:sshAllowedCidrs[1]",
    ],
    [
        "a tunnel allowlist open to the internet",
        { tunnelAllowedCidrs: ["0.0.0.0/0"] },
        "gks-cluster:tunnelAllowedCidrs",
    ],
    [
        "a project both adopted and created",
        { workerTenant: { ...worker, project: { id: "p-1", name: "x" } } },
        "gks-cluster:workerTenant.project",
    ],
    [
        "a project neither adopted nor created",
        { workerTenant: { ...worker, project: {} } },
        "gks-cluster:workerTenant.project",
    ],
    [
        "a half-adopted network",
        { controlPlaneTenant: { ...cp, network: { cidr: "10.0.0.0/24", networkId: "n-1" } } },
        "gks-cluster:controlPlaneTenant.network",
    ],
    ["an unknown tenant field", { workerTenant: { ...worker, flavor: "m1" } }, "gks-cluster:workerTenant.flavor"],
    [
        "a cluster creating the control-plane project (the seed's, older than any cluster)",
        { controlPlaneTenant: { ...cp, project: { name: "gks-control-plane" } } },
        "gks-cluster:controlPlaneTenant.project",
    ],
    [
        "a cluster creating the seed's network (seed nodes cannot be on a network this run creates)",
        { controlPlaneTenant: { ...cp, network: { cidr: "10.0.0.0/24" } } },
        "gks-cluster:controlPlaneTenant.network",
    ],
    [
        "creating a project with application credentials",
        {
            workerTenant: {
                ...worker,
                credentials: { authUrl: "https://keystone.example.com/v3", applicationCredentialId: "ac" },
            },
        },
        "gks-cluster:workerTenant.credentials.applicationCredentialId",
    ],
    [
        "two kinds of credentials",
        { workerTenant: { ...worker, credentials: { cloud: "c", applicationCredentialId: "ac" } } },
        "gks-cluster:workerTenant.credentials",
    ],
    [
        "a credentials auth URL that is no URL",
        { workerTenant: { ...worker, credentials: { ...worker.credentials, authUrl: "keystone" } } },
        "gks-cluster:workerTenant.credentials.authUrl",
    ],
    ["a missing credential secret", { workerCredentialSecret: undefined }, "gks-cluster:workerCredentialSecret"],
    ["no seed kubeconfig", { seedKubeconfig: undefined }, "gks-cluster:seedKubeconfig"],
    ["an empty seed node list", { seed: { ...seed, nodeAddresses: [] } }, "gks-cluster:seed.nodeAddresses"],
    [
        "a seed node outside the seed subnet",
        { seed: { ...seed, nodeAddresses: ["10.0.0.11", "10.9.0.12"] } },
        "gks-cluster:seed.nodeAddresses[1]",
    ],
    [
        "a duplicate seed node",
        { seed: { ...seed, nodeAddresses: ["10.0.0.11", "10.0.0.11"] } },
        "gks-cluster:seed.nodeAddresses[1]",
    ],
    ["no seed security group", { seed: { nodeAddresses: ["10.0.0.11"] } }, "gks-cluster:seed.securityGroupId"],
    ["a seed that is a string", { seed: "10.0.0.11" }, "gks-cluster:seed"],
    ["a certificate outliving its CA", { certValidityHours: 100000 }, "gks-cluster:certValidityHours"],
    ["renewal as long as validity", { certEarlyRenewalHours: 8760 }, "gks-cluster:certEarlyRenewalHours"],
    ["an etcd size that is no quantity", { etcdStorageSize: "10GB" }, "gks-cluster:etcdStorageSize"],
    ["an etcd volume too small for a backend quota", { etcdStorageSize: "1Gi" }, "gks-cluster:etcdStorageSize"],
    [
        "required etcd anti-affinity with fewer seed nodes than members",
        { etcdReplicas: 5, etcdAntiAffinity: "required" },
        "gks-cluster:etcdAntiAffinity",
    ],
    ["an unknown anti-affinity", { etcdAntiAffinity: "strict" }, "gks-cluster:etcdAntiAffinity"],
    ["no encryption key", { encryptionKeys: [] }, "gks-cluster:encryptionKeys"],
    ["an encryption key named twice", { encryptionKeys: ["key1", "key1"] }, "gks-cluster:encryptionKeys"],
    ["an encryption key name with capitals", { encryptionKeys: ["Key1"] }, "gks-cluster:encryptionKeys[0]"],
    [
        "a priority class name Kubernetes rejects",
        { controlPlanePriorityClass: "Critical" },
        "gks-cluster:controlPlanePriorityClass",
    ],
    ["a misspelled key", { agentReplica: 3 }, "gks-cluster:agentReplica"],
    ["a join token that never lasts an hour", { joinTokenHours: 0 }, "gks-cluster:joinTokenHours"],
    ["a join token longer than a week", { joinTokenHours: 169 }, "gks-cluster:joinTokenHours"],
    [
        "worker pools that are no list",
        { workerPools: { name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" } },
        "gks-cluster:workerPools",
    ],
    [
        "two pools of one name",
        {
            workerPools: [
                { name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" },
                { name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" },
            ],
        },
        "gks-cluster:workerPools[1].name",
    ],
    [
        "a pool name that is no DNS label",
        { workerPools: [{ ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, name: "Small" }] },
        "gks-cluster:workerPools[0].name",
    ],
    [
        "a pool name that makes node names longer than 63 characters",
        {
            clusterName: "c".repeat(50),
            workerPools: [
                { ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, name: "p".repeat(12) },
            ],
        },
        "gks-cluster:workerPools[0].name",
    ],
    [
        "a pool of 101 nodes",
        { workerPools: [{ ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, size: 101 }] },
        "gks-cluster:workerPools[0].size",
    ],
    [
        "a pool without an image",
        { workerPools: [{ ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, image: "" }] },
        "gks-cluster:workerPools[0].image",
    ],
    [
        "a boot volume too small",
        {
            workerPools: [
                { ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, bootVolumeSizeGb: 5 },
            ],
        },
        "gks-cluster:workerPools[0].bootVolumeSizeGb",
    ],
    [
        "a misspelled pool key",
        {
            workerPools: [
                { ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" }, flavour: "m1.large" },
            ],
        },
        "gks-cluster:workerPools[0].flavour",
    ],
    [
        "a pool newer than the control plane",
        {
            kubernetesVersion: "1.36",
            workerPools: [
                {
                    ...{ name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" },
                    kubernetesVersion: "1.37",
                },
            ],
        },
        "gks-cluster:workerPools[0].kubernetesVersion",
    ],
    [
        "a misspelled key inside an object",
        { seed: { nodeAdresses: seed.nodeAddresses, securityGroupId: seed.securityGroupId } },
        "gks-cluster:seed.nodeAdresses",
    ],
];
