import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigProblem, defaults } from "../components/config";
import { rawConfigSchema } from "../components/config/schema";
import { ProgramRun, projectDefaults, projectRoot, runProgram } from "./harness";
import { devConfig, devObject, devRun } from "./fixtures";

const cp = devObject<Record<string, Record<string, unknown>>>("controlPlaneTenant");
const worker = devObject<Record<string, Record<string, unknown>>>("workerTenant");
const seed = devObject<Record<string, unknown>>("seed");

/** [what is wrong, the config changes, the key the message must name] */
const invalid: [string, Record<string, unknown>, string][] = [
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
    ["an unknown tenant field", { workerTenant: { ...worker, flavor: "m1" } }, "gks-cluster:workerTenant"],
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
    ["a misspelled key", { agentReplica: 3 }, "gks-cluster:agentReplica"],
];

/** The problems of the ConfigError a run failed with (the class is reloaded with each run). */
function configProblems(run: ProgramRun): readonly ConfigProblem[] {
    assert.strictEqual(run.error?.name, "ConfigError", `expected a ConfigError, got ${run.error}`);
    return (run.error as Error & { problems: readonly ConfigProblem[] }).problems;
}

describe("config validation", () => {
    for (const [what, changes, key] of invalid) {
        it(`rejects ${what}, naming ${key}, before any resource`, async () => {
            const run = await runProgram(devConfig(changes));
            const problem = configProblems(run).find((p) => p.key === key);
            assert.ok(problem, `no problem names ${key}:\n${run.error?.message}`);
            assert.ok(run.error?.message.includes(key));
            assert.ok(problem.message.length > 10);
            assert.deepStrictEqual(
                run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type),
                [],
                "no resource may be registered",
            );
        });
    }

    it(`covers at least 25 distinct invalid configs (${invalid.length})`, () => {
        assert.ok(new Set(invalid.map(([, c]) => JSON.stringify(c))).size >= 25);
    });

    it("reports several problems together, each with its key and value", async () => {
        const run = await runProgram(
            devConfig({
                clusterName: "Bad!",
                apiserverReplicas: 0,
                podCidr: "10.240.16.0/20",
                apiAllowedCidrs: ["nope"],
            }),
        );
        const keys = configProblems(run).map((p) => p.key);
        for (const key of [
            "gks-cluster:clusterName",
            "gks-cluster:apiserverReplicas",
            "gks-cluster:serviceCidr",
            "gks-cluster:apiAllowedCidrs[0]",
        ]) {
            assert.ok(keys.includes(key), `${key} missing in ${keys.join(", ")}`);
        }
        assert.match(String(run.error?.message), /clusterName = "Bad!"/);
        assert.match(String(run.error?.message), /apiserverReplicas = 0: must be a whole number from 1 to 7/);
        assert.match(String(run.error?.message), /^Invalid stack configuration \(\d+ problems\)/);
    });

    it("names a misspelled key without printing its value, which may be a secret", async () => {
        const run = await runProgram(devConfig({ workerCredentialsSecret: "hunter2-do-not-log" }));
        const problem = configProblems(run).find((p) => p.key === "gks-cluster:workerCredentialsSecret");
        assert.ok(problem);
        assert.doesNotMatch(String(run.error?.message), /hunter2/);
    });

    it("reports a missing secret together with schema problems", async () => {
        const run = await runProgram(devConfig({ workerCredentialSecret: undefined, apiserverReplicas: 0 }));
        const keys = configProblems(run).map((p) => p.key);
        assert.ok(
            keys.includes("gks-cluster:workerCredentialSecret") && keys.includes("gks-cluster:apiserverReplicas"),
            keys.join(),
        );
    });

    it("accepts the dev stack", async () => {
        const run = await devRun();
        assert.strictEqual(run.error, undefined);
    });
});

describe("config defaults and schema", () => {
    const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { type: string; description?: string; default?: unknown; secret?: boolean }>;
    };

    it("declares every scalar and list key in Pulumi.yaml with a type and description", () => {
        const structured = ["controlPlaneTenant", "workerTenant", "seed"];
        for (const key of Object.keys(rawConfigSchema.shape).filter((k) => !structured.includes(k))) {
            const decl = project.config[key];
            assert.ok(decl, `Pulumi.yaml does not declare ${key}`);
            assert.ok(decl.type && decl.description, `${key} needs a type and a description`);
        }
    });

    it("gives Pulumi.yaml the same defaults as components/config/defaults.ts", () => {
        const declared = projectDefaults();
        for (const [key, value] of Object.entries(defaults)) {
            const fullKey = `gks-cluster:${key}`;
            if (!(fullKey in declared)) continue;
            assert.strictEqual(declared[fullKey], typeof value === "string" ? value : JSON.stringify(value), key);
        }
        const undeclared = Object.keys(project.config).filter(
            (k) => project.config[k].default !== undefined && !(k in defaults),
        );
        assert.deepStrictEqual(undeclared, []);
    });

    it("documents every key in the README", () => {
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
        for (const key of [
            ...Object.keys(rawConfigSchema.shape),
            "seedKubeconfig",
            "controlPlaneCredentialSecret",
            "workerCredentialSecret",
        ]) {
            assert.ok(readme.includes(`\`${key}\``), `README does not document ${key}`);
        }
    });
});
