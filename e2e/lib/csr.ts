/**
 * CertificateSigningRequests as the suite reads them, and the rules of the rendered
 * kubelet-csr-approver (its flags, as its README documents them) that the suite applies in its
 * place: that controller's image is not built here, so the suite approves a kubelet-serving CSR
 * exactly when those rules admit it.
 */
import "../../test/harness/reflectMetadata";
import * as ipaddr from "ipaddr.js";
import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension } from "@peculiar/x509";

/** The fields of a certificates.k8s.io/v1 CertificateSigningRequest the suite reads. */
export interface CsrObject {
    readonly metadata: { readonly name: string };
    readonly spec: {
        readonly request: string;
        readonly signerName: string;
        readonly usages?: readonly string[];
        readonly username?: string;
        readonly groups?: readonly string[];
    };
    readonly status?: {
        readonly certificate?: string;
        readonly conditions?: readonly { type: string; status: string; reason?: string; message?: string }[];
    };
}

export interface ServingCsr {
    readonly name: string;
    readonly signerName: string;
    readonly username: string;
    readonly groups: readonly string[];
    readonly usages: readonly string[];
    readonly commonName: string;
    readonly organizations: readonly string[];
    readonly dnsNames: readonly string[];
    readonly ipAddresses: readonly string[];
    /** The Approved condition's reason, if approved. */
    readonly approved?: string;
    readonly issued: boolean;
}

/** A CSR with its PKCS#10 request decoded (subject and SANs). */
export function decodeCsr(o: CsrObject): ServingCsr {
    const pem = Buffer.from(o.spec.request, "base64").toString("utf8");
    const req = new Pkcs10CertificateRequest(pem);
    const san = req.getExtension("2.5.29.17");
    const names = san ? new SubjectAlternativeNameExtension(san.rawData).names.toJSON() : [];
    const approved = o.status?.conditions?.find((c) => c.type === "Approved" && c.status === "True");
    return {
        name: o.metadata.name,
        signerName: o.spec.signerName,
        username: o.spec.username ?? "",
        groups: o.spec.groups ?? [],
        usages: o.spec.usages ?? [],
        commonName: req.subjectName.getField("CN")[0] ?? "",
        organizations: req.subjectName.getField("O"),
        dnsNames: names.filter((n) => n.type === "dns").map((n) => n.value),
        ipAddresses: names.filter((n) => n.type === "ip").map((n) => n.value),
        approved: approved ? (approved.reason ?? "") : undefined,
        issued: Boolean(o.status?.certificate),
    };
}

export interface ServingCsrRules {
    readonly providerRegex: RegExp;
    readonly ipPrefixes: readonly string[];
    readonly allowedDnsNames: number;
    readonly bypassHostnameCheck: boolean;
}

/** kubelet-csr-approver's rules from its command line (defaults as its README gives them). */
export function servingCsrRulesOf(args: readonly string[]): ServingCsrRules {
    const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const regex = flag("provider-regex");
    if (!regex) throw new Error("kubelet-csr-approver: no --provider-regex (it approves nothing without one)");
    return {
        providerRegex: new RegExp(regex),
        ipPrefixes: (flag("provider-ip-prefixes") ?? "").split(",").filter(Boolean),
        allowedDnsNames: Number(flag("allowed-dns-names") ?? "1"),
        bypassHostnameCheck: flag("bypass-hostname-check") === "true",
    };
}

const servingUsages = new Set(["digital signature", "key encipherment", "server auth"]);

/** Why the rules refuse a kubelet-serving CSR, or undefined when they admit it. */
export function refusalOf(csr: ServingCsr, rules: ServingCsrRules): string | undefined {
    if (csr.signerName !== "kubernetes.io/kubelet-serving") return `signer ${csr.signerName}`;
    const node = csr.commonName.replace(/^system:node:/, "");
    if (!csr.commonName.startsWith("system:node:") || csr.username !== csr.commonName) {
        return `requested by ${csr.username} for ${csr.commonName}`;
    }
    if (!csr.organizations.includes("system:nodes")) return `organizations ${csr.organizations.join(",")}`;
    if (!csr.usages.includes("server auth") || csr.usages.some((u) => !servingUsages.has(u))) {
        return `usages ${csr.usages.join(",")}`;
    }
    if (!rules.providerRegex.test(node)) return `hostname ${node} does not match ${rules.providerRegex.source}`;
    if (csr.dnsNames.length > rules.allowedDnsNames) {
        return `${csr.dnsNames.length} DNS names, ${rules.allowedDnsNames} allowed`;
    }
    for (const d of csr.dnsNames) {
        if (!rules.providerRegex.test(d)) return `DNS name ${d} does not match the provider regex`;
        if (!rules.bypassHostnameCheck && !d.startsWith(node)) return `DNS name ${d} is not the hostname ${node}`;
    }
    for (const ip of csr.ipAddresses) {
        const a = ipaddr.parse(ip);
        const inside = rules.ipPrefixes.some((p) => {
            const [net, bits] = ipaddr.parseCIDR(p);
            return net.kind() === a.kind() && a.match(net, bits);
        });
        if (!inside) return `IP ${ip} is outside ${rules.ipPrefixes.join(",") || "(no prefixes)"}`;
    }
    if (csr.ipAddresses.length === 0 && csr.dnsNames.length === 0) return "no SANs";
    return undefined;
}
