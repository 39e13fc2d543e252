import { createHash, X509Certificate } from "crypto";
import { apiserverPort } from "../config";
import { BootstrapToken, tokenString } from "./bootstrapToken";

/**
 * `--discovery-token-ca-cert-hash`: sha256 over the CA certificate's DER SubjectPublicKeyInfo,
 * which is what kubeadm pins (util/pubkeypin: "sha256:" + hex of sha256(RawSubjectPublicKeyInfo)).
 */
export function caCertHash(caCertPem: string): string {
    const spki = new X509Certificate(caCertPem).publicKey.export({ type: "spki", format: "der" });
    return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** `<host>:6443`, where kubeadm join discovers the cluster and the kubelet talks to it. */
export function apiEndpoint(publicAddress: string): string {
    return `${publicAddress}:${apiserverPort}`;
}

export interface JoinCommandArgs {
    readonly publicAddress: string;
    readonly token: BootstrapToken;
    readonly caCertPem: string;
}

/** The stock join command for a VM the customer brings. */
export function joinCommand({ publicAddress, token, caCertPem }: JoinCommandArgs): string {
    return [
        "kubeadm join",
        apiEndpoint(publicAddress),
        `--token ${tokenString(token)}`,
        `--discovery-token-ca-cert-hash ${caCertHash(caCertPem)}`,
    ].join(" ");
}
