import type * as pulumi from "@pulumi/pulumi";
import type { Pem } from "../shared/seedObjects";

/** The PKI material the control plane mounts. Private keys must be secret Outputs. */
export interface ControlPlanePki {
    /** The cluster CA with its key: the controller-manager signs kubelet certificates with it. */
    readonly clusterCa: Pem;
    readonly etcdCaCertPem: pulumi.Input<string>;
    readonly frontProxyCaCertPem: pulumi.Input<string>;
    readonly apiserver: Pem;
    readonly apiserverKubeletClient: Pem;
    readonly apiserverEtcdClient: Pem;
    readonly frontProxyClient: Pem;
    readonly etcdServer: Pem;
    readonly etcdPeer: Pem;
    readonly controllerManager: Pem;
    readonly scheduler: Pem;
    readonly serviceAccount: {
        readonly privateKeyPem: pulumi.Input<string>;
        readonly publicKeyPem: pulumi.Input<string>;
    };
}
