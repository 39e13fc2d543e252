/**
 * Test 5: every rendered object passes a real kube-apiserver's server-side dry-run: the seed's
 * against a second apiserver playing the seed (its Namespace created for real, so that the
 * namespace's Pod Security level is enforced on pods made from every pod template), the user
 * cluster's against the lab's own apiserver.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { etcdVersion } from "../build/targets";
import { Lab, nth } from "../lib/lab";
import { RunResult } from "../lib/proc";
import { K8sObject } from "../lib/render";
import { SeedApiserver } from "../lib/seedApiserver";

type Kubectl = (args: readonly string[], options?: { input?: string; timeoutMs?: number }) => Promise<RunResult>;

const describeObject = (o: K8sObject) =>
    `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** `kubectl apply --dry-run=server` of each object; every one accepted, without warnings. */
async function dryRunEach(kubectl: Kubectl, objects: readonly K8sObject[]): Promise<void> {
    const problems: string[] = [];
    for (const o of objects) {
        const r = await kubectl(["apply", "--dry-run=server", "-f", "-"], {
            input: JSON.stringify(o),
            timeoutMs: 30_000,
        });
        if (r.code !== 0) problems.push(`${describeObject(o)} refused: ${r.stderr.trim()}`);
        else if (/Warning:/.test(r.stderr)) problems.push(`${describeObject(o)} warned: ${r.stderr.trim()}`);
    }
    assert.deepEqual(problems, [], problems.join("\n"));
}

/** The Pod a workload's controller would create from its template. */
function podFrom(o: K8sObject): K8sObject {
    const spec = o.spec as {
        template: {
            metadata: { labels?: Record<string, string> };
            spec: { volumes?: unknown[] } & Record<string, unknown>;
        };
        volumeClaimTemplates?: { metadata: { name: string } }[];
    };
    const claims = (spec.volumeClaimTemplates ?? []).map((t) => ({
        name: t.metadata.name,
        persistentVolumeClaim: { claimName: `${t.metadata.name}-${o.metadata.name}-0` },
    }));
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: `${o.metadata.name}-0`,
            namespace: o.metadata.namespace,
            labels: spec.template.metadata.labels,
        },
        spec: { ...spec.template.spec, volumes: [...(spec.template.spec.volumes ?? []), ...claims] },
    };
}

export async function dryRunSeed(lab: Lab): Promise<void> {
    const seed = lab.render.seed;
    const etcdImage = seed
        .flatMap((o) =>
            (
                (o.spec as { template?: { spec: { containers: { image: string }[] } } })?.template?.spec.containers ??
                []
            ).map((c) => c.image),
        )
        .find((i) => i.includes("/etcd:"))!;
    const api = new SeedApiserver({
        fabric: lab.fabric,
        network: "public",
        address: `${nth(lab.publicCidr, 201)}/${lab.publicCidr.split("/")[1]}`,
        kubernetes: String(lab.render.outputs.kubernetesVersion),
        etcd: etcdVersion(etcdImage.split(":").pop()!),
        dir: path.join(lab.root, "seed-apiserver"),
    });
    try {
        await api.start();
        const kubectl: Kubectl = (args, o) => api.kubectl(args, o);
        const namespaces = seed.filter((o) => o.kind === "Namespace");
        assert.equal(namespaces.length, 1, "the seed render should hold exactly one Namespace");
        const ns = namespaces[0];
        const applied = await kubectl(["apply", "-f", "-"], { input: JSON.stringify(ns) });
        assert.equal(applied.code, 0, applied.stderr);
        // The seed's own controller-manager would create the namespace's default ServiceAccount,
        // which pods refer to; this seed runs none.
        const sa = {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "default", namespace: ns.metadata.name },
        };
        const saCreated = await kubectl(["apply", "-f", "-"], { input: JSON.stringify(sa) });
        assert.equal(saCreated.code, 0, saCreated.stderr);
        const level = ns.metadata.labels?.["pod-security.kubernetes.io/enforce"];
        assert.ok(level, "the seed namespace enforces no Pod Security level");

        await dryRunEach(
            kubectl,
            seed.filter((o) => o.kind !== "Namespace"),
        );

        const workloads = seed.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));
        assert.ok(workloads.length >= 4, `only ${workloads.map(describeObject).join(", ")}`);
        const problems: string[] = [];
        for (const w of workloads) {
            const r = await kubectl(["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(podFrom(w)) });
            if (r.code !== 0 || /Warning:/.test(r.stderr))
                problems.push(`a pod of ${describeObject(w)}: ${r.stderr.trim()}`);
        }
        assert.deepEqual(problems, [], problems.join("\n"));

        // The control: the same namespace refuses a pod that sets no security context at all.
        const plain = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "plain", namespace: ns.metadata.name },
            spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
        };
        const refused = await kubectl(["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(plain) });
        assert.notEqual(refused.code, 0, `the ${level} namespace admitted a pod without a security context`);
        assert.match(refused.stderr, /violates PodSecurity/);
    } finally {
        await api.stop();
    }
}

export async function dryRunUserCluster(lab: Lab): Promise<void> {
    await dryRunEach((args, o) => lab.kubectl(args, o), lab.render.userCluster);
}
