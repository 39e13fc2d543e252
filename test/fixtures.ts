import { secretKeys } from "../components/config";
import { ProgramRun, projectNamed, readStackConfig, runProgram, StackConfig, standInFor, withConfig } from "./harness";

/** The secrets a user adds with `pulumi config set --secret`, as labelled stand-ins. */
export const standInSecrets = Object.fromEntries(secretKeys.map((key) => [key, standInFor(key)])) as Record<
    (typeof secretKeys)[number],
    string
>;

/** The dev platform stack's config (platform/Pulumi.dev.yaml), for what it says about the seed. */
function platformObject(key: string): Record<string, unknown> {
    return JSON.parse(readStackConfig("dev", projectNamed("gks-platform")!).values[`gks-platform:${key}`]);
}

/**
 * The dev stack's controlPlaneTenant and seed as a stack without a platform stack gives them:
 * the ids and the seed from the dev platform stack's file, the credentials from the dev stack's.
 */
function inlinePlatform(): Record<string, unknown> {
    const tenant = platformObject("controlPlaneTenant");
    const own = JSON.parse(readStackConfig("dev").values["gks-cluster:controlPlaneTenant"]) as Record<string, unknown>;
    return {
        platformStack: "",
        controlPlaneTenant: { project: tenant.project, network: tenant.network, credentials: own.credentials },
        seed: platformObject("seed"),
    };
}

const platformSupplied = ["controlPlaneTenant", "seed"];

/**
 * Exactly the config of Pulumi.dev.yaml (over Pulumi.yaml's defaults), plus its secrets. A variant
 * that changes what the platform supplies (controlPlaneTenant, seed) gives both inline, with no
 * platform stack, as such a stack would.
 */
export function devConfig(changes: Record<string, unknown> = {}, inlined = false): StackConfig {
    const inline = inlined || Object.keys(changes).some((k) => platformSupplied.includes(k)) ? inlinePlatform() : {};
    const base = withConfig(readStackConfig("dev"), { ...standInSecrets, ...inline, ...changes });
    return { ...base, secretKeys: Object.keys(standInSecrets).map((k) => `gks-cluster:${k}`) };
}

/** The dev config with its platform's part inline (no platform stack), with changes. */
export function devInlineConfig(changes: Record<string, unknown> = {}): StackConfig {
    return devConfig(changes, true);
}

/** A structured key of the dev config (the platform's part inline), parsed, for building a variant of it. */
export function devObject<T = Record<string, unknown>>(key: string): T {
    const inline = inlinePlatform();
    return (key in inline ? inline[key] : JSON.parse(readStackConfig("dev").values[`gks-cluster:${key}`])) as T;
}

let devStackRun: Promise<ProgramRun> | undefined;

/**
 * One run of the dev stack, shared by every test that only reads it: a run registers about a
 * hundred resources with real keys and takes about a second. Tests that need a run of their own
 * (a second run to compare, another config) call `runProgram` themselves.
 */
export function devRun(): Promise<ProgramRun> {
    devStackRun ??= runProgram(devConfig()).then((run) => {
        if (run.error) throw run.error;
        return run;
    });
    return devStackRun;
}

/** Exactly the config of Pulumi.openvpn.yaml (a cluster on the legacy OpenVPN tunnel), plus its secrets. */
export function openvpnConfig(changes: Record<string, unknown> = {}): StackConfig {
    const base = withConfig(readStackConfig("openvpn"), { ...standInSecrets, ...changes });
    return { ...base, secretKeys: Object.keys(standInSecrets).map((k) => `gks-cluster:${k}`) };
}

let openvpnStackRun: Promise<ProgramRun> | undefined;

/** One run of the openvpn stack, shared by the tests that only read it (like devRun). */
export function openvpnRun(): Promise<ProgramRun> {
    openvpnStackRun ??= runProgram(openvpnConfig(), { stack: "openvpn" }).then((run) => {
        if (run.error) throw run.error;
        return run;
    });
    return openvpnStackRun;
}
