export { Cluster, ClusterArgs } from "./cluster";
export { lastStackOutput } from "./ownStack";
export { readPlatformStack } from "./platformStack";
