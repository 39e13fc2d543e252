import * as assert from "assert";
import * as fc from "fast-check";
import { EngineResource } from "../engine";
import { assertWaits, levels, messages, notApplicable, only, resource, types, unknownValue, urns } from "./fixtures";

/**
 * tunnel-monitor-not-readyz: a health monitor of a pool behind the tunnel listener never probes
 * /readyz, which konnectivity-server answers with 500 until an agent is connected (and the agents
 * connect through that very pool).
 */
describe("tunnel-monitor-not-readyz", () => {
    const engine = only("tunnel-monitor-not-readyz");
    const listener = (port: unknown = 8132) => resource(types.listener, { protocolPort: port });
    const poolOf = (l: EngineResource) =>
        resource(types.pool, { listenerId: unknownValue }, { propertyDependencies: { listenerId: [l.urn] } });
    const monitorOf = (pool: EngineResource, props: Record<string, unknown>, name = "probe") =>
        resource(
            types.monitor,
            { poolId: unknownValue, type: "HTTP", ...props },
            { name, propertyDependencies: { poolId: [pool.urn] } },
        );
    /** A tunnel listener, its pool and one monitor of that pool probing `urlPath`. */
    const tunnel = (urlPath: unknown, port = 8132) => {
        const l = listener(port);
        const pool = poolOf(l);
        return [l, pool, monitorOf(pool, { urlPath })];
    };
    const check = (resources: EngineResource[]) => messages(engine.analyzeStack(resources));
    const said = (name: string, urlPath: string) =>
        `Monitor ${name} of a tunnel pool probes ${urlPath}. konnectivity-server answers /readyz with 500 until ` +
        "an agent is connected, and agents can only connect through this pool: the members would never turn " +
        "healthy. Probe TCP on the agent port, or HTTP /healthz on the health port.";

    const readyz = ["/readyz", "/readyz?verbose", "/readyz/ping", "/readyz#x", " /readyz", "/readyz "];
    for (const urlPath of readyz) {
        it(`flags a probe of ${JSON.stringify(urlPath)}, on the monitor`, () => {
            const resources = tunnel(urlPath);
            const analysis = engine.analyzeStack(resources);
            assert.deepStrictEqual(messages(analysis), [said("probe", urlPath)]);
            assert.deepStrictEqual(urns(analysis), [resources[2].urn]);
            assert.deepStrictEqual(levels(analysis), ["mandatory"]);
        });
    }

    const notReadyz: unknown[] = ["/healthz", "/readyzz", "/api/readyz", "/", "readyz", "", 8];
    for (const urlPath of notReadyz) {
        it(`passes a probe of ${JSON.stringify(urlPath)}`, () => assert.deepStrictEqual(check(tunnel(urlPath)), []));
    }
    it("passes a monitor without a path (a TCP monitor)", () => {
        const [l, pool] = tunnel("/healthz");
        assert.deepStrictEqual(check([l, pool, monitorOf(pool, { type: "TCP" })]), []);
    });

    it("reads any path that is /readyz or below it as /readyz, and nothing else", () =>
        fc.assert(
            fc.property(fc.string(), fc.constantFrom("/", "?", "#", ""), (rest, sep) => {
                const urlPath = `/readyz${sep}${sep === "" ? "" : rest}`;
                assert.strictEqual(check(tunnel(urlPath)).length, 1);
                const other = `/${rest}`;
                const expected = /^\/readyz(?:[/?#]|$)/.test(other.trim()) ? 1 : 0;
                assert.strictEqual(check(tunnel(other)).length, expected);
            }),
            { numRuns: 50 },
        ));

    it("follows the tunnel port of the pack config", () => {
        const moved = only("tunnel-monitor-not-readyz", { "tunnel-monitor-not-readyz": { tunnelPort: 9000 } });
        assert.deepStrictEqual(messages(moved.analyzeStack(tunnel("/readyz", 9000))), [said("probe", "/readyz")]);
        assert.deepStrictEqual(notApplicable(moved.analyzeStack(tunnel("/readyz"))), [
            "no monitor of a pool behind port 9000",
        ]);
    });

    it("finds the pool a listener names as its default pool, and a pool by its id", () => {
        const pool = resource(types.pool, { id: "pool-1" });
        const l = resource(types.listener, { protocolPort: 8132, defaultPoolId: "pool-1" });
        const monitor = resource(types.monitor, { poolId: "pool-1", urlPath: "/readyz" }, { name: "m" });
        assert.deepStrictEqual(check([l, pool, monitor]), [said("m", "/readyz")]);
        const otherId = resource(types.monitor, { poolId: "pool-2", urlPath: "/readyz" });
        assert.deepStrictEqual(check([l, pool, otherId]), []);
    });

    it("checks every monitor of every tunnel pool, and leaves monitors of other pools alone", () => {
        const l = listener();
        const pools = [poolOf(l), poolOf(l)];
        const api = resource(types.pool, { listenerId: unknownValue }, { propertyDependencies: { listenerId: [] } });
        const resources = [
            l,
            ...pools,
            api,
            monitorOf(pools[0], { urlPath: "/readyz" }, "a"),
            monitorOf(pools[1], { urlPath: "/readyz?verbose" }, "b"),
            monitorOf(api, { urlPath: "/readyz" }, "api"),
        ];
        assert.deepStrictEqual(check(resources), [said("a", "/readyz"), said("b", "/readyz?verbose")]);
    });

    it("is not applicable without a monitor, or without a pool behind the tunnel port", () => {
        const l = listener();
        const pool = poolOf(l);
        const reason = ["no monitor of a pool behind port 8132"];
        assert.deepStrictEqual(notApplicable(engine.analyzeStack([l, pool])), reason);
        const elsewhere = tunnel("/readyz", 6443);
        assert.deepStrictEqual(notApplicable(engine.analyzeStack(elsewhere)), reason);
        assert.deepStrictEqual(check(elsewhere), []);
        assert.deepStrictEqual(notApplicable(engine.analyzeStack(tunnel("/healthz"))), []);
    });

    describe("waits (advisory, during preview) for what decides the verdict", () => {
        const waits = (resources: EngineResource[]) => {
            const analysis = engine.analyzeStack(resources);
            assertWaits(analysis);
        };
        it("an unknown path of a tunnel pool's monitor", () => waits(tunnel(unknownValue)));
        it("a monitor whose pool is not known yet, probing /readyz", () => {
            const [l, pool] = tunnel("/healthz");
            waits([l, pool, resource(types.monitor, { poolId: unknownValue, urlPath: "/readyz" })]);
        });
        it("a listener whose port is not known yet", () => {
            const l = listener(unknownValue);
            waits([l, poolOf(l), monitorOf(poolOf(l), { urlPath: "/readyz" })]);
        });
        it("a pool whose listener is not known yet", () => {
            const l = listener();
            const pool = poolOf(l);
            const unlinked = resource(types.pool, { listenerId: unknownValue });
            waits([l, pool, unlinked, monitorOf(pool, { urlPath: "/healthz" })]);
        });
    });

    it("does not wait for a monitor of another pool, nor for the path of a monitor that is not of a tunnel pool", () => {
        const [l, pool, monitor] = tunnel("/healthz");
        const other = resource(types.pool, {});
        const elsewhere = monitorOf(other, { urlPath: unknownValue });
        const unlinked = resource(types.monitor, { poolId: unknownValue, urlPath: "/healthz" });
        assert.deepStrictEqual(engine.analyzeStack([l, pool, monitor, other, elsewhere, unlinked]).diagnostics, []);
    });
});
