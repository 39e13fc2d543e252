import * as assert from "assert";
import { isUnknown, Unknown } from "../../../policies/lib/known";
import {
    isPoolOf,
    listenerLabel,
    listenersOnPorts,
    octaviaDefaultTimeoutMs,
    onOvn,
    poolsBehind,
    timeoutMs,
    tunnelPools,
} from "../../../policies/lib/octavia";
import type { Report } from "../../../policies/lib/policy";
import { Resource, types } from "../../../policies/lib/resources";

/** The Octavia load balancer as a stack declares it: listeners by port, their pools, their provider. */
describe("policies/lib/octavia", () => {
    let serial = 0;
    const res = (type: string, props: Record<string, unknown>, extra: Partial<Resource> = {}): Resource => {
        const name = `o${++serial}`;
        return { type, name, urn: `urn:${type}::${name}`, props, dependencies: [], propertyDependencies: {}, ...extra };
    };
    const unknown = () => new Unknown(new Error("unknown"));
    const listener = (port: unknown, props: Record<string, unknown> = {}) =>
        res(types.listener, { id: `l-${String(port)}`, protocolPort: port, ...props });

    it("finds the listeners on the given ports, and the ports not known yet", () => {
        const u = unknown();
        const [a, b, c, d] = [listener(8132), listener(6443), listener(u), listener("8132")];
        const other = res(types.pool, { protocolPort: 8132 });
        const found = listenersOnPorts([a, b, c, d, other], [8132, 1194]);
        assert.deepStrictEqual(found.found, [a]);
        assert.deepStrictEqual(found.unknowns, [u]);
        assert.deepStrictEqual(listenersOnPorts([a, b], []).found, []);
    });

    it("links a pool to a listener either way: listenerId, or the listener's defaultPoolId", () => {
        const l = listener(8132);
        const byPool = res(types.pool, { id: "p-1", listenerId: "l-8132" });
        const byListener = res(types.pool, { id: "p-2" });
        const withDefault = { ...l, props: { ...l.props, defaultPoolId: "p-2" } };
        const stranger = res(types.pool, { id: "p-3", listenerId: "l-6443" });
        assert.strictEqual(isPoolOf(byPool, l), true);
        assert.strictEqual(isPoolOf(byListener, withDefault), true);
        assert.strictEqual(isPoolOf(stranger, withDefault), false);
        const u = unknown();
        assert.strictEqual(isPoolOf(res(types.pool, { listenerId: u }), l), u);
        const found = poolsBehind([byPool, byListener, stranger, l, res(types.pool, { listenerId: u })], [withDefault]);
        assert.deepStrictEqual(found.found, [byPool, byListener]);
        assert.deepStrictEqual(found.unknowns, [u]);
        assert.deepStrictEqual(poolsBehind([byPool], []).found, [], "no listeners, no pools");
    });

    it("hands the unknown ports and links of the tunnel's pools to the report", () => {
        const seen: Unknown[] = [];
        const report: Report = {
            violation: () => undefined,
            unknown: (u) => seen.push(u),
            notApplicable: () => undefined,
        };
        const [port, link] = [unknown(), unknown()];
        const l = listener(8132);
        const p = res(types.pool, { listenerId: "l-8132" });
        const result = tunnelPools([l, listener(port), p, res(types.pool, { listenerId: link })], 8132, report);
        assert.deepStrictEqual(result, { listeners: [l], pools: [p] });
        assert.deepStrictEqual(seen, [port, link]);
    });

    it("tells a listener on an OVN load balancer", () => {
        const ovn = res(types.loadBalancer, { id: "lb-o", loadbalancerProvider: "ovn" });
        const amphora = res(types.loadBalancer, { id: "lb-a", loadbalancerProvider: "amphora" });
        const on = (lb: string) => listener(8132, { loadbalancerId: lb });
        assert.strictEqual(onOvn(on("lb-o"), [amphora, ovn]), true);
        assert.strictEqual(onOvn(on("lb-a"), [amphora, ovn]), false);
        assert.strictEqual(onOvn(on("lb-x"), [amphora, ovn]), false);
        assert.strictEqual(onOvn(on("lb-o"), [res(types.pool, { id: "lb-o", loadbalancerProvider: "ovn" })]), false);
        const unknownProvider = res(types.loadBalancer, { id: "lb-u", loadbalancerProvider: unknown() });
        assert.strictEqual(onOvn(on("lb-u"), [unknownProvider]), false);
    });

    it("reads a data timeout as Octavia applies it: 50 s when not set", () => {
        assert.strictEqual(octaviaDefaultTimeoutMs, 50_000);
        assert.strictEqual(timeoutMs(listener(1, { timeoutClientData: 3_600_000 }), "timeoutClientData"), 3_600_000);
        assert.strictEqual(timeoutMs(listener(1, { timeoutMemberData: 0 }), "timeoutMemberData"), 0);
        assert.strictEqual(timeoutMs(listener(1, { timeoutMemberData: 7 }), "timeoutClientData"), 50_000);
        assert.strictEqual(timeoutMs(listener(1, { timeoutClientData: "9" }), "timeoutClientData"), 50_000);
        const u = unknown();
        assert.strictEqual(timeoutMs(listener(1, { timeoutMemberData: u }), "timeoutMemberData"), u);
        assert.ok(isUnknown(u));
    });

    it("labels a listener by name and, when known, port", () => {
        const l = listener(8132);
        assert.strictEqual(listenerLabel(l), `listener ${l.name} (port 8132)`);
        const u = listener(unknown());
        assert.strictEqual(listenerLabel(u), `listener ${u.name}`);
        const s = listener("8132");
        assert.strictEqual(listenerLabel(s), `listener ${s.name}`);
    });
});
