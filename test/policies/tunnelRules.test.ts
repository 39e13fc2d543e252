import * as assert from "assert";
import { policies } from "../../policies/policies";
import { Engine, EngineResource, violated } from "./engine";

/**
 * The policies a reviewer of an OpenVPN cluster wants, each on small stacks written the way
 * someone else would write them: other names than this program's, resources recognised by their
 * properties.
 */
const only = (name: string) => new Engine(policies.filter((p) => p.name === name));

let serial = 0;
function res(type: string, props: Record<string, unknown>, extra: Partial<EngineResource> = {}): EngineResource {
    const name = `t${++serial}`;
    return { type, name, urn: `urn:pulumi:test::gks-cluster::${type}::${name}`, props, ...extra };
}

describe("tunnel-listener-not-public", () => {
    const lb = (provider = "amphora") =>
        res("openstack:loadbalancer/loadBalancer:LoadBalancer", { id: "lb-1", loadbalancerProvider: provider });
    const listener = (port: number, allowedCidrs?: unknown) =>
        res("openstack:loadbalancer/listener:Listener", {
            id: `l-${port}`,
            loadbalancerId: "lb-1",
            protocol: "TCP",
            protocolPort: port,
            ...(allowedCidrs === undefined ? {} : { allowedCidrs }),
        });
    const check = (resources: EngineResource[]) => violated(only("tunnel-listener-not-public").analyzeStack(resources));

    const table: [string, EngineResource[], boolean][] = [
        ["an OpenVPN listener without an allowlist", [lb(), listener(1194)], true],
        ["an OpenVPN listener open to 0.0.0.0/0", [lb(), listener(1194, ["203.0.113.7/32", "0.0.0.0/0"])], true],
        ["an agent listener with an empty allowlist", [lb(), listener(8132, [])], true],
        ["an OpenVPN listener admitting the worker router only", [lb(), listener(1194, ["203.0.113.7/32"])], false],
        ["the API listener open to everyone (not a tunnel)", [lb(), listener(6443, ["0.0.0.0/0"])], false],
    ];
    for (const [what, resources, violation] of table) {
        it(`${violation ? "flags" : "passes"} ${what}`, () =>
            assert.deepStrictEqual(check(resources), violation ? ["tunnel-listener-not-public"] : []));
    }

    it("on OVN (no listener allowlists), checks the seed rules that admit the pool's NodePort", () => {
        const l = listener(1194);
        const pool = res("openstack:loadbalancer/pool:Pool", { id: "p-1", listenerId: "l-1194" });
        const member = res("openstack:loadbalancer/member:Member", {
            poolId: "p-1",
            address: "10.0.0.11",
            protocolPort: 30194,
        });
        const rule = (remoteIpPrefix: string) =>
            res("openstack:networking/secGroupRule:SecGroupRule", {
                direction: "ingress",
                ethertype: "IPv4",
                protocol: "tcp",
                portRangeMin: 30194,
                portRangeMax: 30194,
                remoteIpPrefix,
            });
        const stack = [lb("ovn"), l, pool, member];
        assert.deepStrictEqual(check([...stack, rule("203.0.113.7/32"), rule("10.0.0.0/24")]), []);
        assert.deepStrictEqual(check([...stack, rule("0.0.0.0/0")]), ["tunnel-listener-not-public"]);
    });

    it("is not applicable without a tunnel listener, and follows the configured ports", () => {
        const analysis = only("tunnel-listener-not-public").analyzeStack([lb(), listener(6443)]);
        assert.deepStrictEqual(
            analysis.notApplicable.map((n) => n.reason),
            ["the stack has no listener on the tunnel ports 8132 or 1194"],
        );
        const moved = new Engine(
            policies.filter((p) => p.name === "tunnel-listener-not-public"),
            {
                "tunnel-listener-not-public": { openvpnPort: 11940 },
            },
        );
        assert.deepStrictEqual(violated(moved.analyzeStack([lb(), listener(11940)])), ["tunnel-listener-not-public"]);
    });
});

describe("listener-timeouts-exceed-keepalive covers the OpenVPN listener", () => {
    const check = (props: Record<string, unknown>) =>
        violated(
            only("listener-timeouts-exceed-keepalive").analyzeStack([
                res("openstack:loadbalancer/listener:Listener", { protocol: "TCP", protocolPort: 1194, ...props }),
            ]),
        );
    it("flags 1194 on Octavia's 50 s default, and passes it with an hour", () => {
        assert.deepStrictEqual(check({}), ["listener-timeouts-exceed-keepalive"]);
        assert.deepStrictEqual(check({ timeoutClientData: 3_600_000, timeoutMemberData: 3_600_000 }), []);
    });
});
