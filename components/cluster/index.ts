export { Cluster, ClusterArgs } from "./cluster";
