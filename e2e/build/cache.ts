/**
 * The fixed cache outside the repository: Go's module and build caches and the built binaries,
 * keyed by component and version, so a rebuild after the first takes seconds.
 */
import * as path from "path";

export const cacheRoot = process.env.GKS_E2E_CACHE ?? "/var/cache/gks-e2e";

/** Where the binaries of one component version live, e.g. .../bin/kubernetes-v1.36.5. */
export function binDir(component: string, version: string): string {
    return path.join(cacheRoot, "bin", `${component}-${version}`);
}

/** The environment every Go command of the suite runs with. */
export function goEnv(): NodeJS.ProcessEnv {
    return {
        ...process.env,
        GOMODCACHE: path.join(cacheRoot, "gomod"),
        GOCACHE: path.join(cacheRoot, "gocache"),
        GOFLAGS: "-mod=readonly -buildvcs=false",
        GOWORK: "off",
        GOTOOLCHAIN: "local",
        CGO_ENABLED: "0",
    };
}
