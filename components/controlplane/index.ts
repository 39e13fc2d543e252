export { ControlPlane, ControlPlaneArgs } from "./controlPlane";
export { ControlPlanePki } from "./types";
export { Pem, ControlPlaneLayout } from "../shared/seedObjects";
export { controlPlanePki } from "./pkiInput";
