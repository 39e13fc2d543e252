import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * A small network lab for the OpenVPN tests: network namespaces joined by veth pairs, processes
 * started inside them (each in a mount namespace of its own, with only the capabilities it is
 * given), every one stopped by its PID, every namespace deleted. Everything carries a prefix
 * with this process's PID, so that a lab never touches another's namespaces.
 */

/** Why the lab cannot run here, or undefined when it can. */
export function labUnavailable(tools: readonly string[]): string | undefined {
    if (process.platform !== "linux") return "network namespaces need Linux";
    if (process.getuid?.() !== 0) return "network namespaces need root";
    const missing = tools.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
    if (missing.length > 0)
        return `missing ${missing.join(", ")} (.ci/run installs them: apt-get install openvpn iptables iputils-ping iproute2)`;
    if (!fs.existsSync("/dev/net/tun")) return "no /dev/net/tun";
    const probe = `gks-probe-${process.pid}`;
    if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "cannot create network namespaces";
    spawnSync("ip", ["netns", "del", probe]);
    return undefined;
}

function run(args: readonly string[]): string {
    const result = spawnSync(args[0], args.slice(1), { encoding: "utf8", timeout: 10_000 });
    if (result.status !== 0) {
        throw new Error(`${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
    return result.stdout;
}

export interface Started {
    readonly name: string;
    readonly process: ChildProcess;
    /** Everything it wrote, so far. */
    output(): string;
}

export class Lab {
    private readonly prefix = `gks-ovpn-${process.pid}`;
    private readonly namespaces: string[] = [];
    private readonly processes: Started[] = [];
    private links = 0;
    /** A scratch folder, removed with the lab. */
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "gks-ovpn-"));

    /** The full name of a namespace of this lab. */
    ns(short: string): string {
        return `${this.prefix}-${short}`;
    }

    addNamespace(short: string): void {
        const name = this.ns(short);
        run(["ip", "netns", "add", name]);
        this.namespaces.push(name);
        run(["ip", "-n", name, "link", "set", "lo", "up"]);
    }

    /** A veth pair between two namespaces, with an address (CIDR) on each end. */
    link(a: { ns: string; address: string }, b: { ns: string; address: string }): void {
        // Interface names are at most 15 characters and live in the namespaces, so short ones do.
        const id = ++this.links;
        const [ea, eb] = [`veth${id}a`, `veth${id}b`];
        run([
            "ip",
            "link",
            "add",
            ea,
            "netns",
            this.ns(a.ns),
            "type",
            "veth",
            "peer",
            "name",
            eb,
            "netns",
            this.ns(b.ns),
        ]);
        for (const [end, dev] of [
            [a, ea],
            [b, eb],
        ] as const) {
            run(["ip", "-n", this.ns(end.ns), "addr", "add", end.address, "dev", dev]);
            run(["ip", "-n", this.ns(end.ns), "link", "set", dev, "up"]);
        }
    }

    /** A command in a namespace, run to completion (bounded). */
    exec(short: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
        const r = spawnSync("ip", ["netns", "exec", this.ns(short), ...args], { encoding: "utf8", timeout: 15_000 });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    /**
     * A long-running process in a namespace, in a mount namespace of its own: `mounts` runs as
     * root first (sh), then `command` runs with only the capabilities listed (setpriv's bounding
     * set), as a container with those added capabilities would.
     */
    start(
        name: string,
        short: string,
        o: {
            mounts: string;
            command: readonly string[];
            capabilities: readonly string[];
            env?: Record<string, string>;
        },
    ): Started {
        const caps = ["-all", ...o.capabilities.map((c) => `+${c.toLowerCase()}`)].join(",");
        const quoted = o.command.map((w) => `'${w.replace(/'/g, `'"'"'`)}'`).join(" ");
        const script = `${o.mounts}\nexec setpriv --bounding-set=${caps} -- ${quoted}`;
        const child = spawn("ip", ["netns", "exec", this.ns(short), "unshare", "--mount", "--", "sh", "-c", script], {
            env: { ...process.env, ...o.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
        const started = { name, process: child, output: () => output };
        this.processes.push(started);
        return started;
    }

    /** A command inside a started process's namespaces (its mounts and network), run to completion. */
    enter(started: Started, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
        const r = spawnSync("nsenter", ["-t", String(started.process.pid), "-m", "-n", "--", ...args], {
            encoding: "utf8",
            timeout: 15_000,
        });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    /** Polls until `check` holds, at most `seconds`; throws with `describe()` when it never does. */
    async until(
        what: string,
        check: () => boolean,
        seconds: number,
        describe: () => string = () => "",
    ): Promise<number> {
        const started = Date.now();
        for (;;) {
            if (check()) return (Date.now() - started) / 1000;
            if (Date.now() - started > seconds * 1000) {
                throw new Error(`${what}: not within ${seconds} s\n${describe()}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    }

    /** Stops every process by its PID (TERM, then KILL), deletes every namespace and the scratch folder. */
    async close(): Promise<void> {
        for (const p of this.processes) {
            if (p.process.exitCode === null && p.process.signalCode === null) p.process.kill("SIGTERM");
        }
        const deadline = Date.now() + 5000;
        for (const p of this.processes) {
            while (p.process.exitCode === null && p.process.signalCode === null && Date.now() < deadline) {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            if (p.process.exitCode === null && p.process.signalCode === null) p.process.kill("SIGKILL");
        }
        for (const ns of this.namespaces.reverse()) spawnSync("ip", ["netns", "del", ns]);
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
