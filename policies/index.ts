import { PolicyPack } from "@pulumi/policy";
import { packName, policies } from "./policies";

// Constructing the pack starts the analyzer's gRPC server: keep this the only thing this file does.
new PolicyPack(packName, { policies, enforcementLevel: "advisory" });
