/**
 * Builds the upstream binaries the end-to-end suite runs, at exactly the versions
 * components/config/versions.ts pins, from the Go module proxy.
 *
 *   npm run e2e:build               build what is missing (cached under /var/cache/gks-e2e)
 *   npm run e2e:build -- --update   regenerate the wrapper modules in e2e/tools, then build
 *                                   (add --no-build to stop after the wrappers)
 *   npm run e2e:build -- --all      also build every Kubernetes binary for every minor
 *   npm run e2e:build -- --only kubernetes-v1.36.5,etcd   only these targets (component or component-version)
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { binDir } from "./cache";
import { BuildError, go, goVersion, ModuleInfo, moduleInfo } from "./go";
import { Target, targets, toolsDir } from "./targets";
import { checkWrapper, writeWrapper } from "./wrappers";

/** Version strings as upstream's release build sets them (hack/lib/version.sh for Kubernetes). */
function ldflags(target: Target, upstream: ModuleInfo): string[] {
    if (target.component !== "kubernetes") return [];
    const [major, minor] = target.version.replace(/^v/, "").split(".");
    const buildDate = new Date(upstream.time).toISOString().replace(/\.\d{3}Z$/, "Z");
    const vars = { gitVersion: target.version, gitMajor: major, gitMinor: minor, buildDate };
    // Kubernetes' release build strips symbols (-s -w) too.
    return [
        "-s",
        "-w",
        ...Object.entries(vars).flatMap(([k, v]) => [
            `-X k8s.io/component-base/version.${k}=${v}`,
            `-X k8s.io/client-go/pkg/version.${k}=${v}`,
        ]),
    ];
}

/** The binary `go build -o <dir>/` writes for a main package: its last element, minus a /vN suffix. */
function goBinaryName(pkg: string): string {
    const parts = pkg.split("/");
    const last = parts[parts.length - 1];
    return /^v\d+$/.test(last) ? parts[parts.length - 2] : last;
}

/** What a build depends on: the wrapper's go.mod, go.sum and own sources, Go, the flags. */
function stampOf(target: Target, flags: string[], binaries: readonly string[]): string {
    const h = createHash("sha256");
    const inputs = fs.readdirSync(target.dir).filter((f) => f === "go.mod" || f === "go.sum" || f.endsWith(".go"));
    for (const f of inputs.sort()) h.update(`${f}\0`).update(fs.readFileSync(path.join(target.dir, f)));
    h.update(JSON.stringify([goVersion(), flags, binaries]));
    return h.digest("hex");
}

function build(target: Target, binaries: readonly string[]): "cached" | "built" {
    checkWrapper(target);
    const upstream = moduleInfo(target.module, target.moduleVersion);
    const out = binDir(target.component, target.version);
    const flags = ldflags(target, upstream);
    const stampFile = path.join(out, ".stamp");
    const stamp = stampOf(target, flags, binaries);
    const present = binaries.every((b) => fs.existsSync(path.join(out, b)));
    if (present && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) return "cached";

    const staging = path.join(out, ".staging");
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const packages = binaries.map((b) => target.tools[b]);
    const trim = target.component === "kubernetes" ? ["-trimpath"] : [];
    go(["build", ...trim, "-ldflags", flags.join(" "), "-o", staging + "/", ...packages], target.dir);
    for (const b of binaries) fs.renameSync(path.join(staging, goBinaryName(target.tools[b])), path.join(out, b));
    fs.rmSync(staging, { recursive: true, force: true });
    fs.writeFileSync(stampFile, stamp);
    return "built";
}

function main(argv: string[]): void {
    const update = argv.includes("--update");
    const all = argv.includes("--all");
    const onlyAt = argv.indexOf("--only");
    const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? "").split(",") : undefined;
    const list = targets().filter(
        (t) => !only || only.some((o) => o === t.component || o === `${t.component}-${t.version}`),
    );
    if (only && list.length === 0) throw new BuildError(`--only ${only.join(",")} names no target`);
    if (update && !only) {
        const wanted = new Set(list.map((t) => path.basename(t.dir)));
        for (const d of fs.existsSync(toolsDir) ? fs.readdirSync(toolsDir) : []) {
            if (!wanted.has(d)) {
                fs.rmSync(path.join(toolsDir, d), { recursive: true });
                console.log(`removed e2e/tools/${d} (no longer pinned)`);
            }
        }
    }
    if (update) {
        for (const t of list) {
            console.log(`wrapper e2e/tools/${path.basename(t.dir)}`);
            writeWrapper(t, moduleInfo(t.module, t.moduleVersion));
        }
    }
    if (argv.includes("--no-build")) return;
    const started = Date.now();
    for (const t of list) {
        const binaries = all ? Object.keys(t.tools) : t.build;
        const t0 = Date.now();
        console.log(`[e2e:build] ${t.component} ${t.version}: ${binaries.join(", ")}`);
        const how = build(t, binaries);
        console.log(`[e2e:build] ${t.component} ${t.version}: ${how} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    console.log(`[e2e:build] all done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
    main(process.argv.slice(2));
} catch (e) {
    if (e instanceof BuildError) {
        console.error(`e2e:build: ${e.message}`);
        process.exit(1);
    }
    throw e;
}
