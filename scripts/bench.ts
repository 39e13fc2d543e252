import { execFileSync } from "child_process";
import * as path from "path";
import { parseArgs } from "util";

/**
 * npm run bench [-- --runs N]: figures, not a test. Each case runs in a fresh process under the
 * test mocks (what the offline render runs): an empty program, the dev stack (with its platform
 * stack's offline run), and the example fleet with 1, 10 and 50 clusters. Wall time is the whole
 * process (start-up included), the program time is the run alone, peak RSS is the process's.
 */
interface Figures {
    resources: number;
    wallS: number;
    runS: number;
    cpuS: number;
    rssMiB: number;
}

const cases = ["empty", "dev", "fleet-1", "fleet-10", "fleet-50"];

function measure(name: string): Figures {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "bench", "one.ts"), name], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const line = JSON.parse(out.trim().split("\n").at(-1)!) as {
        resources: number;
        runMs: number;
        cpuMs: number;
        maxRssMiB: number;
    };
    return {
        resources: line.resources,
        wallS,
        runS: line.runMs / 1000,
        cpuS: line.cpuMs / 1000,
        rssMiB: line.maxRssMiB,
    };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "1" } } });
    const runs = Math.max(1, Number(values.runs));
    const results: Record<string, Figures> = {};
    const row = (cells: string[]) =>
        console.log(cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(11))).join(""));
    row(["case", "resources", "wall s", "program s", "CPU s", "peak MiB"]);
    for (const name of cases) {
        const all = Array.from({ length: runs }, () => measure(name));
        const pick = (k: keyof Figures) => median(all.map((f) => f[k]));
        const f: Figures = {
            resources: pick("resources"),
            wallS: pick("wallS"),
            runS: pick("runS"),
            cpuS: pick("cpuS"),
            rssMiB: pick("rssMiB"),
        };
        results[name] = f;
        row([name, String(f.resources), f.wallS.toFixed(2), f.runS.toFixed(2), f.cpuS.toFixed(2), f.rssMiB.toFixed(0)]);
    }
    const { empty, dev } = results;
    console.log("");
    console.log(
        `dev stack vs empty program: +${(dev.wallS - empty.wallS).toFixed(2)} s wall, +${(dev.rssMiB - empty.rssMiB).toFixed(0)} MiB`,
    );
    for (const n of [10, 50]) {
        const a = results["fleet-1"];
        const b = results[`fleet-${n}`];
        console.log(
            `per cluster (1 -> ${n}): ${((b.runS - a.runS) / (n - 1)).toFixed(3)} s program, ` +
                `${((b.cpuS - a.cpuS) / (n - 1)).toFixed(3)} s CPU, ${((b.rssMiB - a.rssMiB) / (n - 1)).toFixed(1)} MiB`,
        );
    }
    console.log(`(median of ${runs} run${runs === 1 ? "" : "s"} each; ${process.version})`);
}

main();
