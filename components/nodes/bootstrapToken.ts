import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubeSystem, nodesLabels } from "./labels";

/**
 * Bootstrap tokens as kubeadm makes them (k8s.io/cluster-bootstrap token/api, kubeadm's
 * apis/bootstraptoken/v1 BootstrapTokenToSecret at v1.35-v1.37): a Secret
 * `bootstrap-token-<id>` in kube-system of type bootstrap.kubernetes.io/token, both usages
 * (authentication for the joining kubelet, signing so the bootstrapsigner signs cluster-info with
 * it) and kubeadm's default extra group, which the join RBAC names.
 */
export const bootstrapTokenGroup = "system:bootstrappers:kubeadm:default-node-token";
export const bootstrapTokenType = "bootstrap.kubernetes.io/token";
export const tokenIdLength = 6;
export const tokenSecretLength = 16;
/** One random string makes id and secret: `[a-z0-9]{6}` then `[a-z0-9]{16}`. */
export const tokenRandomLength = tokenIdLength + tokenSecretLength;
const tokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

export interface BootstrapToken {
    readonly id: string;
    readonly secret: string;
}

/** Splits a 22-character `[a-z0-9]` random string into the token's id and secret. */
export function tokenFromRandom(random: string): BootstrapToken {
    const token = { id: random.slice(0, tokenIdLength), secret: random.slice(tokenIdLength) };
    if (!tokenPattern.test(tokenString(token))) {
        throw new Error(
            `bootstrap token: expected ${tokenRandomLength} characters of [a-z0-9], got ${random.length} characters`,
        );
    }
    return token;
}

/** `<id>.<secret>`, what `kubeadm join --token` takes. */
export function tokenString(token: BootstrapToken): string {
    return `${token.id}.${token.secret}`;
}

export function tokenSecretName(id: string): string {
    return `bootstrap-token-${id}`;
}

/** The Secret's data, as kubeadm's encodeTokenSecretData writes it. */
export function bootstrapTokenData(token: BootstrapToken, expiration: string, description: string) {
    if (Number.isNaN(Date.parse(expiration)) || !/Z$|[+-]\d\d:\d\d$/.test(expiration)) {
        throw new Error(`bootstrap token ${token.id}: expiration must be an RFC 3339 time, got "${expiration}"`);
    }
    return {
        "token-id": token.id,
        "token-secret": token.secret,
        description,
        expiration,
        "usage-bootstrap-authentication": "true",
        "usage-bootstrap-signing": "true",
        "auth-extra-groups": bootstrapTokenGroup,
    };
}

/**
 * The Secret of a token (the whole data a secret). The name follows the id, so a new token is a
 * new Secret: Pulumi creates it and then deletes the old one.
 */
export function bootstrapTokenSecret(
    token: pulumi.Input<BootstrapToken>,
    expiration: pulumi.Input<string>,
    description: string,
): k8s.core.v1.SecretArgs {
    const t = pulumi.output(token);
    return {
        metadata: {
            // The id is the token's public half (the name always shows it); only the secret is secret.
            name: pulumi.unsecret(t.apply((v) => tokenSecretName(v.id))),
            namespace: kubeSystem,
            labels: nodesLabels("bootstrap-token", "join"),
        },
        type: bootstrapTokenType,
        stringData: pulumi.secret(pulumi.all([t, expiration]).apply(([v, e]) => bootstrapTokenData(v, e, description))),
    };
}
