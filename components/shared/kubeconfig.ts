import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";

export interface ClientKubeconfig {
    readonly clusterName: string;
    readonly server: string;
    readonly caCertPem: string;
    readonly user: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** A kubeconfig with an embedded client certificate; it holds a private key, so keep it secret. */
export function kubeconfigYaml(k: ClientKubeconfig): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: k.clusterName, cluster: { server: k.server, "certificate-authority-data": b64(k.caCertPem) } },
        ],
        users: [
            {
                name: k.user,
                user: { "client-certificate-data": b64(k.clientCertPem), "client-key-data": b64(k.clientKeyPem) },
            },
        ],
        contexts: [{ name: k.clusterName, context: { cluster: k.clusterName, user: k.user } }],
        "current-context": k.clusterName,
    });
}

/** The same kubeconfig from Outputs, as a secret. */
export function kubeconfigOutput(k: {
    readonly clusterName: string;
    readonly server: pulumi.Input<string>;
    readonly caCertPem: pulumi.Input<string>;
    readonly user: string;
    readonly clientCertPem: pulumi.Input<string>;
    readonly clientKeyPem: pulumi.Input<string>;
}): pulumi.Output<string> {
    return pulumi.secret(
        pulumi
            .all([k.server, k.caCertPem, k.clientCertPem, k.clientKeyPem])
            .apply(([server, caCertPem, clientCertPem, clientKeyPem]) =>
                kubeconfigYaml({
                    clusterName: k.clusterName,
                    server,
                    caCertPem,
                    user: k.user,
                    clientCertPem,
                    clientKeyPem,
                }),
            ),
    );
}
