import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { Cluster, lastStackOutput, readPlatformStack } from "../../components/cluster";
import { ConfigError, PlatformOutputs, withRunningState } from "../../components/config";
import {
    FleetClusterConfig,
    FleetSeed,
    fleetStateOutputs,
    parseClusterStates,
    parseNodePortAllocation,
    planFleet,
    readInventory,
} from "../../components/fleet";
import { parsePlatformSettings, Platform } from "../../components/platform";

/** The outputs this program records per seed, to know next time which seeds' networks exist. */
const seedsOutput = "seeds";

export = async () => {
    const config = new pulumi.Config();
    const inventory = readInventory(path.resolve(__dirname, config.get("inventory") ?? "inventory.yaml"));

    // What the last update recorded: the NodePorts (kept for each cluster's life), what each
    // cluster runs, and the seeds' platforms. Reads of state; they create nothing.
    const [recordedPorts, recordedStates, recordedSeeds] = await Promise.all(
        [fleetStateOutputs.nodePorts, fleetStateOutputs.clusterStates, seedsOutput].map(lastStackOutput),
    );
    const previous = parseNodePortAllocation(recordedPorts);
    const running = parseClusterStates(recordedStates);
    const seenSeeds = (recordedSeeds ?? {}) as Record<string, unknown>;

    const platforms: Record<string, PlatformOutputs> = {};
    const seeds: Record<string, FleetSeed> = {};
    for (const [name, seed] of Object.entries(inventory.seeds)) {
        if (seed.kubeconfigKey === undefined) {
            throw new ConfigError([
                {
                    key: `inventory seeds.${name}.kubeconfigKey`,
                    value: undefined,
                    message: "is required: the secret config key with the seed's kubeconfig",
                },
            ]);
        }
        const platform =
            seed.platformStack !== undefined
                ? await readPlatformStack(seed.platformStack, `${name}-platform`)
                : new Platform(name, {
                      settings: parsePlatformSettings(seed.platform ?? {}, {
                          namespace: `inventory seeds.${name}.platform`,
                          networkExisted: name in seenSeeds,
                      }),
                  }).outputs;
        platforms[name] = platform;
        seeds[name] = {
            platform,
            seedKubeconfig: config.requireSecret(seed.kubeconfigKey),
            nodePortRange: seed.nodePortRange,
        };
    }

    // Every cluster validated, NodePorts allocated and collisions refused, before any cluster is registered.
    const plan = planFleet({ seeds, clusters: inventory.clusters as unknown as FleetClusterConfig[] }, { previous });
    const clusters = plan.clusters.map(({ settings }) => {
        const name = settings.clusterName;
        return { name, cluster: new Cluster(name, { settings: withRunningState(settings, running[name]) }) };
    });

    return {
        [fleetStateOutputs.nodePorts]: plan.nodePorts,
        [fleetStateOutputs.clusterStates]: Object.fromEntries(
            clusters.map(({ name, cluster }) => [name, cluster.runningState]),
        ),
        [seedsOutput]: platforms,
        apiUrls: Object.fromEntries(clusters.map(({ name, cluster }) => [name, cluster.apiEndpoint.apiUrl])),
    };
};
