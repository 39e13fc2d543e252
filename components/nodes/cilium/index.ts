export * from "./config";
export * from "./rbac";
export * from "./workloads";
export * from "./ports";
