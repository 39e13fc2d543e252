export { Tenant, TenantArgs } from "./tenant";
export { WorkerSecurityGroup, WorkerSecurityGroupArgs } from "./workerSecurityGroup";
export { workerSecurityRules, SecurityRule, NodeTraffic } from "./workerSecurityRules";
export { providerArgs } from "./providerArgs";
