export { ControlPlane, ControlPlaneArgs } from "./controlPlane";
export { ControlPlanePki } from "./types";
export { Pem, ControlPlaneLayout } from "../shared/seedObjects";
export { controlPlanePki } from "./pkiInput";
export * from "./egressSelector";
export * from "./konnectivityServerFlags";
export { ApiserverTunnel, apiserverTunnel, konnectivityUdsName } from "./tunnel";
