import { apiserverPort } from "../config";
import { identities } from "../shared/identities";
import { etcdClientPort, etcdMemberHosts } from "../shared/seedNames";
import { file } from "../shared/mounts";
import { files, mounts } from "./secrets";

/**
 * The environment variable that carries the public address into the kube-apiserver container.
 * The kubelet expands `$(PUBLIC_ADDRESS)` in the arguments, so the flag list stays a plain,
 * known list even while the floating IP is still unknown (previews, policies).
 */
export const publicAddressEnv = "PUBLIC_ADDRESS";

export interface ApiserverFlagOptions {
    readonly namespace: string;
    readonly etcdReplicas: number;
    readonly serviceCidr: string;
    /** The node addresses the tunnel reaches, from the tunnel mode. */
    readonly kubeletPreferredAddressTypes: readonly string[];
}

/**
 * kube-apiserver's flags (v1.35 to v1.37), without the tunnel's (those come from the tunnel part).
 *
 * Addresses: the apiserver is reached from the user cluster only through the load balancer,
 * so it advertises the public address. The `kubernetes` Service's endpoints are the advertise
 * address and the secure port (the default lease endpoint reconciler: every replica advertises
 * the same address, so there is one endpoint, the load balancer's :6443), which is what pods in
 * the user cluster must dial. The service-account issuer is the public URL too: it is the only
 * URL at which the OIDC discovery document and keys are reachable from outside the seed, and
 * it is as stable as the floating IP that every kubeconfig and agent already depends on.
 */
export function apiserverFlags(o: ApiserverFlagOptions): string[] {
    const pki = mounts.apiserverPki;
    const sa = mounts.serviceAccount;
    const etcdServers = etcdMemberHosts(o.namespace, o.etcdReplicas).map((host) => `https://${host}:${etcdClientPort}`);
    return [
        `--advertise-address=$(${publicAddressEnv})`,
        `--secure-port=${apiserverPort}`,
        "--allow-privileged=true",
        "--authorization-mode=Node,RBAC",
        // On top of the default plugins. DenyServiceExternalIPs closes CVE-2020-8554 (a Service's
        // externalIPs intercepting other destinations); nothing here uses externalIPs.
        "--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs",
        "--enable-bootstrap-token-auth=true",
        "--profiling=false",
        // Projected service-account tokens expire when they say (the kubelet renews them), not a
        // year later for clients that never reload them.
        "--service-account-extend-token-expiration=false",
        ...tlsServingFlags,
        `--service-cluster-ip-range=${o.serviceCidr}`,
        `--etcd-servers=${etcdServers.join(",")}`,
        `--etcd-cafile=${file(pki, files.etcdCa)}`,
        `--etcd-certfile=${file(pki, files.etcdClientCert)}`,
        `--etcd-keyfile=${file(pki, files.etcdClientKey)}`,
        `--client-ca-file=${file(pki, files.ca)}`,
        `--tls-cert-file=${file(pki, files.apiserverCert)}`,
        `--tls-private-key-file=${file(pki, files.apiserverKey)}`,
        `--kubelet-client-certificate=${file(pki, files.kubeletClientCert)}`,
        `--kubelet-client-key=${file(pki, files.kubeletClientKey)}`,
        // Kubelets get serving certificates from the cluster CA (serverTLSBootstrap, approved by
        // kubelet-csr-approver), so kube-apiserver verifies every kubelet it reaches through the tunnel.
        `--kubelet-certificate-authority=${file(pki, files.ca)}`,
        `--kubelet-preferred-address-types=${o.kubeletPreferredAddressTypes.join(",")}`,
        `--proxy-client-cert-file=${file(pki, files.frontProxyClientCert)}`,
        `--proxy-client-key-file=${file(pki, files.frontProxyClientKey)}`,
        `--requestheader-client-ca-file=${file(pki, files.frontProxyCa)}`,
        // Only the front-proxy client certificate may assert users to aggregated API servers.
        `--requestheader-allowed-names=${identities.frontProxyClient.commonName}`,
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-username-headers=X-Remote-User",
        // The front proxy's user UID (RemoteRequestHeaderUID, beta and on since 1.33); aggregated
        // API servers then see the same UID the authenticator gave the user.
        "--requestheader-uid-headers=X-Remote-Uid",
        `--service-account-issuer=https://$(${publicAddressEnv}):${apiserverPort}`,
        `--service-account-key-file=${file(sa, files.saPub)}`,
        `--service-account-signing-key-file=${file(sa, files.saKey)}`,
        // Secrets are encrypted at rest (encryption.ts); etcd is compacted by this apiserver
        // every five minutes (the default, stated because etcd's own auto-compaction is off).
        `--encryption-provider-config=${file(mounts.encryption, files.encryptionConfig)}`,
        "--etcd-compaction-interval=5m",
        // The audit log goes to stdout, i.e. the container log the seed's kubelet rotates and its
        // log collector ships: no file grows on the pod's disk (auditPolicy.ts for what is logged).
        `--audit-policy-file=${file(mounts.auditPolicy, files.auditPolicy)}`,
        "--audit-log-path=-",
        "--audit-log-format=json",
    ];
}

/**
 * TLS of the secure ports (kube-apiserver, controller-manager, scheduler): TLS 1.2 or newer, and
 * for TLS 1.2 only the AEAD suites with ECDHE that an ECDSA certificate (every serving key here)
 * can use; a subset of the CIS Benchmark's strong ciphers (kube-bench cis-1.12 1.2.29). TLS 1.3
 * suites are not configurable in Go and are all strong.
 */
export const tlsServingFlags: readonly string[] = [
    "--tls-min-version=VersionTLS12",
    "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
];
