export * from "./agentFlags";
export * from "./agentObjects";
export * from "./agentWorkload";
export * from "./labels";
