import { hostAddressIn, publicAddressFrom, uuidFrom } from "../ids";
import { ProviderMock } from "./types";

/**
 * The OpenStack provider, as far as this program uses it: ids are UUIDs, routers get an
 * external (SNAT) address, load balancers a VIP in their subnet and a VIP port, floating IPs
 * a public address. Subnets remember their CIDR so that VIPs land inside them.
 */
export function openstackMock(): ProviderMock {
    const subnetCidrs = new Map<string, string>();
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
            "openstack:identity/getRole:getRole": ({ inputs }) => ({
                id: uuidFrom(`role/${inputs.name}`),
                name: inputs.name,
            }),
        },
    };
}
