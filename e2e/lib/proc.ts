/**
 * Processes the suite starts: each one's output goes to a log file, each is stopped by its PID
 * (SIGTERM, then SIGKILL after a bound), and whatever is still running when the suite's process
 * exits is killed by PID too.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";

const running = new Set<Proc>();

process.on("exit", () => {
    for (const p of running) p.killNow();
});

export interface ProcOptions {
    /** The log file; stdout and stderr both go there. */
    readonly log: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
}

export class Proc {
    readonly pid: number;
    private readonly child: ChildProcess;
    private exitCode: number | null | undefined;
    private exited: Promise<void>;

    constructor(
        readonly name: string,
        readonly argv: readonly string[],
        readonly options: ProcOptions,
    ) {
        const out = fs.openSync(options.log, "a");
        this.child = spawn(argv[0], argv.slice(1), {
            stdio: ["ignore", out, out],
            env: options.env ?? {},
            cwd: options.cwd,
        });
        fs.closeSync(out);
        if (this.child.pid === undefined) throw new Error(`${name}: cannot start ${argv[0]}`);
        this.pid = this.child.pid;
        running.add(this);
        this.exited = new Promise((resolve) =>
            this.child.once("exit", (code, signal) => {
                this.exitCode = code ?? (signal ? 128 : null);
                running.delete(this);
                resolve();
            }),
        );
    }

    get alive(): boolean {
        return this.exitCode === undefined;
    }

    /** The exit code once exited (128 when killed by a signal). */
    get code(): number | null | undefined {
        return this.exitCode;
    }

    /** The last lines of the log, for error messages. */
    tail(lines = 20): string {
        try {
            return fs.readFileSync(this.options.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
        } catch {
            return "";
        }
    }

    /** Resolves when the process exits or after ms, whichever is first; true if it exited. */
    async waitExit(ms: number): Promise<boolean> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
        const done = await Promise.race([this.exited.then(() => true), timeout]);
        clearTimeout(timer);
        return done;
    }

    /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
    async stop(graceMs = 10_000): Promise<void> {
        if (!this.alive) return;
        this.signal("SIGTERM");
        if (await this.waitExit(graceMs)) return;
        this.signal("SIGKILL");
        if (!(await this.waitExit(5_000))) throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`);
    }

    /** SIGKILL now: a crash, as a fault test wants it. */
    async kill(): Promise<void> {
        if (!this.alive) return;
        this.signal("SIGKILL");
        if (!(await this.waitExit(5_000))) throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`);
    }

    killNow(): void {
        if (this.alive) this.signal("SIGKILL");
    }

    private signal(sig: NodeJS.Signals): void {
        try {
            process.kill(this.pid, sig);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
        }
    }
}

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a short command to completion (bounded by timeoutMs), without a shell. */
export function run(
    argv: readonly string[],
    options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): RunResult {
    const r = spawnSync(argv[0], argv.slice(1), {
        input: options.input,
        encoding: "utf8",
        timeout: options.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
        env: options.env ?? process.env,
        maxBuffer: 256 << 20,
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw r.error;
    return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Like run, but throws with the command and its output when it fails. */
export function must(argv: readonly string[], options: Parameters<typeof run>[1] = {}): string {
    const r = run(argv, options);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
}

/** Runs a command to completion without blocking the event loop (bounded by timeoutMs). */
export function runAsync(
    argv: readonly string[],
    options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0], argv.slice(1), {
            env: options.env ?? process.env,
            stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout?.on("data", (d: Buffer) => out.push(d));
        child.stderr?.on("data", (d: Buffer) => err.push(d));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
        child.once("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.once("close", (code, signal) => {
            clearTimeout(timer);
            resolve({
                code: code ?? (signal ? 128 : 1),
                stdout: Buffer.concat(out).toString("utf8"),
                stderr: Buffer.concat(err).toString("utf8"),
            });
        });
        if (options.input !== undefined && child.stdin) {
            // A command that exits without reading its input is not an error of the caller's.
            child.stdin.on("error", () => undefined);
            child.stdin.end(options.input);
        }
    });
}
