export { KonnectivityAgents, KonnectivityAgentsArgs } from "./konnectivityAgents";
export * from "./konnectivity";
