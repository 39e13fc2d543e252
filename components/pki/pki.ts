import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { AuthoritySpec, CaName, CaSpec, keySpec, LeafName, LeafSpec, LeafTerms, pkiSpecs } from "./certificateSpecs";

/** A certificate and its private key (a secret). */
export interface KeyPair {
    readonly certPem: pulumi.Output<string>;
    readonly keyPem: pulumi.Output<string>;
}

/** A leaf certificate, its key (a secret) and the certificate of the CA that signed it. */
export interface IssuedCertificate extends KeyPair {
    readonly caCertPem: pulumi.Output<string>;
}

/** A certificate and its key (a secret), as Inputs: what a consumer of the PKI takes. */
export interface PemPair {
    readonly certPem: pulumi.Input<string>;
    readonly keyPem: pulumi.Input<string>;
}

/** A dedicated CA and what it issued, by the keys of its AuthoritySpec. */
export interface IssuedAuthority {
    readonly authority: PemPair;
    readonly certificates: Readonly<Record<string, PemPair>>;
    /** The user-cluster client certificates the AuthoritySpec asked for, each with the cluster CA. */
    readonly clusterClients?: Readonly<Record<string, PemPair & { readonly caCertPem: pulumi.Input<string> }>>;
}

/** One certificate of an IssuedAuthority; throws, naming what it has, when there is none. */
export function issuedCertificate(issued: IssuedAuthority, key: string): PemPair {
    const found = issued.certificates[key];
    if (found === undefined) {
        throw new Error(
            `no certificate "${key}" from this authority (it issued: ${Object.keys(issued.certificates).join(", ") || "none"})`,
        );
    }
    return found;
}

export interface ServiceAccountKey {
    /** Signs service-account tokens (a secret). */
    readonly privateKeyPem: pulumi.Output<string>;
    /** Verifies them. */
    readonly publicKeyPem: pulumi.Output<string>;
}

export interface PkiArgs {
    clusterName: string;
    /** The API endpoint's floating IP, which clients dial. */
    publicAddress: pulumi.Input<string>;
    serviceCidr: string;
    clusterDomain: string;
    /** The control plane's namespace in the seed (its Service names are SANs). */
    seedNamespace: string;
    etcdReplicas: number;
    /** The tunnel's dedicated CA and certificates (from the tunnel mode). */
    tunnel: AuthoritySpec;
    /** Lifetimes in hours; an update within `earlyRenewalHours` of an expiry renews. */
    caValidityHours: number;
    certValidityHours: number;
    earlyRenewalHours: number;
}

/**
 * The cluster's CAs, certificates and service-account key, as tls resources (state only). Every
 * private key is a secret output. Give it a tls provider through `opts.provider`.
 */
export class Pki extends pulumi.ComponentResource {
    public readonly authorities: Readonly<Record<CaName, KeyPair>>;
    public readonly certificates: Readonly<Record<LeafName, IssuedCertificate>>;
    public readonly serviceAccountKey: ServiceAccountKey;
    /** The tunnel's CA and certificates, and its client certificates for the user cluster's API. */
    public readonly tunnel: {
        readonly authority: KeyPair;
        readonly certificates: Readonly<Record<string, IssuedCertificate>>;
        readonly clusterClients: Readonly<Record<string, IssuedCertificate>>;
    };

    constructor(name: string, args: PkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gks:index:Pki", name, args, opts);
        const { clusterName, publicAddress, serviceCidr, clusterDomain, seedNamespace, etcdReplicas } = args;
        const { caValidityHours, certValidityHours, earlyRenewalHours } = args;
        const specs = pkiSpecs({
            clusterName,
            publicAddress,
            serviceCidr,
            clusterDomain,
            seedNamespace,
            etcdReplicas,
            caValidityHours,
            certValidityHours,
            earlyRenewalHours,
        });

        const authorities = mapRecord(specs.authorities, (spec) => this.authority(spec));
        this.authorities = authorities;
        this.certificates = mapRecord(specs.certificates, (spec) => this.issue(spec, authorities[spec.ca]));
        const tunnelCa = this.authority(args.tunnel.authority);
        this.tunnel = {
            authority: tunnelCa,
            certificates: mapRecord(args.tunnel.certificates, (spec) => this.issue(spec, tunnelCa)),
            clusterClients: mapRecord(args.tunnel.clusterClients ?? {}, (spec) =>
                this.issue(spec, authorities.cluster),
            ),
        };

        const saKey = new tls.PrivateKey(specs.serviceAccountKey.resourceName, { ...keySpec }, { parent: this });
        this.serviceAccountKey = {
            privateKeyPem: pulumi.secret(saKey.privateKeyPem),
            publicKeyPem: saKey.publicKeyPem,
        };

        this.registerOutputs({
            authorities: this.authorities,
            certificates: this.certificates,
            serviceAccountKey: this.serviceAccountKey,
            tunnel: this.tunnel,
        });
    }

    /** A new private key, as a secret PEM. */
    private privateKey(resourceName: string): pulumi.Output<string> {
        const key = new tls.PrivateKey(resourceName, { ...keySpec }, { parent: this });
        return pulumi.secret(key.privateKeyPem);
    }

    private authority(spec: CaSpec): KeyPair {
        const keyPem = this.privateKey(spec.resourceName);
        const cert = new tls.SelfSignedCert(
            spec.resourceName,
            { privateKeyPem: keyPem, subject: { ...spec.subject }, isCaCertificate: true, ...terms(spec) },
            { parent: this },
        );
        return { certPem: cert.certPem, keyPem };
    }

    private issue(spec: LeafSpec | LeafTerms, ca: KeyPair): IssuedCertificate {
        const keyPem = this.privateKey(spec.resourceName);
        const request = new tls.CertRequest(
            spec.resourceName,
            {
                privateKeyPem: keyPem,
                subject: { ...spec.subject },
                dnsNames: [...spec.dnsNames],
                ipAddresses: [...spec.ipAddresses],
            },
            { parent: this },
        );
        const cert = new tls.LocallySignedCert(
            spec.resourceName,
            {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: ca.keyPem,
                caCertPem: ca.certPem,
                ...terms(spec),
            },
            { parent: this },
        );
        return { certPem: cert.certPem, keyPem, caCertPem: ca.certPem };
    }
}

/** What a certificate may do and how long it lives. */
function terms(spec: CaSpec | LeafTerms) {
    return {
        allowedUses: [...spec.allowedUses],
        validityPeriodHours: spec.validityPeriodHours,
        earlyRenewalHours: spec.earlyRenewalHours,
    };
}

function mapRecord<K extends string, A, B>(record: Readonly<Record<K, A>>, f: (value: A) => B): Record<K, B> {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as A)])) as Record<K, B>;
}
