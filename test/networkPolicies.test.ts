import * as assert from "assert";
import { admits, NetworkPolicyView, Source, Target } from "../policies/lib/networkPolicies";
import { devRun } from "./fixtures";
import { at, containerOf, one, ofType, ProgramRun, RecordedResource } from "./harness";

/**
 * The seed namespace's NetworkPolicies as the dev stack renders them, evaluated the way the
 * NetworkPolicy API defines (policies/lib/networkPolicies.ts): who reaches which pod on which port.
 */
describe("NetworkPolicies of the seed namespace", () => {
    let run: ProgramRun;
    let policies: NetworkPolicyView[];
    const pod = (workload: RecordedResource): Target => ({
        namespace: "cluster-dev",
        labels: at(workload.inputs, "spec.template.metadata.labels") as Record<string, string>,
        namedPorts: Object.fromEntries(
            (
                at(workload.inputs, "spec.template.spec.containers") as {
                    ports?: { name: string; containerPort: number }[];
                }[]
            )
                .flatMap((c) => c.ports ?? [])
                .map((p) => [p.name, p.containerPort]),
        ),
    });
    const from = (workload: RecordedResource): Source => ({ kind: "pod", ...pod(workload) });
    before(async () => {
        run = await devRun();
        policies = ofType(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => ({
            resource: {
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: r.inputs,
                dependencies: [],
                propertyDependencies: {},
            },
            namespace: String(at(r.inputs, "metadata.namespace")),
            spec: at(r.inputs, "spec") as Record<string, unknown>,
        }));
    });
    const w = (type: "Deployment" | "StatefulSet", name: string) =>
        one(run.resources, `kubernetes:apps/v1:${type}`, name);

    const cases: [string, () => Source, () => RecordedResource, number, boolean][] = [
        [
            "kube-apiserver -> etcd client",
            () => from(w("Deployment", "dev-apiserver")),
            () => w("StatefulSet", "dev-etcd"),
            2379,
            true,
        ],
        [
            "kube-apiserver -> etcd peer",
            () => from(w("Deployment", "dev-apiserver")),
            () => w("StatefulSet", "dev-etcd"),
            2380,
            false,
        ],
        [
            "etcd member -> etcd peer",
            () => from(w("StatefulSet", "dev-etcd")),
            () => w("StatefulSet", "dev-etcd"),
            2380,
            true,
        ],
        [
            "etcd member -> etcd metrics",
            () => from(w("StatefulSet", "dev-etcd")),
            () => w("StatefulSet", "dev-etcd"),
            2381,
            true,
        ],
        [
            "scheduler -> etcd client",
            () => from(w("Deployment", "dev-scheduler")),
            () => w("StatefulSet", "dev-etcd"),
            2379,
            false,
        ],
        [
            "a pod of another namespace -> etcd client",
            () => ({ kind: "pod", namespace: "cluster-other", labels: pod(w("Deployment", "dev-apiserver")).labels }),
            () => w("StatefulSet", "dev-etcd"),
            2379,
            false,
        ],
        [
            "an outside address -> etcd client",
            () => ({ kind: "address", address: "10.0.0.11" }),
            () => w("StatefulSet", "dev-etcd"),
            2379,
            false,
        ],
        [
            "the load balancer's path -> kube-apiserver",
            () => ({ kind: "address", address: "10.0.0.11" }),
            () => w("Deployment", "dev-apiserver"),
            6443,
            true,
        ],
        [
            "the load balancer's path -> the agent port",
            () => ({ kind: "address", address: "203.0.113.7" }),
            () => w("Deployment", "dev-apiserver"),
            8132,
            true,
        ],
        [
            "controller-manager -> kube-apiserver",
            () => from(w("Deployment", "dev-controller-manager")),
            () => w("Deployment", "dev-apiserver"),
            6443,
            true,
        ],
        [
            "anyone -> konnectivity's admin port",
            () => ({ kind: "address", address: "10.0.0.11" }),
            () => w("Deployment", "dev-apiserver"),
            8133,
            false,
        ],
        [
            "anyone -> konnectivity's health port",
            () => from(w("Deployment", "dev-scheduler")),
            () => w("Deployment", "dev-apiserver"),
            8134,
            false,
        ],
        [
            "anyone -> controller-manager's secure port",
            () => from(w("Deployment", "dev-apiserver")),
            () => w("Deployment", "dev-controller-manager"),
            10257,
            false,
        ],
        [
            "anyone -> scheduler's secure port",
            () => ({ kind: "address", address: "10.0.0.12" }),
            () => w("Deployment", "dev-scheduler"),
            10259,
            false,
        ],
    ];
    for (const [what, source, target, port, expected] of cases) {
        it(`${expected ? "admits" : "denies"} ${what} (${port})`, () => {
            assert.strictEqual(admits(policies, pod(target()), port, source()), expected);
        });
    }

    it("opens the tunnel mode's ports on the apiserver pod: the agent port the konnectivity-server listens on", () => {
        const server = containerOf(w("Deployment", "dev-apiserver"), "konnectivity-server");
        assert.ok(server.args.includes("--agent-port=8132"));
        const apiserver = one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-apiserver");
        assert.deepStrictEqual(at(apiserver.inputs, "spec.ingress[0].ports"), [
            { protocol: "TCP", port: 6443 },
            { protocol: "TCP", port: 8132 },
        ]);
    });

    it("creates the deny-all policy only after the policies that admit what must pass", () => {
        const deny = one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-default-deny-ingress");
        for (const name of ["dev-etcd", "dev-apiserver"]) {
            const allow = one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name);
            assert.ok(deny.dependencies?.includes(allow.urn), name);
        }
    });
});
