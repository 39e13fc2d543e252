// A platform program that installed gks-cluster from its tarball: one seed adopted in the same
// program (its ids are Outputs), one cluster on it, validated by the library.
import * as pulumi from "@pulumi/pulumi";
import { Cluster, onPlatform, parsePlatformSettings, parseSettings, Platform } from "gks-cluster";
import { ConfigError } from "gks-cluster/components";

export = async () => {
    const config = new pulumi.Config();
    const platform = new Platform("seed-a", {
        settings: parsePlatformSettings(
            {
                seedName: "seed-a",
                controlPlaneTenant: {
                    project: { id: "3f6e9a1c2b7d4e8f9a0b1c2d3e4f5a6b" },
                    network: { cidr: "10.0.0.0/24", networkId: "net-a", subnetId: "subnet-a", routerId: "router-a" },
                    credentials: { cloud: "seed-a" },
                },
                seed: { nodeAddresses: ["10.0.0.11", "10.0.0.12"], securityGroupId: "sg-a" },
            },
            { networkExisted: true },
        ),
    });
    const cluster = (name: string) =>
        parseSettings(
            onPlatform(platform.outputs, {
                clusterName: name,
                controlPlaneTenant: { credentials: { cloud: "seed-a" } },
                workerTenant: {
                    project: { name: `gks-${name}-workers` },
                    network: { cidr: "192.168.1.0/24" },
                    credentials: { cloud: "admin" },
                },
                seedKubeconfig: config.requireSecret("seedKubeconfig"),
            }),
        );
    let refused = "";
    try {
        cluster("Not_A_Label");
    } catch (e) {
        if (e instanceof ConfigError) refused = e.problems.map((p) => p.key).join(",");
    }
    const c1 = new Cluster("c1", { settings: cluster("c1") });
    return { apiUrl: c1.apiEndpoint.apiUrl, kubeconfig: c1.kubeconfig, refused };
};
