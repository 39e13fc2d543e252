export { NodeJoin, NodeJoinArgs } from "./nodeJoin";
export { ClusterAddons, ClusterAddonsArgs } from "./addons";
export { WorkerPool, WorkerPoolArgs } from "./workerPool";
export { ciliumHealthPort, ciliumVxlanPort } from "./cilium";
export { clusterDnsAddress } from "./kubeletConfig";
