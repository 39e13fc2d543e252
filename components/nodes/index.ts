export { NodeJoin, NodeJoinArgs } from "./nodeJoin";
export { ClusterAddons, ClusterAddonsArgs } from "./addons";
export { WorkerPool, WorkerPoolArgs } from "./workerPool";
export { ciliumHealthPort, ciliumNodeTraffic, ciliumVxlanPort } from "./cilium/ports";
export { clusterDnsAddress } from "./kubeletConfig";
