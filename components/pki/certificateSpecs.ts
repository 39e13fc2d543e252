import type * as pulumi from "@pulumi/pulumi";
import { identities } from "../shared/identities";
import { nthIPv4Address } from "../config/cidr";
import {
    apiserverServiceName,
    etcdMemberHosts,
    etcdServiceName,
    seedClusterDomain,
    serviceDnsNames,
} from "../shared/seedNames";

/** The `allowedUses` values of @pulumi/tls this PKI issues (terraform-provider-tls common_cert.go). */
export type KeyUse =
    "digital_signature" | "key_encipherment" | "cert_signing" | "crl_signing" | "server_auth" | "client_auth";

/**
 * Every key is ECDSA P-256: small, fast to make, and accepted everywhere it is used here (TLS for
 * etcd, kube-apiserver and the tunnels; ES256 service-account tokens).
 */
export const keySpec = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

export interface Subject {
    readonly commonName: string;
    /** Kubernetes reads O as the group of a client certificate. */
    readonly organization?: string;
}

export type CaName = "cluster" | "etcd" | "frontProxy";

export type LeafName =
    | "apiserver"
    | "apiserverKubeletClient"
    | "apiserverEtcdClient"
    | "admin"
    | "controllerManager"
    | "scheduler"
    | "etcdServer"
    | "etcdPeer"
    | "frontProxyClient";

export interface Lifetime {
    readonly validityPeriodHours: number;
    readonly earlyRenewalHours: number;
}

export interface CaSpec extends Lifetime {
    /** The logical name of its tls resources (`<cluster>-ca`, `<cluster>-etcd-ca`, ...). */
    readonly resourceName: string;
    readonly subject: Subject;
    readonly allowedUses: readonly KeyUse[];
}

export interface LeafSpec extends Lifetime {
    readonly resourceName: string;
    /** The CA that signs it. */
    readonly ca: CaName;
    readonly subject: Subject;
    readonly dnsNames: readonly string[];
    /** The public address is an Output until the floating IP exists; everything else is plain. */
    readonly ipAddresses: readonly pulumi.Input<string>[];
    readonly allowedUses: readonly KeyUse[];
}

/** A leaf signed by a dedicated authority (see AuthoritySpec): its CA is implied. */
export type LeafTerms = Omit<LeafSpec, "ca">;

/**
 * A dedicated CA and the certificates it signs, e.g. a tunnel's: its clients trust nothing else,
 * and nothing else trusts it.
 */
export interface AuthoritySpec {
    readonly authority: CaSpec;
    readonly certificates: Readonly<Record<string, LeafTerms>>;
    /**
     * Client certificates for the user cluster's API that the owner's pieces need (signed by the
     * cluster CA, unlike `certificates`), e.g. a tunnel server that publishes leases there.
     */
    readonly clusterClients?: Readonly<Record<string, LeafTerms>>;
}

export interface PkiSpecs {
    readonly authorities: Readonly<Record<CaName, CaSpec>>;
    readonly certificates: Readonly<Record<LeafName, LeafSpec>>;
    /** The service-account token signing key (a key pair, no certificate). */
    readonly serviceAccountKey: { readonly resourceName: string };
}

export interface PkiSpecArgs {
    readonly clusterName: string;
    /** The API endpoint's floating IP: the apiserver serving certificate's SAN. */
    readonly publicAddress: pulumi.Input<string>;
    readonly serviceCidr: string;
    /** The user cluster's DNS domain (`kubernetes.default.svc.<clusterDomain>`). */
    readonly clusterDomain: string;
    /** The seed namespace of the control plane, for the in-seed Service names. */
    readonly seedNamespace: string;
    /** etcd members; each member's stable name is a SAN of the etcd certificates. */
    readonly etcdReplicas: number;
    readonly caValidityHours: number;
    readonly certValidityHours: number;
    readonly earlyRenewalHours: number;
}

const caUses: readonly KeyUse[] = ["cert_signing", "crl_signing", "digital_signature"];
// ECDSA keys sign the handshake; key_encipherment would only matter for RSA key transport.
export const serverUses: readonly KeyUse[] = ["digital_signature", "server_auth"];
export const clientUses: readonly KeyUse[] = ["digital_signature", "client_auth"];
const serverAndClientUses: readonly KeyUse[] = ["digital_signature", "server_auth", "client_auth"];

/** The lifetimes of a cluster's CAs and leaf certificates. */
export function lifetimes(args: {
    readonly caValidityHours: number;
    readonly certValidityHours: number;
    readonly earlyRenewalHours: number;
}): { readonly ca: Lifetime; readonly leaf: Lifetime } {
    return {
        ca: { validityPeriodHours: args.caValidityHours, earlyRenewalHours: args.earlyRenewalHours },
        leaf: { validityPeriodHours: args.certValidityHours, earlyRenewalHours: args.earlyRenewalHours },
    };
}

/** A self-signed CA named after its resource. */
export function caSpec(resourceName: string, lifetime: Lifetime): CaSpec {
    return {
        resourceName,
        subject: { commonName: resourceName, organization: "gks" },
        allowedUses: caUses,
        ...lifetime,
    };
}

/** A client certificate: no SANs, clientAuth. */
export function clientTerms(resourceName: string, subject: Subject, lifetime: Lifetime): LeafTerms {
    return { resourceName, subject, dnsNames: [], ipAddresses: [], allowedUses: clientUses, ...lifetime };
}

/** The names the user cluster's workloads use for the API (the `kubernetes` Service). */
export function kubernetesServiceNames(clusterDomain: string): string[] {
    return ["kubernetes", "kubernetes.default", "kubernetes.default.svc", `kubernetes.default.svc.${clusterDomain}`];
}

/** Every name an etcd member answers to: its own stable name, the headless Service, loopback. */
function etcdDnsNames(namespace: string, replicas: number): string[] {
    const members = etcdMemberHosts(namespace, replicas);
    return [
        ...members,
        ...members.map((host) => `${host}.${seedClusterDomain}`),
        // etcd's peer SAN check also accepts a wildcard matched against the peer's PTR record.
        `*.${etcdServiceName}.${namespace}.svc`,
        `*.${etcdServiceName}.${namespace}.svc.${seedClusterDomain}`,
        ...serviceDnsNames(etcdServiceName, namespace).slice(1),
        "localhost",
    ];
}

/**
 * What every CA and certificate of a cluster looks like: subjects, SANs, usages, lifetimes. The
 * Pki component turns each entry into tls resources named `resourceName`. The tunnel's own CA
 * and certificates come from its mode (an AuthoritySpec).
 */
export function pkiSpecs(args: PkiSpecArgs): PkiSpecs {
    const { clusterName: c, publicAddress, serviceCidr, clusterDomain, seedNamespace: ns, etcdReplicas } = args;
    const { ca: caLife, leaf: life } = lifetimes(args);
    const ca = (resourceName: string): CaSpec => caSpec(resourceName, caLife);
    const client = (resourceName: string, caName: CaName, subject: Subject): LeafSpec => ({
        ...clientTerms(resourceName, subject, life),
        ca: caName,
    });
    // Serving and client both: peers dial each other, and etcd's gRPC gateway dials its own
    // client port with the serving certificate.
    const etcdMember = (resourceName: string, commonName: string): LeafSpec => ({
        resourceName,
        ca: "etcd",
        subject: { commonName },
        dnsNames: etcdDnsNames(ns, etcdReplicas),
        ipAddresses: ["127.0.0.1"],
        allowedUses: serverAndClientUses,
        ...life,
    });

    return {
        authorities: {
            cluster: ca(`${c}-ca`),
            etcd: ca(`${c}-etcd-ca`),
            frontProxy: ca(`${c}-front-proxy-ca`),
        },
        certificates: {
            apiserver: {
                resourceName: `${c}-apiserver`,
                ca: "cluster",
                subject: { commonName: "kube-apiserver" },
                dnsNames: [
                    ...kubernetesServiceNames(clusterDomain),
                    ...serviceDnsNames(apiserverServiceName, ns),
                    "localhost",
                ],
                ipAddresses: [publicAddress, nthIPv4Address(serviceCidr, 1), "127.0.0.1"],
                allowedUses: serverUses,
                ...life,
            },
            apiserverKubeletClient: client(`${c}-apiserver-kubelet-client`, "cluster", identities.kubeletClient),
            apiserverEtcdClient: client(`${c}-apiserver-etcd-client`, "etcd", identities.etcdClient),
            admin: client(`${c}-admin`, "cluster", identities.admin),
            controllerManager: client(`${c}-controller-manager`, "cluster", identities.controllerManager),
            scheduler: client(`${c}-scheduler`, "cluster", identities.scheduler),
            etcdServer: etcdMember(`${c}-etcd-server`, "etcd-server"),
            etcdPeer: etcdMember(`${c}-etcd-peer`, "etcd-peer"),
            frontProxyClient: client(`${c}-front-proxy-client`, "frontProxy", identities.frontProxyClient),
        },
        serviceAccountKey: { resourceName: `${c}-service-account` },
    };
}
