export { ControlPlane, ControlPlaneArgs } from "./controlPlane";
export { ControlPlanePki, Pem, ControlPlaneLayout } from "./types";
export { controlPlanePki } from "./pkiInput";
export * from "./egressSelector";
export * from "./konnectivityServerFlags";
export { ApiserverTunnel, apiserverTunnel, konnectivityUdsName } from "./tunnel";
