import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { apiserverAuditLog } from "./rules/apiserverAudit";
import { apiserverEncryptionAtRest } from "./rules/apiserverEncryption";
import { controlPathHa } from "./rules/controlPathHa";
import { egressSelectorValid } from "./rules/egressSelectorValid";
import { etcdNetworkPolicy } from "./rules/etcdNetworkPolicy";
import { imagesPinned } from "./rules/imagesPinned";
import { konnectivityKeepalive } from "./rules/konnectivityKeepalive";
import { konnectivityMtls } from "./rules/konnectivityMtls";
import { konnectivityServerCount } from "./rules/konnectivityServerCount";
import { kubeletNotPublic } from "./rules/kubeletNotPublic";
import { listenerTimeouts } from "./rules/listenerTimeouts";
import { oneTunnelPerCluster } from "./rules/oneTunnelPerCluster";
import { tunnelListenerNotPublic } from "./rules/tunnelListenerNotPublic";
import { tunnelMonitorNotReadyz } from "./rules/tunnelMonitorNotReadyz";
import { tunnelPoolNoStickiness } from "./rules/tunnelPoolNoStickiness";
import { tunnelPrivilegesContained } from "./rules/tunnelPrivilegesContained";
import { workersNoInternetIngress } from "./rules/workersNoInternetIngress";

/** The pack's name, as `pulumi preview --policy-pack policies` reports it. */
export const packName = "gks-cluster-guardrails";

/** Every policy of the pack; importing this module starts nothing. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    kubeletNotPublic,
    workersNoInternetIngress,
    tunnelPoolNoStickiness,
    listenerTimeouts,
    tunnelMonitorNotReadyz,
    konnectivityServerCount,
    konnectivityMtls,
    konnectivityKeepalive,
    egressSelectorValid,
    oneTunnelPerCluster,
    tunnelPrivilegesContained,
    tunnelListenerNotPublic,
    imagesPinned,
    apiserverEncryptionAtRest,
    apiserverAuditLog,
    etcdNetworkPolicy,
    controlPathHa,
];
