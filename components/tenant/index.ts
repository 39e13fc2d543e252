export { Tenant, TenantArgs } from "./tenant";
export { WorkerSecurityGroup, WorkerSecurityGroupArgs } from "./workerSecurityGroup";
export { workerSecurityRules, SecurityRule } from "./workerSecurityRules";
export { providerArgs } from "./providerArgs";
