/** The component library: what a platform stack imports to manage many clusters. */
export * from "./config";
export * from "./tenant";
export * from "./endpoint";
export * from "./pki";
export * from "./controlplane";
export * from "./cluster";
export * from "./tunnel";
export * from "./nodes";
export * from "./shared/checksum";
export * from "./shared/kubeconfig";
export * from "./shared/identities";
export * from "./shared/seedNames";
export * from "./platform";
export * from "./fleet";
