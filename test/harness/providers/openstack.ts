import { hostAddressIn, publicAddressFrom, uuidFrom } from "../ids";
import { ProviderMock } from "./types";

/**
 * The OpenStack provider, as far as this program uses it: ids are UUIDs, routers get an
 * external (SNAT) address, load balancers a VIP in their subnet and a VIP port, floating IPs
 * a public address. Subnets remember their CIDR so that VIPs and ports land inside them. Ports get
 * a fixed IP in their subnet (or the one asked for) and the security groups named; an instance on
 * a port takes its address (accessIpV4) and is a member of the server group its hints name; a
 * server group keeps the one policy it was given; an image looked up by name has an id from it.
 */
export function openstackMock(): ProviderMock {
    const subnetCidrs = new Map<string, string>();
    const portAddresses = new Map<string, string>();
    return {
        prefix: "openstack:",
        resources: {
            "openstack:networking/subnet:Subnet": ({ name, inputs }) => {
                const id = uuidFrom(`subnet/${name}`);
                subnetCidrs.set(id, inputs.cidr);
                const gatewayIp = hostAddressIn(inputs.cidr, "gateway").replace(/\.\d+$/, ".1");
                return { id, state: { ...inputs, gatewayIp, enableDhcp: true } };
            },
            "openstack:networking/router:Router": ({ name, inputs }) => ({
                id: uuidFrom(`router/${name}`),
                state: {
                    ...inputs,
                    externalFixedIps: [
                        { ipAddress: publicAddressFrom(`router/${name}`), subnetId: uuidFrom("external-subnet") },
                    ],
                    enableSnat: true,
                },
            }),
            "openstack:loadbalancer/loadBalancer:LoadBalancer": ({ name, inputs }) => {
                const cidr = subnetCidrs.get(inputs.vipSubnetId) ?? "10.0.0.0/24";
                return {
                    id: uuidFrom(`lb/${name}`),
                    state: {
                        ...inputs,
                        vipAddress: inputs.vipAddress ?? hostAddressIn(cidr, `vip/${name}`),
                        vipPortId: uuidFrom(`vip-port/${name}`),
                    },
                };
            },
            "openstack:networking/port:Port": ({ name, inputs }) => {
                const id = uuidFrom(`port/${name}`);
                const fixedIps = ((inputs.fixedIps ?? []) as { subnetId: string; ipAddress?: string }[]).map((ip) => ({
                    ...ip,
                    ipAddress:
                        ip.ipAddress ?? hostAddressIn(subnetCidrs.get(ip.subnetId) ?? "10.0.0.0/24", `port/${name}`),
                }));
                if (fixedIps[0]) portAddresses.set(id, fixedIps[0].ipAddress);
                return {
                    id,
                    state: {
                        ...inputs,
                        fixedIps,
                        allFixedIps: fixedIps.map((ip) => ip.ipAddress),
                        allSecurityGroupIds: inputs.securityGroupIds ?? [],
                        macAddress: `fa:16:3e:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`,
                    },
                };
            },
            "openstack:compute/serverGroup:ServerGroup": ({ name, inputs }) => {
                const policies = (inputs.policies ?? []) as string[];
                if (policies.length !== 1) {
                    throw new Error(
                        `openstack mock: ServerGroup ${name} needs exactly one policy (got ${policies.length})`,
                    );
                }
                return { id: uuidFrom(`server-group/${name}`), state: { ...inputs, members: [] } };
            },
            "openstack:compute/instance:Instance": ({ name, inputs }) => {
                const networks = (inputs.networks ?? []) as { port?: string; uuid?: string }[];
                const accessIpV4 = networks.map((n) => (n.port ? portAddresses.get(n.port) : undefined)).find(Boolean);
                return {
                    id: uuidFrom(`instance/${name}`),
                    state: {
                        ...inputs,
                        accessIpV4: accessIpV4 ?? "",
                        networks: networks.map((n) => ({
                            ...n,
                            fixedIpV4: n.port ? portAddresses.get(n.port) : undefined,
                        })),
                        powerState: "active",
                    },
                };
            },
            "openstack:networking/floatingIp:FloatingIp": ({ name, inputs }) => ({
                id: uuidFrom(`fip/${name}`),
                state: { ...inputs, address: inputs.address ?? publicAddressFrom(`fip/${name}`) },
            }),
        },
        calls: {
            "openstack:networking/getNetwork:getNetwork": ({ inputs }) => ({
                id: uuidFrom(`network/${inputs.name}`),
                name: inputs.name,
                external: true,
            }),
            "openstack:networking/getRouter:getRouter": ({ inputs }) => ({
                id: inputs.routerId,
                routerId: inputs.routerId,
                externalFixedIps: [{ ipAddress: publicAddressFrom(`router/${inputs.routerId}`) }],
            }),
            "openstack:identity/getAuthScope:getAuthScope": () => ({
                id: "current",
                name: "current",
                userId: uuidFrom("deployer"),
                userName: "deployer",
                projectId: uuidFrom("deployer-home-project"),
            }),
            "openstack:images/getImage:getImage": ({ inputs }) => ({
                id: uuidFrom(`image/${inputs.name}`),
                name: inputs.name,
                status: "active",
                diskFormat: "qcow2",
                containerFormat: "bare",
                minDiskGb: 4,
                visibility: "public",
            }),
            "openstack:identity/getRole:getRole": ({ inputs }) => ({
                id: uuidFrom(`role/${inputs.name}`),
                name: inputs.name,
            }),
        },
    };
}
