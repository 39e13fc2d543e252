export * from "./run";
export * from "./recorder";
export * from "./find";
export * from "./stackConfig";
export * from "./ids";
export * from "./standIns";
export { ProviderMock, ResourceMock, CallMock } from "./providers/types";
export * from "./workloads";
