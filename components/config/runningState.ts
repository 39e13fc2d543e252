import { ConfigError } from "./problems";
import { Settings, TunnelMode } from "./settings";
import { markValidated, requireValidated } from "./validated";
import { supportedKubernetesVersions } from "./versions";

/**
 * What a cluster runs now: the values its last successful `pulumi up` recorded in the stack
 * output `clusterState`. The stack program reads them back through a StackReference to its own
 * stack, so that a transition (an upgrade, a tunnel migration) is planned from state, never from
 * a second config key the user must keep in step. Absent for a cluster that does not exist yet.
 */
export interface RunningState {
    /** The Kubernetes minor the control plane runs, e.g. "1.36". */
    readonly kubernetesVersion: string;
    /** The tunnel kube-apiserver reaches the kubelets through. */
    readonly tunnelMode: TunnelMode;
}

/** The stack output that records the running state. */
export const runningStateOutput = "clusterState";

const tunnelModes: readonly TunnelMode[] = ["konnectivity", "openvpn"];

/**
 * The running state from the stack's last outputs: undefined when the stack has none (a new
 * cluster, or one deployed before this output existed), a ConfigError when the recorded value
 * is not one this program can have written (a hand-edited state, or a newer program's).
 */
export function parseRunningState(recorded: unknown): RunningState | undefined {
    if (recorded === undefined || recorded === null) return undefined;
    const where = `stack output ${runningStateOutput}`;
    if (typeof recorded !== "object" || Array.isArray(recorded)) {
        throw new ConfigError([
            { key: where, value: recorded, message: "must be an object with kubernetesVersion and tunnelMode" },
        ]);
    }
    const { kubernetesVersion, tunnelMode } = recorded as Record<string, unknown>;
    const problems = [];
    if (typeof kubernetesVersion !== "string" || !/^1\.\d+$/.test(kubernetesVersion)) {
        problems.push({
            key: `${where}.kubernetesVersion`,
            value: kubernetesVersion,
            message: `must be a Kubernetes minor such as ${supportedKubernetesVersions.at(-1)}`,
        });
    }
    if (!tunnelModes.includes(tunnelMode as TunnelMode)) {
        problems.push({
            key: `${where}.tunnelMode`,
            value: tunnelMode,
            message: `must be one of ${tunnelModes.join(", ")}`,
        });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return { kubernetesVersion: kubernetesVersion as string, tunnelMode: tunnelMode as TunnelMode };
}

/** The settings of a cluster that runs `running` now (undefined: a new cluster); validated settings only. */
export function withRunningState(settings: Settings, running: RunningState | undefined): Settings {
    requireValidated(settings, "withRunningState");
    return markValidated({ ...settings, running });
}
