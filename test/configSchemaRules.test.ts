import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadSettings } from "../components/config";
import { isUnresolved, tenantSchema } from "../components/config/schema";
import { devInlineConfig, devObject } from "./fixtures";

// The config schema's rules, each with a value just inside and one just outside: a change to the
// dev config (its platform's part inline) gives no problem, or a problem at the key named.

type Obj = Record<string, unknown>;
const cp = devObject<Obj>("controlPlaneTenant");
const worker = devObject<Obj>("workerTenant");
const seed = devObject<Obj>("seed");
const pool = { name: "small", size: 2, flavor: "m1.medium", image: "ubuntu-24.04" };

/** "key: message" for every problem the change gives (empty: accepted). */
function problems(changes: Obj): string[] {
    const config = devInlineConfig(changes);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    try {
        loadSettings(new pulumi.Config("gks-cluster"));
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems.map((p) => `${p.key.replace(/^gks-cluster:/, "")}: ${p.message}`);
    }
}

/** Every problem the change gives is at `key`, and one of them says `message`. */
function assertOnly(changes: Obj, key: string, message: RegExp): void {
    const found = problems(changes);
    assert.ok(found.length > 0, `expected a problem at ${key}`);
    for (const p of found)
        assert.ok(p.startsWith(`${key}: `), `expected problems at ${key} only, got:\n${found.join("\n")}`);
    assert.ok(
        found.some((p) => message.test(p.slice(key.length + 2))),
        `expected ${message} at ${key}, got:\n${found.join("\n")}`,
    );
}

describe("config schema, rule by rule", () => {
    // [rule, accepted changes, rejected change, key, message]
    const rules: [string, Obj[], Obj, string, RegExp][] = [
        [
            "apiserver replicas 1..7",
            [{ apiserverReplicas: 1 }, { apiserverReplicas: "7" }, { apiserverReplicas: " 3 " }],
            { apiserverReplicas: 8 },
            "apiserverReplicas",
            /^must be a whole number from 1 to 7$/,
        ],
        [
            "whole numbers only",
            [{ agentReplicas: "20" }],
            { agentReplicas: "2e1" },
            "agentReplicas",
            /^must be a whole number from 1 to 20$/,
        ],
        ["no negative replicas", [{ agentReplicas: 1 }], { agentReplicas: "-1" }, "agentReplicas", /from 1 to 20/],
        [
            "tunnel ports 1024..49151",
            [{ tunnelPort: 1024 }, { tunnelPort: 49151 }],
            { tunnelPort: 49152 },
            "tunnelPort",
            /^must be a port from 1024 to 49151$/,
        ],
        [
            "etcd: an odd quorum",
            [{ etcdReplicas: 1 }, { etcdReplicas: "5" }],
            { etcdReplicas: 4 },
            "etcdReplicas",
            /^allowed: 1, 3 or 5/,
        ],
        [
            "etcd storage: a quantity",
            [{ etcdStorageSize: "2Gi" }, { etcdStorageSize: "1Ti" }],
            { etcdStorageSize: "10G" },
            "etcdStorageSize",
            /^must be a Kubernetes quantity such as 10Gi$/,
        ],
        [
            "etcd storage: at least the minimum",
            [{ etcdStorageSize: "2048Mi" }],
            { etcdStorageSize: "2047Mi" },
            "etcdStorageSize",
            /^must be at least 2Gi/,
        ],
        [
            "storage class: empty or a name",
            [{ etcdStorageClass: "" }, { etcdStorageClass: "fast.ssd-1" }],
            { etcdStorageClass: "fast." },
            "etcdStorageClass",
            /^must be empty .* or a StorageClass name/,
        ],
        [
            "encryption keys: names",
            [{ encryptionKeys: ["k1", "a".repeat(63)] }],
            { encryptionKeys: ["a".repeat(64)] },
            "encryptionKeys[0]",
            /^at most 63 characters$/,
        ],
        [
            "encryption keys: DNS-like",
            [{ encryptionKeys: ["k-1"] }],
            { encryptionKeys: ["-k"] },
            "encryptionKeys[0]",
            /^must be a key name/,
        ],
        [
            "encryption keys: at least one",
            [{ encryptionKeys: ["k"] }],
            { encryptionKeys: [] },
            "encryptionKeys",
            /^must name at least one key/,
        ],
        [
            "encryption keys: at most five",
            [{ encryptionKeys: ["a", "b", "c", "d", "e"] }],
            { encryptionKeys: ["a", "b", "c", "d", "e", "f"] },
            "encryptionKeys",
            /^at most 5 keys/,
        ],
        [
            "encryption keys: each once",
            [{ encryptionKeys: ["a", "b"] }],
            { encryptionKeys: ["a", "a"] },
            "encryptionKeys",
            /^names a key twice$/,
        ],
        [
            "priority class: a name",
            [{ controlPlanePriorityClass: "gks.control-plane" }],
            { controlPlanePriorityClass: "Gks" },
            "controlPlanePriorityClass",
            /^must be a PriorityClass name/,
        ],
        [
            "priority class: at most 253",
            [{ controlPlanePriorityClass: "a".repeat(253) }],
            { controlPlanePriorityClass: "a".repeat(254) },
            "controlPlanePriorityClass",
            /^at most 253 characters$/,
        ],
        [
            "pod CIDR larger than /24",
            [{ podCidr: "172.25.0.0/23" }],
            { podCidr: "172.25.0.0/24" },
            "podCidr",
            /^must be larger than \/24/,
        ],
        [
            "pod CIDR IPv4",
            [{ podCidr: "172.26.0.0/16" }],
            { podCidr: "fd00::/48" },
            "podCidr",
            /^must be an IPv4 CIDR$/,
        ],
        [
            "service CIDR /12 or smaller",
            [{ serviceCidr: "10.240.0.0/12" }],
            { serviceCidr: "10.224.0.0/11" },
            "serviceCidr",
            /^must be \/12 or smaller/,
        ],
        [
            "CIDRs have a prefix",
            [{ serviceCidr: "10.96.0.0/16" }],
            { serviceCidr: "10.96.0.0" },
            "serviceCidr",
            /^must be a CIDR such as 10.0.0.0\/24$/,
        ],
        [
            "cluster domain",
            [{ clusterDomain: "k8s.example" }],
            { clusterDomain: "k8s..example" },
            "clusterDomain",
            /^must be a DNS domain/,
        ],
        [
            "nameservers 1..5",
            [{ dnsNameservers: ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9"] }],
            { dnsNameservers: ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "9.9.9.10"] },
            "dnsNameservers",
            /^at most 5 nameservers$/,
        ],
        [
            "at least one nameserver",
            [{ dnsNameservers: ["9.9.9.9"] }],
            { dnsNameservers: [] },
            "dnsNameservers",
            /^must list at least one nameserver$/,
        ],
        [
            "SSH allowlist of either family",
            [{ sshAllowedCidrs: ["2001:db8::/32"] }, { sshAllowedCidrs: [] }],
            { sshAllowedCidrs: ["2001:db8::1/32"] },
            "sshAllowedCidrs[0]",
            /^has host bits set/,
        ],
        [
            "the tunnel allowlist never admits the internet",
            [{ tunnelAllowedCidrs: ["0.0.0.0/1"] }],
            { tunnelAllowedCidrs: ["0.0.0.0/0"] },
            "tunnelAllowedCidrs",
            /^must not admit the whole internet/,
        ],
        [
            "the tunnel allowlist is IPv4",
            [{ tunnelAllowedCidrs: ["203.0.113.0/24"] }],
            { tunnelAllowedCidrs: ["2001:db8::/32"] },
            "tunnelAllowedCidrs[0]",
            /^must be an IPv4 CIDR$/,
        ],
        [
            "keepalive below the idle timeout",
            [{ tunnelKeepaliveSeconds: 59, lbIdleTimeoutSeconds: 60 }],
            { tunnelKeepaliveSeconds: 60, lbIdleTimeoutSeconds: 60 },
            "tunnelKeepaliveSeconds",
            /^must be shorter than lbIdleTimeoutSeconds \(60\)/,
        ],
        [
            "early renewal shorter than validity",
            [{ certEarlyRenewalHours: 8759 }],
            { certEarlyRenewalHours: 8760 },
            "certEarlyRenewalHours",
            /^must be shorter than certValidityHours \(8760\)/,
        ],
        [
            "no certificate outlives its CA",
            [{ certValidityHours: 87600 }],
            { certValidityHours: 87601 },
            "certValidityHours",
            /^must not exceed caValidityHours \(87600\)/,
        ],
        [
            "join tokens 1..168 hours",
            [{ joinTokenHours: 168 }],
            { joinTokenHours: 169 },
            "joinTokenHours",
            /^must be a number of hours from 1 to 168$/,
        ],
        [
            "distinct NodePorts",
            [{ openvpnNodePort: 30195 }],
            { openvpnNodePort: 30443 },
            "openvpnNodePort",
            /^equals apiserverNodePort; every NodePort/,
        ],
        [
            "the tunnel port is free",
            [{ tunnelPort: 8131 }],
            { tunnelPort: 8133 },
            "tunnelPort",
            /^is taken by konnectivity-server's admin port; .*\(taken: /,
        ],
        [
            "the tunnel port is not OpenVPN's",
            [{ tunnelPort: 1195 }],
            { tunnelPort: 1194 },
            "tunnelPort",
            /^is taken by OpenVPN on the load balancer/,
        ],
        [
            "pods and workers apart",
            [{ workerTenant: { ...worker, network: { cidr: "192.168.2.0/24" } } }],
            { podCidr: "192.168.0.0/16" },
            "workerTenant.network.cidr",
            /^overlaps podCidr \(192.168.0.0\/16\)/,
        ],
        [
            "services and workers apart",
            [{ serviceCidr: "10.241.0.0/16" }],
            { serviceCidr: "192.168.0.0/16" },
            "workerTenant.network.cidr",
            /^overlaps serviceCidr \(192.168.0.0\/16\)/,
        ],
        [
            "seed nodes on the seed subnet",
            [{ seed: { ...seed, nodeAddresses: ["10.0.0.254"] } }],
            { seed: { ...seed, nodeAddresses: ["10.0.0.11", "10.0.1.12"] } },
            "seed.nodeAddresses[1]",
            /^is outside the control-plane tenant's subnet 10.0.0.0\/24/,
        ],
        [
            "seed nodes once",
            [{ seed: { ...seed, nodeAddresses: ["10.0.0.11"] } }],
            { seed: { ...seed, nodeAddresses: ["10.0.0.11", "10.0.0.12", "10.0.0.11"] } },
            "seed.nodeAddresses[2]",
            /^is listed twice$/,
        ],
        [
            "at least one seed node",
            [{ seed: { ...seed, nodeAddresses: ["10.0.0.11"] } }],
            { seed: { ...seed, nodeAddresses: [] } },
            "seed.nodeAddresses",
            /^must list at least one seed node address/,
        ],
        [
            "required anti-affinity needs a node per member",
            [
                { etcdAntiAffinity: "required" },
                { etcdAntiAffinity: "required", etcdReplicas: 1, seed: { ...seed, nodeAddresses: ["10.0.0.11"] } },
            ],
            { etcdAntiAffinity: "required", etcdReplicas: 5 },
            "etcdAntiAffinity",
            /^needs at least as many seed nodes as etcd members: etcdReplicas is 5, seed.nodeAddresses lists 3/,
        ],
        [
            "pool names are DNS labels",
            [{ workerPools: [{ ...pool, name: "a".repeat(20) }] }],
            { workerPools: [{ ...pool, name: "a".repeat(21) }] },
            "workerPools[0].name",
            /^at most 20 characters/,
        ],
        [
            "pool names once",
            [{ workerPools: [pool, { ...pool, name: "big" }] }],
            { workerPools: [pool, { ...pool, size: 1 }] },
            "workerPools[1].name",
            /^names a pool twice/,
        ],
        [
            "node names fit 63 characters",
            [{ clusterName: "c".repeat(39), workerPools: [{ ...pool, name: "p".repeat(20), size: 100 }] }],
            { clusterName: "c".repeat(40), workerPools: [{ ...pool, name: "p".repeat(20), size: 100 }] },
            "workerPools[0].name",
            /^makes node names longer than 63 characters/,
        ],
        [
            "an empty pool names node 0",
            [{ clusterName: "c".repeat(40), workerPools: [{ ...pool, name: "p".repeat(20), size: 0 }] }],
            { clusterName: "c".repeat(41), workerPools: [{ ...pool, name: "p".repeat(20), size: 0 }] },
            "workerPools[0].name",
            /longer than 63/,
        ],
        [
            "pool sizes 0..100",
            [{ workerPools: [{ ...pool, size: 100 }] }],
            { workerPools: [{ ...pool, size: 101 }] },
            "workerPools[0].size",
            /^must be a number of nodes from 0 to 100$/,
        ],
        [
            "boot volumes 10..2000 GB",
            [{ workerPools: [{ ...pool, bootVolumeSizeGb: 10 }] }],
            { workerPools: [{ ...pool, bootVolumeSizeGb: 9 }] },
            "workerPools[0].bootVolumeSizeGb",
            /^must be a size in GB from 10 to 2000$/,
        ],
        [
            "kubelets not newer than the apiserver",
            [
                { workerPools: [{ ...pool, kubernetesVersion: "1.35" }] },
                { workerPools: [{ ...pool, kubernetesVersion: "1.36" }] },
            ],
            { workerPools: [{ ...pool, kubernetesVersion: "1.37" }] },
            "workerPools[0].kubernetesVersion",
            /^is newer than kubernetesVersion \(1.36\)/,
        ],
        [
            "project: id or name",
            [{ workerTenant: { ...worker, project: { id: "p-1" } } }],
            { workerTenant: { ...worker, project: { id: "p-1", name: "w" } } },
            "workerTenant.project",
            /^set exactly one of project.id/,
        ],
        [
            "project: one at least",
            [{ workerTenant: { ...worker, project: { name: "w" } } }],
            { workerTenant: { ...worker, project: {} } },
            "workerTenant.project",
            /^set exactly one of project.id/,
        ],
        [
            "an adopted project has no roles",
            [{ workerTenant: { ...worker, project: { name: "w", roles: ["member"] } } }],
            { workerTenant: { ...worker, project: { id: "p-1", roles: ["member"] } } },
            "workerTenant.project.roles",
            /^only applies when the stack creates the project/,
        ],
        [
            "an adopted project has no domain",
            [{ workerTenant: { ...worker, project: { name: "w", domainId: "d" } } }],
            { workerTenant: { ...worker, project: { id: "p-1", domainId: "d" } } },
            "workerTenant.project.domainId",
            /^only applies when/,
        ],
        [
            "an adopted project has no description",
            [{ workerTenant: { ...worker, project: { name: "w", description: "x" } } }],
            { workerTenant: { ...worker, project: { id: "p-1", description: "x" } } },
            "workerTenant.project.description",
            /^only applies when/,
        ],
        [
            "a created project names a role at least",
            [{ workerTenant: { ...worker, project: { name: "w", roles: ["r"] } } }],
            { workerTenant: { ...worker, project: { name: "w", roles: [] } } },
            "workerTenant.project.roles",
            /^must name at least one role$/,
        ],
        [
            "an adopted network: all three ids",
            [
                {
                    workerTenant: {
                        ...worker,
                        network: { cidr: "192.168.1.0/24", networkId: "n", subnetId: "s", routerId: "r" },
                    },
                },
            ],
            { workerTenant: { ...worker, network: { cidr: "192.168.1.0/24", networkId: "n", subnetId: "s" } } },
            "workerTenant.network",
            /^to adopt an existing network set all of/,
        ],
        [
            "an adopted network: not one id alone",
            [{ workerTenant: { ...worker, network: { cidr: "192.168.1.0/24" } } }],
            { workerTenant: { ...worker, network: { cidr: "192.168.1.0/24", routerId: "r" } } },
            "workerTenant.network",
            /^to adopt an existing network/,
        ],
        [
            "credentials: one kind",
            [{ workerTenant: { ...worker, credentials: { cloud: "c" } } }],
            { workerTenant: { ...worker, credentials: { cloud: "c", userName: "u", projectName: "p" } } },
            "workerTenant.credentials",
            /^set exactly one of credentials.cloud/,
        ],
        [
            "credentials: a kind at all",
            [{ workerTenant: { ...worker, credentials: { cloud: "c", region: "r" } } }],
            { workerTenant: { ...worker, credentials: { region: "r" } } },
            "workerTenant.credentials",
            /^set exactly one of/,
        ],
        [
            "credentials: Keystone's URL without clouds.yaml",
            [
                {
                    workerTenant: {
                        ...worker,
                        project: { id: "p-1" },
                        credentials: { applicationCredentialId: "a", authUrl: "https://k/v3" },
                    },
                },
            ],
            { workerTenant: { ...worker, project: { id: "p-1" }, credentials: { applicationCredentialId: "a" } } },
            "workerTenant.credentials.authUrl",
            /^is required with applicationCredentialId or userName$/,
        ],
        [
            "credentials: a user signs in to a project",
            [
                {
                    workerTenant: {
                        ...worker,
                        credentials: { userName: "u", authUrl: "https://k/v3", projectName: "p" },
                    },
                },
            ],
            { workerTenant: { ...worker, credentials: { userName: "u", authUrl: "https://k/v3" } } },
            "workerTenant.credentials.projectName",
            /^is required with userName/,
        ],
        [
            "credentials: a URL",
            [
                {
                    workerTenant: {
                        ...worker,
                        credentials: { userName: "u", authUrl: "http://k:5000/v3", projectName: "p" },
                    },
                },
            ],
            { workerTenant: { ...worker, credentials: { userName: "u", authUrl: "keystone", projectName: "p" } } },
            "workerTenant.credentials.authUrl",
            /^must be the Keystone URL/,
        ],
        [
            "the control plane adopts its network",
            [{ controlPlaneTenant: cp }],
            { controlPlaneTenant: { ...cp, network: { cidr: "10.0.0.0/24" } } },
            "controlPlaneTenant.network",
            /^a cluster adopts the seed's network/,
        ],
    ];
    for (const [rule, accepted, rejected, key, message] of rules) {
        it(rule, () => {
            for (const changes of accepted) assert.deepStrictEqual(problems(changes), [], JSON.stringify(changes));
            assertOnly(rejected, key, message);
        });
    }

    it("names what a non-object must be, and the nearest key of a misspelt one, inside lists too", () => {
        assertOnly(
            { seed: "10.0.0.11" },
            "seed",
            /^must be an object \(keys: nodeAddresses, securityGroupId, securityGroupProjectId\)$/,
        );
        assertOnly(
            { workerPools: ["small"] },
            "workerPools[0]",
            /^must be an object with name, size, flavor and image$/,
        );
        assertOnly(
            { workerPools: [{ ...pool, flavour: "m1.small" }] },
            "workerPools[0].flavour",
            /did you mean flavor\?$/,
        );
        assertOnly({ serviceCidr: "10.96.0.0/33" }, "serviceCidr", /^must be a CIDR such as 10.0.0.0\/24$/);
    });

    it("accepts the dev config and reports a bad nested value at its own path", () => {
        assert.deepStrictEqual(problems({}), []);
        assertOnly(
            { workerTenant: { ...worker, credentials: { userName: "u", authUrl: "https://k/v3", projectName: " " } } },
            "workerTenant.credentials.projectName",
            /^must be a project name$/,
        );
        assertOnly(
            { seed: { ...seed, securityGroupId: "" } },
            "seed.securityGroupId",
            /^must be the id of the seed nodes' security group$/,
        );
        assertOnly(
            { seed: { ...seed, securityGroupProjectId: "" } },
            "seed.securityGroupProjectId",
            /^must be a project id$/,
        );
    });
});

describe("config schema, the exact problem of each cross-key rule", () => {
    const openvpn =
        "in openvpn mode the tunnel network must be disjoint from the worker, pod, service and seed networks";
    const routed =
        "in openvpn mode the apiserver pods route this network into the tunnel, so it must not hold the seed's nodes";
    const taken = "the usual agent port is 8132 (taken: 1194, 6443, 8133, 8134)";
    // [what, change, the one problem it gives]; a change marked openvpn is accepted in konnectivity mode.
    const rules: [string, Obj, string, boolean][] = [
        ...(
            [
                ["172.25.8.0/24", "podCidr (172.25.0.0/16)"],
                ["10.240.16.0/24", "serviceCidr (10.240.16.0/20)"],
                ["192.168.1.0/28", "workerTenant.network.cidr (192.168.1.0/24)"],
                ["10.0.0.0/28", "controlPlaneTenant.network.cidr (10.0.0.0/24)"],
            ] as const
        ).map(([cidr, what]): [string, Obj, string, boolean] => [
            `the OpenVPN network apart from ${what}`,
            { openvpnCidr: cidr },
            `openvpnCidr: overlaps ${what}; ${openvpn}`,
            true,
        ]),
        [
            "pods apart from the seed in openvpn mode",
            { podCidr: "10.0.0.0/16" },
            `podCidr: overlaps controlPlaneTenant.network.cidr (10.0.0.0/24); ${routed}`,
            true,
        ],
        [
            "services apart from the seed in openvpn mode",
            { serviceCidr: "10.0.0.0/24" },
            `serviceCidr: overlaps controlPlaneTenant.network.cidr (10.0.0.0/24); ${routed}`,
            true,
        ],
        [
            "workers apart from the seed in openvpn mode",
            { workerTenant: { ...worker, network: { cidr: "10.0.0.0/25" } } },
            `workerTenant.network.cidr: overlaps controlPlaneTenant.network.cidr (10.0.0.0/24); ${routed}`,
            true,
        ],
        [
            "an OpenVPN network of /28 at least",
            { openvpnCidr: "10.20.0.0/29" },
            "openvpnCidr: must be /28 or larger: the server, every apiserver replica's client (and one more during a rollout) and the user cluster's client each take an address",
            false,
        ],
        [
            "an OpenVPN network that is a CIDR",
            { openvpnCidr: "tun0" },
            "openvpnCidr: must be a CIDR such as 10.0.0.0/24",
            false,
        ],
        [
            "the tunnel port is not the apiserver's",
            { tunnelPort: 6443 },
            `tunnelPort: is taken by the apiserver on the load balancer; ${taken}`,
            false,
        ],
        [
            "the tunnel port is not OpenVPN's",
            { tunnelPort: 1194 },
            `tunnelPort: is taken by OpenVPN on the load balancer; ${taken}`,
            false,
        ],
        [
            "the tunnel port is not the admin port",
            { tunnelPort: 8133 },
            `tunnelPort: is taken by konnectivity-server's admin port; ${taken}`,
            false,
        ],
        [
            "the tunnel port is not the health port",
            { tunnelPort: 8134 },
            `tunnelPort: is taken by konnectivity-server's health port; ${taken}`,
            false,
        ],
        [
            "services apart from pods",
            { serviceCidr: "172.25.0.0/20" },
            "serviceCidr: overlaps podCidr (172.25.0.0/16); pod, service and worker networks must be disjoint",
            false,
        ],
        [
            "the control plane adopts its project",
            { controlPlaneTenant: { ...cp, project: { name: "gks-seed" } } },
            "controlPlaneTenant.project: a cluster adopts the control-plane project (project.id), which holds the seed's network and so exists before any cluster; the platform stack (platform/) creates it. Or set platformStack",
            false,
        ],
        [
            "application credentials cannot create a project",
            {
                workerTenant: {
                    ...worker,
                    credentials: { applicationCredentialId: "a", authUrl: "https://k/v3" },
                },
            },
            "workerTenant.credentials.applicationCredentialId: cannot create a project: application credentials are bound to their own project. Use credentials.cloud or credentials.userName, or adopt the project with project.id",
            false,
        ],
        [
            "an allowlist entry is a CIDR",
            { sshAllowedCidrs: ["198.51.100.7"] },
            "sshAllowedCidrs[0]: must be a CIDR such as 10.0.0.0/24",
            false,
        ],
        [
            "an allowlist entry is a network address",
            { sshAllowedCidrs: ["2001:db8::1/64"] },
            "sshAllowedCidrs[0]: has host bits set: use the network address (e.g. 10.0.0.0/24, not 10.0.0.5/24)",
            false,
        ],
    ];
    for (const [rule, change, problem, openvpnOnly] of rules) {
        it(rule, () => {
            const mode = openvpnOnly ? { tunnelMode: "openvpn" } : {};
            assert.deepStrictEqual(problems({ ...mode, ...change }), [problem]);
            if (openvpnOnly) assert.deepStrictEqual(problems(change), []);
        });
    }

    it("gives a value that is no CIDR that one problem, wherever a CIDR goes", () => {
        const notCidr = "must be a CIDR such as 10.0.0.0/24";
        for (const [change, key] of [
            [{ podCidr: "tun0" }, "podCidr"],
            [{ serviceCidr: "tun0" }, "serviceCidr"],
            [{ tunnelMode: "openvpn", openvpnCidr: "tun0" }, "openvpnCidr"],
            [{ workerTenant: { ...worker, network: { cidr: "tun0" } } }, "workerTenant.network.cidr"],
            [{ apiAllowedCidrs: ["tun0"] }, "apiAllowedCidrs[0]"],
        ] as const) {
            assert.deepStrictEqual(problems(change), [`${key}: ${notCidr}`], key);
        }
        assert.deepStrictEqual(problems({ podCidr: "fd00::/8" }), ["podCidr: must be an IPv4 CIDR"]);
    });

    it("takes etcdReplicas as a number or as text, nothing else", () => {
        for (const ok of [3, "3", " 5 "]) assert.deepStrictEqual(problems({ etcdReplicas: ok }), [], String(ok));
        for (const bad of [true, "3.0", "x3", "three"]) {
            assert.deepStrictEqual(
                problems({ etcdReplicas: bad }),
                ["etcdReplicas: allowed: 1, 3 or 5 (an odd quorum)"],
                String(bad),
            );
        }
    });

    it("takes an OpenVPN network of exactly /28 and a pool that runs the cluster's version", () => {
        assert.deepStrictEqual(problems({ tunnelMode: "openvpn", openvpnCidr: "10.20.0.0/28" }), []);
        assert.deepStrictEqual(problems({ workerPools: [{ ...pool, kubernetesVersion: "1.36" }] }), []);
    });
});

describe("config schema, ids another resource provides later", () => {
    const tenant = (network: Obj) =>
        tenantSchema.safeParse({ ...worker, network: { cidr: "192.168.1.0/24", ...network } });

    it("passes Outputs and Promises through unchecked, each as an Output of its value", async () => {
        const ids = { networkId: pulumi.output(""), subnetId: Promise.resolve("s-1"), routerId: pulumi.output("r") };
        const parsed = tenant(ids);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
        const values = await Promise.all(
            (["networkId", "subnetId", "routerId"] as const).map((key) => {
                const id = parsed.data.network[key];
                assert.ok(pulumi.Output.isInstance(id), key);
                return new Promise((resolve) => id.apply(resolve));
            }),
        );
        assert.deepStrictEqual(values, ["", "s-1", "r"]);
        assert.ok(isUnresolved(ids.networkId) && isUnresolved(ids.subnetId));
        assert.ok(!isUnresolved("n") && !isUnresolved({ then: "x" }) && !isUnresolved(undefined));
    });

    it("checks an id that is known now, at its own key", () => {
        const parsed = tenant({ networkId: " ", subnetId: pulumi.output("s"), routerId: "r" });
        assert.ok(!parsed.success);
        assert.deepStrictEqual(
            parsed.error.issues.map((i) => [i.path.join("."), i.message]),
            [["network.networkId", "must be a network id"]],
        );
    });
});

describe("config schema, all problems at once", () => {
    it("shows the value at each problem's key, for cross-key rules too", () => {
        const config = devInlineConfig({ serviceCidr: "172.25.0.0/20", tunnelPort: 6443, sshAllowedCidrs: ["x"] });
        pulumi.runtime.setAllConfig(config.values, config.secretKeys);
        assert.throws(
            () => loadSettings(new pulumi.Config("gks-cluster")),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.deepStrictEqual(
                    e.problems.map((p) => [p.key, p.value]),
                    [
                        ["gks-cluster:sshAllowedCidrs[0]", "x"],
                        ["gks-cluster:serviceCidr", "172.25.0.0/20"],
                        ["gks-cluster:tunnelPort", "6443"],
                    ],
                );
                return true;
            },
        );
    });

    it("reports field problems and cross-key problems of one config together", () =>
        assert.deepStrictEqual(problems({ sshAllowedCidrs: ["10.0.0.5/24"], serviceCidr: "172.25.0.0/20" }), [
            "sshAllowedCidrs[0]: has host bits set: use the network address (e.g. 10.0.0.0/24, not 10.0.0.5/24)",
            "serviceCidr: overlaps podCidr (172.25.0.0/16); pod, service and worker networks must be disjoint",
        ]));
});
