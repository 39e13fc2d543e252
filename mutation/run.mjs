// `npm run mutation [group ...]`: Stryker over each group of decision modules (groups.json), each
// against its own test files, then a score table. Not part of `npm test` or CI: it takes minutes.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import process from "node:process";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
// Stryker and mocha 11 live in mutation/node_modules (`npm ci --prefix mutation`): Stryker 9.6's
// mocha runner loads mocha up to 11, the project tests with 12.
const { Stryker } = createRequire(join(here, "package.json"))("@stryker-mutator/core");

const base = JSON.parse(readFileSync(join(here, "stryker.config.json"), "utf8"));
delete base.$schema;
const groups = JSON.parse(readFileSync(join(here, "groups.json"), "utf8"));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !groups.some((g) => g.name === w));
if (unknown.length > 0) {
    console.error(`unknown group(s) ${unknown.join(", ")}; groups: ${groups.map((g) => g.name).join(", ")}`);
    process.exit(2);
}
const selected = wanted.length === 0 ? groups : groups.filter((g) => wanted.includes(g.name));

const detected = new Set(["Killed", "Timeout"]);
const undetected = new Set(["Survived", "NoCoverage"]);
process.chdir(root);
const rows = [];
const started = Date.now();
for (const group of selected) {
    const t0 = Date.now();
    const reportDir = join("reports", "mutation", group.name);
    const results = await new Stryker({
        ...base,
        mutate: group.mutate,
        mochaOptions: { ...base.mochaOptions, spec: group.tests },
        jsonReporter: { fileName: join(reportDir, "mutation.json") },
        htmlReporter: { fileName: join(reportDir, "index.html") },
    }).runMutationTest();
    const seconds = (Date.now() - t0) / 1000;
    // A group of several files gets a row per file: the floor holds for each module.
    const files = [...new Set(results.map((r) => r.fileName))].sort();
    for (const file of files) {
        const mine = results.filter((r) => r.fileName === file);
        const count = (set) => mine.filter((r) => set.has(r.status)).length;
        const [killed, missed, ignored] = [count(detected), count(undetected), count(new Set(["Ignored"]))];
        const score = killed + missed === 0 ? 100 : (100 * killed) / (killed + missed);
        rows.push({
            group: group.name,
            files: relative(root, resolve(root, file)),
            killed,
            missed,
            ignored,
            score,
            seconds,
        });
    }
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const table = [
    "| group | mutated | detected | undetected | static (not run) | score | time |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
        (r) =>
            `| ${r.group} | ${r.files} | ${r.killed} | ${r.missed} | ${r.ignored} | ${r.score.toFixed(1)}% | ${Math.round(r.seconds)} s |`,
    ),
    "",
    `${selected.length} group(s), ${rows.length} module(s) in ${minutes} min`,
].join("\n");
mkdirSync(join("reports", "mutation"), { recursive: true });
writeFileSync(join("reports", "mutation", "summary.md"), table + "\n");
console.log("\n" + table);
// The project's floor for every decision module (issue #15).
const minimum = 85;
const low = rows.filter((r) => r.score < minimum);
if (low.length > 0) console.error(`below ${minimum}%: ${low.map((r) => r.files).join(", ")}`);
process.exitCode = low.length === 0 ? 0 : 1;
