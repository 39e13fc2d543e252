import { Inventory, parseInventory } from "../../components/fleet";

/** An inventory of clusters on two seeds, as the driver's tests use it; a cluster's seed follows from its name. */
export const inventory = (clusters: string[], extra: Record<string, unknown> = {}): Inventory =>
    parseInventory({
        seeds: {
            one: {
                platformStack: "organization/gks-platform/one",
                secretsFromEnv: { seedKubeconfig: "ONE_KUBECONFIG" },
            },
            two: {
                platformStack: "organization/gks-platform/two",
                nodePortRange: { min: 31000, max: 31100 },
                secretsFromEnv: { seedKubeconfig: "TWO_KUBECONFIG" },
            },
        },
        secretsFromEnv: { workerCredentialSecret: "WORKER_PASSWORD" },
        defaults: {
            controlPlaneTenant: { credentials: { cloud: "seed" } },
            workerTenant: {
                network: { cidr: "192.168.1.0/24" },
                credentials: { authUrl: "https://keystone.example.com/v3", userName: "u", projectName: "home" },
            },
            dnsNameservers: ["1.1.1.1"],
        },
        clusters: clusters.map((name) => ({
            clusterName: name,
            // A cluster stays on its seed whatever the order of the list.
            seed: name.charCodeAt(0) % 2 === 1 ? "one" : "two",
            workerTenant: { project: { name: `gks-${name}` } },
        })),
        ...extra,
    });
export const env = { ONE_KUBECONFIG: "kubeconfig-one", TWO_KUBECONFIG: "kubeconfig-two", WORKER_PASSWORD: "hunter2" };
