import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    agentDaemonSet,
    agentDeployment,
    AgentWorkloadArgs,
    agentFlags,
    agentPodDisruptionBudget,
    validateAgentFlags,
} from "../components/tunnel/konnectivity";
import { kubeletApiClusterRoleBinding } from "../components/tunnel";
import { checksumAnnotation } from "../components/shared/checksum";

const args: AgentWorkloadArgs = {
    image: "registry.k8s.io/kas-network-proxy/proxy-agent:v0.36.0",
    mode: "deployment",
    replicas: 2,
    proxyServerHost: "203.0.113.10",
    proxyServerPort: 8132,
    apiHost: "203.0.113.10",
    keepaliveSeconds: 30,
    serverCounting: "leases",
    certificatesChecksum: "abc",
    secretName: "konnectivity-agent-certificates",
    serviceAccountName: "konnectivity-agent",
};

/** Builders take Inputs; in pure tests every Input is a plain value or an Output of one. */
function plain<T>(value: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => pulumi.output(value as pulumi.Input<T>).apply((v) => resolve(v as T)));
}

describe("konnectivity agent builders (pure)", () => {
    it("builds mTLS flags with sync-forever, a 30 s keepalive and a localhost admin port", () => {
        const flags = agentFlags({
            proxyServerHost: "203.0.113.10",
            proxyServerPort: 8132,
            keepaliveSeconds: 30,
            mode: "deployment",
            serverCounting: "static",
        });
        for (const f of [
            "--proxy-server-host=203.0.113.10",
            "--proxy-server-port=8132",
            "--ca-cert=/etc/konnectivity-agent/ca.crt",
            "--agent-cert=/etc/konnectivity-agent/tls.crt",
            "--agent-key=/etc/konnectivity-agent/tls.key",
            "--sync-forever=true",
            "--keepalive-time=30s",
            "--health-server-port=8093",
            "--admin-server-port=8094",
            "--admin-bind-address=127.0.0.1",
        ]) {
            assert.ok(flags.includes(f), f);
        }
        assert.ok(!flags.some((f) => f.startsWith("--agent-identifiers")));
        assert.deepStrictEqual(validateAgentFlags(flags), []);
    });

    it("counts the servers' leases, with the servers' own count as the floor, only with lease counting", () => {
        const base = { proxyServerHost: "h", proxyServerPort: 8132, keepaliveSeconds: 30, mode: "deployment" } as const;
        const leases = agentFlags({ ...base, serverCounting: "leases" });
        for (const f of [
            "--count-server-leases=true",
            "--server-count-source=max",
            "--lease-namespace=kube-system",
            "--lease-label=k8s-app=konnectivity-server",
        ]) {
            assert.ok(leases.includes(f), f);
        }
        assert.deepStrictEqual(validateAgentFlags(leases), []);
        const fixed = agentFlags({ ...base, serverCounting: "static" });
        assert.ok(!fixed.some((f) => /lease|server-count-source/.test(f)), fixed.join(" "));
        assert.match(
            validateAgentFlags(leases.filter((f) => !f.startsWith("--server-count-source"))).join(),
            /--server-count-source=max belongs with --count-server-leases/,
        );
        assert.match(validateAgentFlags([...fixed, "--server-count-source=min"]).join(), /default or max/);
    });

    it("announces the node's address in DaemonSet mode", () => {
        const flags = agentFlags({
            proxyServerHost: "h",
            proxyServerPort: 8132,
            keepaliveSeconds: 30,
            mode: "daemonset",
            serverCounting: "static",
        });
        assert.ok(flags.includes("--agent-identifiers=ipv4=$(HOST_IP)"));
    });

    it("refuses to build flags that break the tunnel", () => {
        assert.throws(
            () =>
                agentFlags({
                    proxyServerHost: "h",
                    proxyServerPort: 80,
                    keepaliveSeconds: 10,
                    mode: "deployment",
                    serverCounting: "static",
                }),
            /1024\.\.49151[\s\S]*at least 30s/,
        );
    });

    it("flags what breaks the tunnel", () => {
        const good = agentFlags({
            proxyServerHost: "h",
            proxyServerPort: 8132,
            keepaliveSeconds: 30,
            mode: "deployment",
            serverCounting: "static",
        });
        const without = (name: string) => good.filter((f) => !f.startsWith(`--${name}=`));
        assert.match(validateAgentFlags(without("ca-cert")).join(), /--ca-cert is required/);
        assert.match(validateAgentFlags(without("sync-forever")).join(), /--sync-forever=true is required/);
        assert.match(validateAgentFlags([...without("keepalive-time"), "--keepalive-time=10s"]).join(), /at least 30s/);
        assert.deepStrictEqual(
            validateAgentFlags([...without("keepalive-time"), "--keepalive-time=1m"]),
            [],
            "Go durations",
        );
        assert.match(
            validateAgentFlags([...without("proxy-server-port"), "--proxy-server-port=80"]).join(),
            /1024\.\.49151/,
        );
    });

    it("runs the agent Deployment hardened, critical, spread and rolled by a certificate checksum", async () => {
        const d = agentDeployment(args);
        const spec = (await plain(d.spec))!;
        const template = (await plain(spec.template))!;
        const pod = (await plain(template.spec))!;
        const container = (await plain(pod.containers))![0] as unknown as Record<string, unknown>;
        assert.strictEqual(await plain(spec.replicas), 2);
        assert.strictEqual(pod.priorityClassName, "system-cluster-critical");
        // Independent of the CNI: host network, and scheduled on nodes that are not ready (no CNI yet, or a broken one).
        assert.strictEqual(pod.hostNetwork, true);
        assert.deepStrictEqual(pod.tolerations, [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node.kubernetes.io/not-ready", operator: "Exists" },
        ]);
        assert.deepStrictEqual((await plain(template.metadata))!.annotations, { [checksumAnnotation]: "abc" });
        const anti = (await plain(pod.affinity))!.podAntiAffinity as Record<string, Array<Record<string, unknown>>>;
        assert.strictEqual(
            anti.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
            "kubernetes.io/hostname",
        );
        assert.strictEqual(
            (anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm as Record<string, unknown>)
                .topologyKey,
            "topology.kubernetes.io/zone",
        );
        assert.deepStrictEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepStrictEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        assert.deepStrictEqual(container.resources, {
            requests: { cpu: "50m", memory: "32Mi" },
            limits: { memory: "128Mi" },
        });
        assert.strictEqual((container.livenessProbe as { httpGet: { path: string } }).httpGet.path, "/healthz");
        assert.strictEqual((container.readinessProbe as { httpGet: { path: string } }).httpGet.path, "/readyz");
        const flags = await plain(container.args as pulumi.Input<string[]>);
        assert.deepStrictEqual(validateAgentFlags(flags), []);
        assert.strictEqual(container.image, "registry.k8s.io/kas-network-proxy/proxy-agent:v0.36.0");
    });

    it("runs one agent per node in DaemonSet mode, tolerating every taint", async () => {
        const ds = agentDaemonSet({ ...args, mode: "daemonset" });
        const template = (await plain((await plain(ds.spec))!.template))!;
        const pod = (await plain(template.spec))!;
        assert.deepStrictEqual(pod.tolerations, [{ operator: "Exists" }]);
        assert.strictEqual(pod.hostNetwork, true);
        assert.strictEqual(pod.affinity, undefined);
    });

    it("keeps one agent through disruptions and lets the apiserver's kubelet client use the kubelet API", async () => {
        const two = (await plain(agentPodDisruptionBudget(2).spec))!;
        assert.deepStrictEqual([two.minAvailable, two.maxUnavailable], [1, undefined]);
        const one = (await plain(agentPodDisruptionBudget(1).spec))!;
        assert.deepStrictEqual(
            [one.minAvailable, one.maxUnavailable],
            [undefined, 1],
            "a lone agent must not block drains",
        );
        const binding = kubeletApiClusterRoleBinding("kube-apiserver-kubelet-client");
        assert.deepStrictEqual(await plain(binding.roleRef), {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "system:kubelet-api-admin",
        });
        assert.deepStrictEqual(await plain(binding.subjects), [
            { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kube-apiserver-kubelet-client" },
        ]);
    });
});
