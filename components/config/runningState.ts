import { ConfigError, ConfigProblem, keyOf } from "./problems";
import { Settings, TunnelMode } from "./settings";
import { configNamespace } from "./defaults";
import { encryptionKeyProblems } from "./encryptionRotation";
import { kubernetesUpgradeProblems } from "./upgrade";
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
    /**
     * The names of the keys the apiservers hold for Secrets at rest, the encrypting one first.
     * Absent in a record of a cluster from before encryption at rest.
     */
    readonly encryptionKeys?: readonly string[];
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
    const { kubernetesVersion, tunnelMode, encryptionKeys } = recorded as Record<string, unknown>;
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
    const keyList = Array.isArray(encryptionKeys) ? (encryptionKeys as unknown[]) : [];
    if (
        encryptionKeys !== undefined &&
        (keyList.length === 0 || keyList.some((k) => typeof k !== "string" || k === ""))
    ) {
        problems.push({
            key: `${where}.encryptionKeys`,
            value: encryptionKeys,
            message: "must be a non-empty list of key names, the encrypting key first",
        });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        kubernetesVersion: kubernetesVersion as string,
        tunnelMode: tunnelMode as TunnelMode,
        ...(encryptionKeys === undefined ? {} : { encryptionKeys: keyList as string[] }),
    };
}

/**
 * The settings of a cluster that runs `running` now (undefined: a new cluster); validated
 * settings only. Throws a ConfigError, before any resource is registered, when the configuration
 * asks for a transition the running cluster cannot make (upgrade.ts, encryptionRotation.ts);
 * problems are named in `namespace`, the config namespace the settings were read from.
 */
/**
 * An upgrade orders the user cluster's pieces after the control plane; a tunnel switch creates
 * the new mode's user-cluster end before it. One update does one of them, so that each keeps its
 * order and a failure has one cause.
 */
function oneChangeAtATime(settings: Settings, running: RunningState, namespace: string): ConfigProblem[] {
    if (settings.versions.minor === running.kubernetesVersion || settings.tunnel.mode === running.tunnelMode) return [];
    return [
        {
            key: keyOf(namespace, ["tunnelMode"]),
            value: settings.tunnel.mode,
            message: `the cluster runs ${running.tunnelMode} on ${running.kubernetesVersion} (stack output clusterState), and this update would both switch the tunnel and upgrade Kubernetes to ${settings.versions.minor}; do one per pulumi up: keep tunnelMode ${running.tunnelMode} for the upgrade, or kubernetesVersion ${running.kubernetesVersion} for the switch`,
        },
    ];
}

export function withRunningState(
    settings: Settings,
    running: RunningState | undefined,
    namespace: string = configNamespace,
): Settings {
    requireValidated(settings, "withRunningState");
    if (running !== undefined) {
        const problems = [
            ...kubernetesUpgradeProblems(settings.versions.minor, running.kubernetesVersion, namespace),
            ...encryptionKeyProblems(settings.controlPlane.encryptionKeys, running.encryptionKeys, namespace),
            ...oneChangeAtATime(settings, running, namespace),
        ];
        if (problems.length > 0) throw new ConfigError(problems);
    }
    return markValidated({ ...settings, running });
}
