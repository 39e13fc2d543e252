/** The few Go commands the build runs, with the suite's cache environment. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { goEnv } from "./cache";

export interface ModuleInfo {
    readonly path: string;
    readonly version: string;
    /** The module's go.mod in the module cache. */
    readonly goMod: string;
    /** When the version was published (the proxy's .info Time). */
    readonly time: string;
}

export class BuildError extends Error {}

/** Runs go with inherited output; throws naming the command when it fails. */
export function go(args: readonly string[], cwd: string): void {
    const r = spawnSync("go", args, { cwd, env: goEnv(), stdio: "inherit" });
    if (r.error) throw new BuildError(`cannot run go (${r.error.message}): install Go 1.26 or newer`);
    if (r.status !== 0) throw new BuildError(`go ${args.join(" ")} failed in ${cwd} (exit ${r.status})`);
}

/** Downloads module@version's go.mod and info, or fails naming what the proxy does not serve. */
export function moduleInfo(module: string, version: string): ModuleInfo {
    const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
        cwd: "/",
        env: goEnv(),
        encoding: "utf8",
    });
    if (r.error) throw new BuildError(`cannot run go (${r.error.message}): install Go 1.26 or newer`);
    const parsed = JSON.parse(r.stdout || "{}") as { Error?: string; GoMod?: string; Info?: string };
    if (r.status !== 0 || parsed.Error || !parsed.GoMod || !parsed.Info) {
        throw new BuildError(
            `the Go module proxy does not serve ${module}@${version} (${parsed.Error ?? r.stderr.trim()}); ` +
                `move the pin in components/config/versions.ts to a version that ` +
                `\`go list -m -versions ${module}\` lists`,
        );
    }
    const info = JSON.parse(fs.readFileSync(parsed.Info, "utf8")) as { Time: string };
    return { path: module, version, goMod: parsed.GoMod, time: info.Time };
}

export function goVersion(): string {
    const r = spawnSync("go", ["env", "GOVERSION"], { env: goEnv(), encoding: "utf8" });
    if (r.error || r.status !== 0) throw new BuildError("cannot run `go env GOVERSION`: install Go 1.26 or newer");
    return r.stdout.trim();
}
