import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gateConfigMap, gateContainer, gateScript, leastAdmitting, tunnelTransition } from "../components/tunnel";
import type { PodSecurityLevel, TunnelPhase } from "../components/tunnel";

describe("tunnel transition (pure)", () => {
    const table: [string, Parameters<typeof tunnelTransition>, TunnelPhase, string | undefined][] = [
        ["nothing recorded: a new cluster", ["konnectivity", undefined], "new", undefined],
        [
            "the same mode recorded",
            ["openvpn", { kubernetesVersion: "1.36", tunnelMode: "openvpn" }],
            "steady",
            undefined,
        ],
        [
            "konnectivity recorded, openvpn configured",
            ["openvpn", { kubernetesVersion: "1.36", tunnelMode: "konnectivity" }],
            "migrating",
            "konnectivity",
        ],
        [
            "openvpn recorded, konnectivity configured",
            ["konnectivity", { kubernetesVersion: "1.36", tunnelMode: "openvpn" }],
            "migrating",
            "openvpn",
        ],
    ];
    for (const [what, args, phase, from] of table) {
        it(`${what}: ${phase}`, () =>
            assert.deepStrictEqual(tunnelTransition(...args), { phase, mode: args[0], ...(from ? { from } : {}) }));
    }

    const levels: [PodSecurityLevel[], PodSecurityLevel][] = [
        [["restricted"], "restricted"],
        [["restricted", "privileged"], "privileged"],
        [["baseline", "restricted"], "baseline"],
        [[], "restricted"],
    ];
    for (const [needed, least] of levels) {
        it(`admits ${needed.join(" + ") || "nothing"} with ${least}`, () =>
            assert.strictEqual(leastAdmitting(needed), least));
    }
});

describe("the tunnel gate", () => {
    it("waits without deadline only while migrating", () => {
        assert.deepStrictEqual(gateConfigMap("migrating").data, { "deadline-seconds": "none" });
        assert.deepStrictEqual(gateConfigMap("steady").data, { "deadline-seconds": "30" });
        assert.deepStrictEqual(gateConfigMap("new").data, { "deadline-seconds": "30" });
    });

    it("reads the deadline from the ConfigMap at start, outside the pod template, and is ready once open", () => {
        const c = gateContainer({ what: "x", condition: "true" });
        assert.deepStrictEqual(c.env, [
            {
                name: "TUNNEL_GATE_DEADLINE",
                valueFrom: { configMapKeyRef: { name: "tunnel-gate", key: "deadline-seconds" } },
            },
        ]);
        assert.deepStrictEqual((c.startupProbe as { exec: unknown }).exec, {
            command: ["test", "-f", "/run/tunnel-gate/open"],
        });
        assert.strictEqual(c.readinessProbe, undefined, "once open, the tunnel failing must not make the pod unready");
    });

    // The script itself, run by a POSIX sh (busybox's in the pod) in a mount namespace whose /run is
    // a fresh tmpfs: bounded, every process stopped by its PID.
    const runnable = process.getuid?.() === 0 && spawnSync("unshare", ["--mount", "true"]).status === 0;
    const start = (condition: string, deadline: string) => {
        const script = gateScript({ what: "the test's condition", condition });
        const child = spawn(
            "unshare",
            ["--mount", "--", "sh", "-c", 'mount -t tmpfs tmpfs /run && mkdir /run/tunnel-gate && exec sh -c "$GATE"'],
            {
                env: { ...process.env, GATE: script, TUNNEL_GATE_DEADLINE: deadline },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        return { child, output: () => output };
    };
    const until = async (check: () => boolean, ms: number) => {
        const deadline = Date.now() + ms;
        while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        return check();
    };
    const stop = async (child: ReturnType<typeof start>["child"]) => {
        if (child.exitCode === null) child.kill("SIGTERM");
        const stopped = await until(() => child.exitCode !== null || child.signalCode !== null, 3000);
        if (!stopped) child.kill("SIGKILL");
        return stopped;
    };

    it("opens when the condition holds, not before, with no deadline while migrating", async function () {
        if (!runnable) this.skip();
        const flag = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gks-gate-")), "up");
        const gate = start(`test -f ${flag}`, "none");
        try {
            assert.ok(!(await until(() => /open/.test(gate.output()), 2500)), gate.output());
            fs.writeFileSync(flag, "");
            assert.ok(await until(() => /tunnel-gate: open after \d+ s/.test(gate.output()), 5000), gate.output());
        } finally {
            assert.ok(
                await stop(gate.child),
                "stops within 3 s on SIGTERM (the pod's termination does not wait for it)",
            );
            fs.rmSync(path.dirname(flag), { recursive: true, force: true });
        }
    });

    it("opens after its deadline anyway outside a migration, saying so", async function () {
        if (!runnable) this.skip();
        const gate = start("false", "1");
        try {
            assert.ok(await until(() => /open after/.test(gate.output()), 5000), gate.output());
            assert.match(gate.output(), /the test's condition not up after 1 s; the pod becomes ready without it/);
        } finally {
            assert.ok(await stop(gate.child));
        }
    });
});
