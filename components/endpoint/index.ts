export { ApiEndpoint, ApiEndpointArgs } from "./apiEndpoint";
export * from "./endpointPlan";
