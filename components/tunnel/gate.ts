import { containerSecurityContext } from "../shared/seedSecurity";
import type { ConfigMapSpec, Container, Volume } from "../shared/seedObjects";
import type { TunnelPhase } from "./transition";

/**
 * The tunnel gate: a container in every kube-apiserver pod that keeps the pod from becoming Ready
 * until the pod's own tunnel end is up (its konnectivity-server has an agent; its OpenVPN client
 * has the routes to the user cluster). During a rolling update the Deployment lets an old pod go
 * only when a new one is Ready, so a new pod takes requests only with a working path behind it.
 *
 * How long it waits comes from the ConfigMap `tunnel-gate`, read at the container's start (an
 * environment variable, outside the pod template and its checksum): while the tunnel is being
 * migrated, until the tunnel is up, with no deadline (the update then fails, and the old pods stay,
 * if it never comes up); otherwise at most `steadyGateSeconds`, after which the pod becomes Ready
 * anyway (a new cluster has no nodes yet; an API without a tunnel beats no API). The next update
 * after a migration only changes the ConfigMap: no pod rolls for it.
 */

/** Kubernetes' own busybox build (k8s.io/kubernetes v1.36.5 test/utils/image/manifest.go, BusyBox). */
export const gateImage = "registry.k8s.io/e2e-test-images/busybox:1.37.0-1";
export const gateContainerName = "tunnel-gate";
export const gateConfigMapName = "tunnel-gate";
export const gateDeadlineKey = "deadline-seconds";
/** Outside a migration: long enough for agents to redial a new server (their sync cap is 10 s). */
export const steadyGateSeconds = 30;
/** The deadline while migrating: none. */
export const untilUp = "none";

const openFile = "/run/tunnel-gate/open";

export interface GateCheck {
    /** What the check proves, for the log. */
    readonly what: string;
    /** A shell condition (busybox sh) that holds once the pod's tunnel end is up. */
    readonly condition: string;
}

/** The gate's ConfigMap for a phase: no deadline while migrating. */
export function gateConfigMap(phase: TunnelPhase): ConfigMapSpec {
    return {
        name: gateConfigMapName,
        data: { [gateDeadlineKey]: phase === "migrating" ? untilUp : String(steadyGateSeconds) },
    };
}

/** The script: wait for the condition (or the deadline), mark the gate open, then idle until stopped. */
export function gateScript(check: GateCheck): string {
    return [
        // Stopping the pod stops the gate at once (sh as PID 1 would otherwise ignore SIGTERM).
        "trap 'kill $! 2>/dev/null; exit 0' TERM INT",
        'deadline="$TUNNEL_GATE_DEADLINE"',
        "start=$(date +%s)",
        `until ${check.condition}; do`,
        `  if [ "$deadline" != ${untilUp} ] && [ $(( $(date +%s) - start )) -ge "$deadline" ]; then`,
        `    echo "tunnel-gate: ${check.what} not up after $deadline s; the pod becomes ready without it"`,
        "    break",
        "  fi",
        "  sleep 1",
        "done",
        `echo "tunnel-gate: open after $(( $(date +%s) - start )) s"`,
        `touch ${openFile}`,
        "while :; do sleep 3600 & wait $!; done",
    ].join("\n");
}

const volume = "tunnel-gate";

export function gateContainer(check: GateCheck): Container {
    return {
        name: gateContainerName,
        image: gateImage,
        command: ["/bin/sh", "-c", gateScript(check)],
        env: [
            {
                name: "TUNNEL_GATE_DEADLINE",
                valueFrom: { configMapKeyRef: { name: gateConfigMapName, key: gateDeadlineKey } },
            },
        ],
        // Ready once open, and for good: the tunnel failing later must not take the API down.
        startupProbe: {
            exec: { command: ["test", "-f", openFile] },
            periodSeconds: 1,
            timeoutSeconds: 1,
            // Beyond the Deployment await (10 min), so a strict gate fails the update first.
            failureThreshold: 900,
        },
        resources: { requests: { cpu: "5m", memory: "8Mi" }, limits: { cpu: "50m", memory: "16Mi" } },
        securityContext: containerSecurityContext,
        volumeMounts: [{ name: volume, mountPath: "/run/tunnel-gate" }],
    };
}

export const gateVolume: Volume = { name: volume, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } };
