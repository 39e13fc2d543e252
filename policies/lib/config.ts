import { PolicyConfigSchema } from "@pulumi/policy";
import { defaults as stackDefaults } from "../../components/config/defaults";
import { apiserverPort, openvpnPort } from "../../components/config/ports";

/**
 * The pack's configuration. CrossGuard configures each policy separately (`--policy-pack-config`
 * file: `{ "<policy>": { "enforcementLevel": ..., "<key>": ... } }`), so every policy that needs
 * one of these keys declares it with the same schema and default. The CLI fills in the defaults
 * before it configures the pack; `readConfig` applies them too, for callers that do not.
 */
export interface PackConfig {
    /** The konnectivity agent port on the load balancer (the stack's `tunnelPort`). */
    tunnelPort: number;
    /** The Kubernetes API port on the load balancer. */
    apiPort: number;
    /** The OpenVPN listener port on the load balancer (legacy tunnel). */
    openvpnPort: number;
    /** The tunnel keepalive to assume when no konnectivity container states one. */
    keepaliveSeconds: number;
    /** Ports the worker security group may open to the internet. */
    allowedPorts: number[];
    /** Replicas that count as highly available. */
    minReplicas: number;
}

/** The program's own defaults, so that a default stack needs no pack configuration. */
export const defaults: PackConfig = {
    tunnelPort: stackDefaults.tunnelPort,
    apiPort: apiserverPort,
    openvpnPort,
    keepaliveSeconds: stackDefaults.tunnelKeepaliveSeconds,
    allowedPorts: [22],
    minReplicas: 2,
};

const port = (description: string, value: number) => ({
    type: "integer" as const,
    minimum: 1,
    maximum: 65535,
    default: value,
    description,
});

const schemas: Record<keyof PackConfig, PolicyConfigSchema["properties"][string]> = {
    tunnelPort: port(
        "Load balancer port of the konnectivity agent listener (the stack's tunnelPort).",
        defaults.tunnelPort,
    ),
    apiPort: port("Load balancer port of the Kubernetes API listener.", defaults.apiPort),
    openvpnPort: port("Load balancer port of the OpenVPN listener (legacy tunnel).", defaults.openvpnPort),
    keepaliveSeconds: {
        type: "integer",
        minimum: 1,
        default: defaults.keepaliveSeconds,
        description: "Tunnel keepalive (seconds) assumed when no konnectivity container sets --keepalive-time.",
    },
    allowedPorts: {
        type: "array",
        items: { type: "integer", minimum: 1, maximum: 65535 },
        default: defaults.allowedPorts,
        description: "TCP/UDP ports the worker security group may admit from internet sources.",
    },
    minReplicas: {
        type: "integer",
        minimum: 1,
        default: defaults.minReplicas,
        description: "Replicas of kube-apiserver and of konnectivity-agent that count as highly available.",
    },
};

/** The config schema of a policy that reads these keys. */
export function configSchema<K extends keyof PackConfig>(...keys: K[]): PolicyConfigSchema {
    return { properties: Object.fromEntries(keys.map((k) => [k, schemas[k]])) };
}

/** The policy's config with the defaults under it. */
export function readConfig<K extends keyof PackConfig>(given: Partial<PackConfig>, keys: K[]): Pick<PackConfig, K> {
    return Object.fromEntries(keys.map((k) => [k, given[k] ?? defaults[k]])) as Pick<PackConfig, K>;
}
