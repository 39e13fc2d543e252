export * from "./run";
export * from "./recorder";
export * from "./find";
export * from "./stackConfig";
export * from "./ids";
export { ProviderMock, ResourceMock, CallMock } from "./providers/types";
