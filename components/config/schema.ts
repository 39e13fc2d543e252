import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrContains, cidrsOverlap, hasHostBits, isIPv4Address, isWholeInternet, parseCidr } from "./cidr";
import { defaults } from "./defaults";
import {
    apiserverPort,
    konnectivityAdminPort,
    konnectivityHealthPort,
    nodePodCidrMaskSize,
    openvpnPort,
} from "./ports";
import { minimumEtcdStorage, storageBytes } from "./quantity";
import { supportedKubernetesVersions } from "./versions";

/**
 * The schema of a cluster's raw configuration: what `pulumi config` holds (or what a platform
 * program passes to `parseSettings`), before defaults. Scalars may arrive as strings (Pulumi
 * stores every config value as text), so numbers are parsed here, where a bad one becomes a
 * reported problem instead of an exception.
 *
 * To add a key: put its schema into `clusterConfigShape` (and its name into `structuredKeys`
 * when its value is an object or a list), declare it in `ClusterConfig` (clusterConfig.ts) and
 * in Pulumi.yaml (scalars and lists), give it a default in defaults.ts, and map it into
 * `Settings` in settingsOf.ts. A nested object is declared with `strictObject`, so that a
 * misspelled key inside it is reported by name with the nearest known key.
 */

/**
 * A problem at `path` below the value being refined ([]: the value itself); later checks still
 * run. Without `input` a stack config problem shows the value at its key (zod would put the whole
 * value being refined there, for a cross-key rule the whole config); platform outputs show `input`.
 */
function issueAt(ctx: z.RefinementCtx, path: (string | number)[], message: string, input?: unknown): void {
    ctx.addIssue({ code: "custom", path, message, input });
}

/** Known keys of every strict object, by the name its path ends in (seed, project, ...). */
const objectKeys = new Map<string, readonly string[]>();

/** The known keys of the object a path ends in (its last named segment), if it is a strict one. */
export function knownKeysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
    const name = [...path].reverse().find((p): p is string => typeof p === "string");
    return name === undefined ? undefined : objectKeys.get(name);
}

/**
 * An object that rejects keys it does not know (one problem per unknown key, see load.ts), and
 * that says what it must be when it is no object at all.
 */
export function strictObject<S extends z.ZodRawShape>(names: readonly string[], shape: S, what?: string) {
    for (const name of names) objectKeys.set(name, Object.keys(shape));
    return z
        .object(shape, {
            error: (issue) =>
                issue.code === "invalid_type"
                    ? (what ?? `must be an object (keys: ${Object.keys(shape).join(", ")})`)
                    : undefined,
        })
        .strict();
}

/** A value another resource or stack provides later (an Output or a Promise), checked when known. */
export type Unresolved<T> = pulumi.Output<T> | Promise<T>;

export function isUnresolved(value: unknown): value is Unresolved<unknown> {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/**
 * A value that is checked by `schema` when it is known now, and passed through unchecked when
 * it is an Output or a Promise (an id from another resource or stack). A Promise comes out as an
 * Output: a transform that returns a Promise makes zod's synchronous parse fail.
 */
export const unresolvedOr = <T>(schema: z.ZodType<T>) =>
    z.unknown().transform((value, ctx): T | pulumi.Output<T> => {
        if (isUnresolved(value)) return pulumi.output(value as Unresolved<T>) as pulumi.Output<T>;
        const parsed = schema.safeParse(value);
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) {
            ctx.addIssue({ ...issue, input: value } as Parameters<typeof ctx.addIssue>[0]);
        }
        return z.NEVER;
    });

/** Stack config values arrive as text: " 3 " is the number 3, anything else stays as it is. */
const numberFromText = (v: unknown): unknown => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v);

const wholeNumber = (min: number, max: number, what = "a whole number") =>
    z.preprocess(
        numberFromText,
        z
            .int({ error: `must be ${what} from ${min} to ${max}` })
            .min(min, `must be ${what} from ${min} to ${max}`)
            .max(max, `must be ${what} from ${min} to ${max}`),
    );

const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
    z.enum(values, { error: `allowed: ${values.join(", ")}` });

export const dnsLabel = z
    .string({ error: "must be a string" })
    .max(55, "at most 55 characters (the seed namespace is cluster-<name>, a 63-character DNS label)")
    .regex(
        /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
        "must be a DNS label: lower-case letters, digits and '-', starting with a letter",
    );

const anyCidr = z.string({ error: "must be a CIDR such as 10.0.0.0/24" }).superRefine((v, ctx) => {
    if (!parseCidr(v)) {
        issueAt(ctx, [], "must be a CIDR such as 10.0.0.0/24");
    } else if (hasHostBits(v)) {
        issueAt(ctx, [], "has host bits set: use the network address (e.g. 10.0.0.0/24, not 10.0.0.5/24)");
    }
});

/** An IPv4 network address in CIDR notation. */
export const cidr = anyCidr.refine((v) => parseCidr(v)?.address.kind() !== "ipv6", "must be an IPv4 CIDR");

/** A rule on a CIDR's prefix length; a value that is no CIDR at all has that one problem only. */
const prefixLength = (ok: (bits: number) => boolean) => (v: string) => {
    const parsed = parseCidr(v);
    return parsed === undefined || ok(parsed.bits);
};

export const ipv4 = z
    .string({ error: "must be an IPv4 address" })
    .refine(isIPv4Address, "must be an IPv4 address such as 10.0.0.11");

const unique = (list: readonly string[]) => new Set(list).size === list.length;
const ipv4Cidr = cidr;
const cidrList = z.array(anyCidr, { error: "must be a list of CIDRs" }).refine(unique, "lists a CIDR twice");
// Octavia admits only the VIP's IP family on a listener, and the VIP is IPv4.
const ipv4CidrList = z.array(ipv4Cidr, { error: "must be a list of IPv4 CIDRs" }).refine(unique, "lists a CIDR twice");

export const nonEmpty = (what: string) =>
    z
        .string({ error: `must be ${what}` })
        .trim()
        .min(1, `must be ${what}`);

const nodePort = wholeNumber(30000, 32767, "a NodePort");

const project = strictObject(["project"], {
    id: unresolvedOr(nonEmpty("a project id")).optional(),
    name: nonEmpty("a project name").optional(),
    domainId: nonEmpty("a domain id").optional(),
    description: z.string().optional(),
    roles: z.array(nonEmpty("a role name")).min(1, "must name at least one role").optional(),
}).superRefine((p, ctx) => {
    if ((p.id === undefined) === (p.name === undefined)) {
        issueAt(ctx, [], "set exactly one of project.id (adopt an existing project) or project.name (create one)");
    }
    if (p.id !== undefined) {
        for (const key of ["domainId", "description", "roles"] as const) {
            if (p[key] !== undefined) {
                issueAt(ctx, [key], "only applies when the stack creates the project (project.name)");
            }
        }
    }
});

const network = strictObject(["network"], {
    cidr: ipv4Cidr,
    networkId: unresolvedOr(nonEmpty("a network id")).optional(),
    subnetId: unresolvedOr(nonEmpty("a subnet id")).optional(),
    routerId: unresolvedOr(nonEmpty("a router id")).optional(),
}).superRefine((n, ctx) => {
    const ids = [n.networkId, n.subnetId, n.routerId].filter((v) => v !== undefined).length;
    if (ids !== 0 && ids !== 3) {
        issueAt(
            ctx,
            [],
            "to adopt an existing network set all of networkId, subnetId and routerId; to create one set none",
        );
    }
});

const credentials = strictObject(["credentials"], {
    cloud: nonEmpty("a clouds.yaml cloud name").optional(),
    authUrl: z.url({ error: "must be the Keystone URL, e.g. https://keystone.example.com/v3" }).optional(),
    region: nonEmpty("a region name").optional(),
    applicationCredentialId: nonEmpty("an application credential id").optional(),
    userName: nonEmpty("a user name").optional(),
    userDomainName: nonEmpty("a domain name").optional(),
    projectName: nonEmpty("a project name").optional(),
    projectDomainName: nonEmpty("a domain name").optional(),
}).superRefine((c, ctx) => {
    const kinds = [c.cloud, c.applicationCredentialId, c.userName].filter((v) => v !== undefined).length;
    if (kinds !== 1) {
        issueAt(
            ctx,
            [],
            "set exactly one of credentials.cloud (clouds.yaml), credentials.applicationCredentialId or credentials.userName",
        );
        return;
    }
    if (c.cloud === undefined && c.authUrl === undefined) {
        issueAt(ctx, ["authUrl"], "is required with applicationCredentialId or userName");
    }
    if (c.userName !== undefined && c.projectName === undefined) {
        issueAt(
            ctx,
            ["projectName"],
            "is required with userName: the project the user signs in to (the deployer's home project)",
        );
    }
});

/** One tenant: a project (created or adopted), its network and the credentials that work in it. */
export const tenantSchema = strictObject(["controlPlaneTenant", "workerTenant"], { project, network, credentials });

/** The seed nodes' IPv4 addresses, each once. */
export const seedNodeAddresses = z
    .array(ipv4, { error: "must be a list of the seed nodes' IPv4 addresses" })
    .superRefine((addresses, ctx) =>
        addresses.forEach((address, i) => {
            if (addresses.indexOf(address) !== i) {
                issueAt(ctx, [i], "is listed twice", address);
            }
        }),
    );

export const securityGroupId = unresolvedOr(nonEmpty("the id of the seed nodes' security group"));
export const projectId = unresolvedOr(nonEmpty("a project id"));

/**
 * A worker pool. Its nodes are named `<clusterName>-<name>-<index>`, a DNS label of at most 63
 * characters (the kubelet's node name), so the pool name leaves room for the cluster name.
 */
const workerPool = strictObject(
    ["workerPools"],
    {
        name: z
            .string({ error: "must be a string" })
            .max(20, "at most 20 characters (node names are <clusterName>-<pool>-<index>)")
            .regex(
                /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
                "must be a DNS label: lower-case letters, digits and '-', starting with a letter",
            ),
        size: wholeNumber(0, 100, "a number of nodes"),
        flavor: nonEmpty("a Nova flavor name"),
        image: nonEmpty("the name of a Glance image (Ubuntu 22.04 or newer)"),
        bootVolumeSizeGb: wholeNumber(10, 2000, "a size in GB").default(defaults.workerBootVolumeSizeGb),
        keyPair: nonEmpty("the name of a Nova key pair").optional(),
        kubernetesVersion: oneOf(supportedKubernetesVersions as [string, ...string[]]).optional(),
    },
    "must be an object with name, size, flavor and image",
);

const seed = strictObject(["seed"], {
    nodeAddresses: seedNodeAddresses.min(
        1,
        "must list at least one seed node address (the load balancer's pool members)",
    ),
    securityGroupId,
    /** The project that owns the seed nodes' security group; absent: the control-plane tenant's. */
    securityGroupProjectId: projectId.optional(),
});

/** Every key of a cluster's configuration but the secrets, with its schema. */
export const clusterConfigShape = {
    clusterName: dnsLabel,
    kubernetesVersion: oneOf(supportedKubernetesVersions as [string, ...string[]]).default(defaults.kubernetesVersion),
    tunnelMode: oneOf(["konnectivity", "openvpn"]).default(defaults.tunnelMode),
    externalNetwork: nonEmpty("the name of the external network").default(defaults.externalNetwork),
    apiserverReplicas: wholeNumber(1, 7).default(defaults.apiserverReplicas),
    etcdReplicas: z
        .preprocess(
            numberFromText,
            z.union([z.literal(1), z.literal(3), z.literal(5)], { error: "allowed: 1, 3 or 5 (an odd quorum)" }),
        )
        .default(defaults.etcdReplicas),
    etcdStorageSize: z
        .string()
        .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, "must be a Kubernetes quantity such as 10Gi")
        .refine(
            (v) => (storageBytes(v) ?? 0) >= storageBytes(minimumEtcdStorage)!,
            `must be at least ${minimumEtcdStorage}: etcd's backend quota is sized to the volume (see etcdStorageSize in README)`,
        )
        .default(defaults.etcdStorageSize),
    etcdStorageClass: z
        .string()
        .regex(
            /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
            "must be empty (the seed's default class) or a StorageClass name: lower-case letters, digits, '-' and '.'",
        )
        .default(defaults.etcdStorageClass),
    etcdAntiAffinity: oneOf(["auto", "required", "preferred"]).default(defaults.etcdAntiAffinity),
    encryptionKeys: z
        .array(
            z
                .string({ error: "must be a key name" })
                .regex(
                    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
                    "must be a key name: lower-case letters, digits and '-', at most 63 characters",
                )
                .max(63, "at most 63 characters"),
            { error: "must be a list of key names, the encrypting key first" },
        )
        .min(1, "must name at least one key: the first encrypts Secrets")
        .max(5, "at most 5 keys (one encrypting, the rest only decrypting during a rotation)")
        .refine(unique, "names a key twice")
        .default([...defaults.encryptionKeys]),
    controlPlanePriorityClass: z
        .string()
        .max(253, "at most 253 characters")
        .regex(
            /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
            "must be a PriorityClass name: lower-case letters, digits, '-' and '.'",
        )
        .default(defaults.controlPlanePriorityClass),
    agentReplicas: wholeNumber(1, 20).default(defaults.agentReplicas),
    agentMode: oneOf(["deployment", "daemonset"]).default(defaults.agentMode),
    tunnelServerCounting: oneOf(["leases", "static"]).default(defaults.tunnelServerCounting),
    tunnelPort: wholeNumber(1024, 49151, "a port").default(defaults.tunnelPort),
    tunnelKeepaliveSeconds: wholeNumber(30, 3600, "a number of seconds").default(defaults.tunnelKeepaliveSeconds),
    lbProvider: oneOf(["amphora", "ovn"]).default(defaults.lbProvider),
    lbIdleTimeoutSeconds: wholeNumber(60, 86400, "a number of seconds").default(defaults.lbIdleTimeoutSeconds),
    apiserverNodePort: nodePort.default(defaults.apiserverNodePort),
    tunnelNodePort: nodePort.default(defaults.tunnelNodePort),
    openvpnNodePort: nodePort.default(defaults.openvpnNodePort),
    podCidr: ipv4Cidr
        .refine(
            prefixLength((bits) => bits < nodePodCidrMaskSize),
            `must be larger than /${nodePodCidrMaskSize}, the pod range each node gets (kube-controller-manager --node-cidr-mask-size); a /16 fits 256 nodes`,
        )
        .default(defaults.podCidr),
    serviceCidr: ipv4Cidr
        .refine(
            prefixLength((bits) => bits >= 12),
            "must be /12 or smaller (kube-apiserver rejects larger service ranges)",
        )
        .default(defaults.serviceCidr),
    clusterDomain: z
        .string()
        .regex(
            /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
            "must be a DNS domain such as cluster.local",
        )
        .default(defaults.clusterDomain),
    dnsNameservers: z
        .array(ipv4, { error: "must be a list of IPv4 addresses" })
        .min(1, "must list at least one nameserver")
        .max(5, "at most 5 nameservers")
        .default([...defaults.dnsNameservers]),
    apiAllowedCidrs: ipv4CidrList
        .min(1, 'must admit someone; use ["0.0.0.0/0"] for everyone')
        .default([...defaults.apiAllowedCidrs]),
    sshAllowedCidrs: cidrList.default([...defaults.sshAllowedCidrs]),
    tunnelAllowedCidrs: ipv4CidrList
        .refine(
            (l) => !l.some(isWholeInternet),
            "must not admit the whole internet: the tunnel port takes only the worker router's address and the CIDRs named here",
        )
        .default([...defaults.tunnelAllowedCidrs]),
    openvpnCidr: ipv4Cidr
        .refine(
            prefixLength((bits) => bits <= 28),
            "must be /28 or larger: the server, every apiserver replica's client (and one more during a rollout) and the user cluster's client each take an address",
        )
        .default(defaults.openvpnCidr),
    caValidityHours: wholeNumber(24, 876000, "a number of hours").default(defaults.caValidityHours),
    certValidityHours: wholeNumber(24, 876000, "a number of hours").default(defaults.certValidityHours),
    certEarlyRenewalHours: wholeNumber(0, 876000, "a number of hours").default(defaults.certEarlyRenewalHours),
    joinTokenHours: wholeNumber(1, 168, "a number of hours").default(defaults.joinTokenHours),
    workerPools: z.array(workerPool, { error: "must be a list of worker pools" }).default([...defaults.workerPools]),
    controlPlaneTenant: tenantSchema,
    workerTenant: tenantSchema,
    seed,
};

/** Keys whose values are objects or lists (JSON in Pulumi config); the others are scalars. */
export const structuredKeys: ReadonlySet<string> = new Set([
    "controlPlaneTenant",
    "workerTenant",
    "seed",
    "dnsNameservers",
    "apiAllowedCidrs",
    "sshAllowedCidrs",
    "tunnelAllowedCidrs",
    "encryptionKeys",
    "workerPools",
]);

/** A cluster's raw configuration (without its secrets), objects parsed from JSON, and checked across keys. */
export const clusterConfigSchema = z.object(clusterConfigShape).superRefine((c, ctx) => {
    const problem = (path: (string | number)[], message: string) => issueAt(ctx, path, message);

    const seedNodes = c.seed.nodeAddresses.length;
    if (c.etcdAntiAffinity === "required" && seedNodes < c.etcdReplicas) {
        problem(
            ["etcdAntiAffinity"],
            `needs at least as many seed nodes as etcd members: etcdReplicas is ${c.etcdReplicas}, seed.nodeAddresses lists ${seedNodes}; use auto or preferred (members may then share a node)`,
        );
    }

    if (c.tunnelMode === "openvpn") {
        // The apiserver pods route these networks into the tunnel: none may be the tunnel's own
        // network or the seed's node network.
        const routed: [string, string][] = [
            ["podCidr", c.podCidr],
            ["serviceCidr", c.serviceCidr],
            ["workerTenant.network.cidr", c.workerTenant.network.cidr],
        ];
        const seedCidr = c.controlPlaneTenant.network.cidr;
        for (const [key, cidr] of [...routed, ["controlPlaneTenant.network.cidr", seedCidr]]) {
            if (cidrsOverlap(c.openvpnCidr, cidr)) {
                problem(
                    ["openvpnCidr"],
                    `overlaps ${key} (${cidr}); in openvpn mode the tunnel network must be disjoint from the worker, pod, service and seed networks`,
                );
            }
        }
        for (const [key, cidr] of routed) {
            if (cidrsOverlap(cidr, seedCidr)) {
                problem(
                    key.split("."),
                    `overlaps controlPlaneTenant.network.cidr (${seedCidr}); in openvpn mode the apiserver pods route this network into the tunnel, so it must not hold the seed's nodes`,
                );
            }
        }
    }

    const networks: [string, string][] = [
        ["podCidr", c.podCidr],
        ["serviceCidr", c.serviceCidr],
        ["workerTenant.network.cidr", c.workerTenant.network.cidr],
    ];
    networks.forEach(([earlierKey, earlier], i) => {
        for (const [key, cidr] of networks.slice(i + 1)) {
            if (cidrsOverlap(earlier, cidr)) {
                problem(
                    key.split("."),
                    `overlaps ${earlierKey} (${earlier}); pod, service and worker networks must be disjoint`,
                );
            }
        }
    });

    // The seed exists before any of its clusters: its nodes already sit on the control-plane
    // network, so a cluster adopts that network and its project; the platform stack
    // (platform/) creates them.
    const cp = c.controlPlaneTenant;
    if (cp.project.name !== undefined) {
        problem(
            ["controlPlaneTenant", "project"],
            "a cluster adopts the control-plane project (project.id), which holds the seed's network and so exists before any cluster; the platform stack (platform/) creates it. Or set platformStack",
        );
    }
    if (cp.network.networkId === undefined) {
        problem(
            ["controlPlaneTenant", "network"],
            "a cluster adopts the seed's network (networkId, subnetId, routerId): the seed nodes (seed.nodeAddresses) cannot already sit on a network this run creates; the platform stack (platform/) creates it. Or set platformStack",
        );
    }
    const seedCidr = cp.network.cidr;
    c.seed.nodeAddresses.forEach((address, i) => {
        if (!cidrContains(seedCidr, address)) {
            problem(
                ["seed", "nodeAddresses", i],
                `is outside the control-plane tenant's subnet ${seedCidr} (controlPlaneTenant.network.cidr), where the load balancer reaches the seed nodes`,
            );
        }
    });

    const ports: [string, number][] = [
        ["apiserverNodePort", c.apiserverNodePort],
        ["tunnelNodePort", c.tunnelNodePort],
        ["openvpnNodePort", c.openvpnNodePort],
    ];
    ports.forEach(([key, port], i) => {
        const clash = ports.slice(0, i).find(([, other]) => other === port);
        if (clash) problem([key], `equals ${clash[0]}; every NodePort of the cluster must be distinct`);
    });
    const taken: Record<number, string> = {
        [apiserverPort]: "the apiserver on the load balancer",
        [openvpnPort]: "OpenVPN on the load balancer",
        [konnectivityAdminPort]: "konnectivity-server's admin port",
        [konnectivityHealthPort]: "konnectivity-server's health port",
    };
    if (taken[c.tunnelPort] !== undefined) {
        problem(
            ["tunnelPort"],
            `is taken by ${taken[c.tunnelPort]}; the usual agent port is 8132 (taken: ${Object.keys(taken).join(", ")})`,
        );
    }

    if (c.tunnelKeepaliveSeconds >= c.lbIdleTimeoutSeconds) {
        problem(
            ["tunnelKeepaliveSeconds"],
            `must be shorter than lbIdleTimeoutSeconds (${c.lbIdleTimeoutSeconds}), or the load balancer cuts idle tunnels`,
        );
    }
    if (c.certEarlyRenewalHours >= c.certValidityHours) {
        problem(
            ["certEarlyRenewalHours"],
            `must be shorter than certValidityHours (${c.certValidityHours}), or every update renews every certificate`,
        );
    }
    if (c.certValidityHours > c.caValidityHours) {
        problem(
            ["certValidityHours"],
            `must not exceed caValidityHours (${c.caValidityHours}): a certificate cannot outlive its CA`,
        );
    }

    c.workerPools.forEach((pool, i) => {
        if (c.workerPools.findIndex((p) => p.name === pool.name) !== i) {
            problem(["workerPools", i, "name"], "names a pool twice; pool names must be unique");
        }
        if (`${c.clusterName}-${pool.name}-${Math.max(pool.size - 1, 0)}`.length > 63) {
            problem(
                ["workerPools", i, "name"],
                `makes node names longer than 63 characters with clusterName ${c.clusterName}; shorten either`,
            );
        }
        // A pool without its own version runs the cluster's.
        const version = pool.kubernetesVersion ?? c.kubernetesVersion;
        if (supportedKubernetesVersions.indexOf(version) > supportedKubernetesVersions.indexOf(c.kubernetesVersion)) {
            problem(
                ["workerPools", i, "kubernetesVersion"],
                `is newer than kubernetesVersion (${c.kubernetesVersion}): a kubelet must not be newer than its apiserver`,
            );
        }
    });

    for (const key of ["controlPlaneTenant", "workerTenant"] as const) {
        const t = c[key];
        if (t.project.name !== undefined && t.credentials.applicationCredentialId !== undefined) {
            problem(
                [key, "credentials", "applicationCredentialId"],
                "cannot create a project: application credentials are bound to their own project. Use credentials.cloud or credentials.userName, or adopt the project with project.id",
            );
        }
    }
});

export type RawClusterConfig = z.output<typeof clusterConfigSchema>;
