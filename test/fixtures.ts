import { secretKeys } from "../components/config";
import { ProgramRun, readStackConfig, runProgram, StackConfig, standInFor, withConfig } from "./harness";

/** The secrets a user adds with `pulumi config set --secret`, as labelled stand-ins. */
export const standInSecrets = Object.fromEntries(secretKeys.map((key) => [key, standInFor(key)])) as Record<
    (typeof secretKeys)[number],
    string
>;

/** Exactly the config of Pulumi.dev.yaml (over Pulumi.yaml's defaults), plus its secrets. */
export function devConfig(changes: Record<string, unknown> = {}): StackConfig {
    const base = withConfig(readStackConfig("dev"), { ...standInSecrets, ...changes });
    return { ...base, secretKeys: Object.keys(standInSecrets).map((k) => `gks-cluster:${k}`) };
}

/** A structured key of the dev config, parsed, for building a variant of it. */
export function devObject<T = Record<string, unknown>>(key: string): T {
    return JSON.parse(readStackConfig("dev").values[`gks-cluster:${key}`]) as T;
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
