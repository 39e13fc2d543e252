import { at } from "../../test/harness/find";
import { RecordedResource } from "../../test/harness/recorder";
import { kubernetesKind } from "./manifests";
import { inputsOf, outputsOf, redacted } from "./redact";

/**
 * The few properties that matter per type, as a short text for the printout ("cidr=10.0.0.0/24").
 * Takes inputs and outputs with secrets already redacted; types not listed show nothing.
 */
type Obj = Record<string, unknown>;
/** inputs and outputs redacted; `plain` (the real inputs) only for the names of data keys. */
type Describe = (inputs: Obj, outputs: Obj, plain: Obj) => (string | undefined)[];

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const opt = (label: string, value: unknown) =>
    value === undefined || value === null || value === "" ? undefined : `${label}=${String(value)}`;
const joined = (label: string, value: unknown) =>
    list(value).length > 0 ? `${label}=${list(value).join(",")}` : undefined;
const ports = (min: unknown, max: unknown) =>
    min === undefined ? "all ports" : min === max ? `port ${String(min)}` : `ports ${String(min)}-${String(max)}`;

const openstack: Record<string, Describe> = {
    "openstack:identity/project:Project": (i) => [opt("name", i.name)],
    "openstack:networking/network:Network": (i) => [opt("name", i.name)],
    "openstack:networking/subnet:Subnet": (i) => [opt("cidr", i.cidr), joined("dns", i.dnsNameservers)],
    "openstack:networking/router:Router": (_i, o) => [opt("snat", at(o, "externalFixedIps[0].ipAddress"))],
    "openstack:networking/secGroup:SecGroup": (i) => [opt("name", i.name)],
    "openstack:networking/secGroupRule:SecGroupRule": (i) => [
        `${String(i.direction)} ${String(i.protocol ?? "any")} ${ports(i.portRangeMin, i.portRangeMax)}`,
        `${i.direction === "egress" ? "to" : "from"} ${
            i.remoteIpPrefix !== undefined ? String(i.remoteIpPrefix) : i.remoteGroupId ? "the group" : "anywhere"
        }`,
    ],
    "openstack:loadbalancer/loadBalancer:LoadBalancer": (i, o) => [
        opt("vip", o.vipAddress ?? i.vipAddress),
        opt("provider", i.loadbalancerProvider),
    ],
    "openstack:loadbalancer/listener:Listener": (i) => [
        `${String(i.protocol)} :${String(i.protocolPort)}`,
        joined("allowed", i.allowedCidrs),
        opt("idleMs", i.timeoutClientData),
    ],
    "openstack:loadbalancer/pool:Pool": (i) => [
        opt("method", i.lbMethod),
        opt("protocol", i.protocol),
        opt("persistence", at(i, "persistence.type")),
    ],
    "openstack:loadbalancer/member:Member": (i) => [`${String(i.address)}:${String(i.protocolPort)}`],
    "openstack:loadbalancer/monitor:Monitor": (i) => [
        opt("type", i.type),
        `delay=${String(i.delay)} timeout=${String(i.timeout)} retries=${String(i.maxRetries)}`,
    ],
    "openstack:networking/floatingIp:FloatingIp": (i, o) => [opt("address", o.address ?? i.address)],
    "openstack:networking/port:Port": (i, o) => [
        opt("ip", at(o, "allFixedIps[0]")),
        joined("groups", i.securityGroupIds),
    ],
    "openstack:compute/serverGroup:ServerGroup": (i) => [joined("policy", i.policies)],
    "openstack:compute/instance:Instance": (i) => [
        opt("flavor", i.flavorName),
        opt("image", at(i, "blockDevices[0].uuid")),
        opt("volumeGb", at(i, "blockDevices[0].volumeSize")),
        // Redacted unless shown: it holds the node's join token.
        opt(
            "userData",
            typeof i.userData === "string" && i.userData !== redacted ? `${i.userData.length}B` : i.userData,
        ),
    ],
    "pulumi:providers:openstack": (i) => [opt("region", i.region), opt("project", i.tenantId ?? i.tenantName)],
};

const tls: Record<string, Describe> = {
    "tls:index/privateKey:PrivateKey": (i) => [
        opt("algorithm", i.algorithm),
        opt("curve", i.ecdsaCurve),
        opt("bits", i.rsaBits),
    ],
    "tls:index/selfSignedCert:SelfSignedCert": (i) => [
        i.isCaCertificate === true ? "CA" : undefined,
        opt("cn", at(i, "subject.commonName")),
        opt("hours", i.validityPeriodHours),
    ],
    "tls:index/certRequest:CertRequest": (i) => [
        opt("cn", at(i, "subject.commonName")),
        joined("dns", i.dnsNames),
        joined("ips", i.ipAddresses),
    ],
    "tls:index/locallySignedCert:LocallySignedCert": (i) => [
        i.isCaCertificate === true ? "CA" : undefined,
        joined("uses", i.allowedUses),
        opt("hours", i.validityPeriodHours),
    ],
};

function containerImages(podSpec: unknown): string | undefined {
    const images = ["initContainers", "containers"].flatMap((k) => {
        const containers = at(podSpec, k);
        return Array.isArray(containers) ? containers.map((c) => String(at(c, "image"))) : [];
    });
    return images.length > 0 ? `images=${[...new Set(images)].join(",")}` : undefined;
}

const dataKeys = (plain: Obj) =>
    ["data", "binaryData", "stringData"].flatMap((k) => Object.keys((plain[k] as Obj | undefined) ?? {})).sort();

const kubernetes: Record<string, Describe> = {
    Deployment: (i) => [opt("replicas", at(i, "spec.replicas")), containerImages(at(i, "spec.template.spec"))],
    StatefulSet: (i) => [opt("replicas", at(i, "spec.replicas")), containerImages(at(i, "spec.template.spec"))],
    DaemonSet: (i) => [containerImages(at(i, "spec.template.spec"))],
    Service: (i) => {
        const servicePorts = at(i, "spec.ports");
        const shown = Array.isArray(servicePorts)
            ? servicePorts.map(
                  (p) => `${String(at(p, "port"))}${at(p, "nodePort") ? `->${String(at(p, "nodePort"))}` : ""}`,
              )
            : [];
        return [
            opt("type", at(i, "spec.type") ?? "ClusterIP"),
            shown.length > 0 ? `ports=${shown.join(",")}` : undefined,
        ];
    },
    ConfigMap: (_i, _o, plain) => [joined("keys", dataKeys(plain))],
    Secret: (i, _o, plain) => [opt("type", i.type), joined("keys", dataKeys(plain))],
    PodDisruptionBudget: (i) => [
        opt("minAvailable", at(i, "spec.minAvailable")),
        opt("maxUnavailable", at(i, "spec.maxUnavailable")),
    ],
};

/**
 * The properties that matter for a resource, e.g. "cidr=10.0.0.0/24 dns=1.1.1.1"; secret values
 * show as "[secret]" (the names of a Secret's or ConfigMap's keys are not secret).
 */
export function keyProperties(resource: RecordedResource): string {
    const { type } = resource;
    const inputs = inputsOf(resource, false);
    const kind = kubernetesKind(type)?.kind;
    const describe = openstack[type] ?? tls[type] ?? (kind !== undefined ? kubernetes[kind] : undefined);
    const namespace = kind !== undefined ? opt("ns", at(inputs, "metadata.namespace")) : undefined;
    return [namespace, ...(describe?.(inputs, outputsOf(resource, false), resource.inputs) ?? [])]
        .filter((p) => p !== undefined)
        .join(" ");
}
