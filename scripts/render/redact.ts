import { isWireSecret, RecordedResource } from "../../test/harness/recorder";

/** What a secret value shows as when secrets are not shown. */
export const redacted = "[secret]";

/** A wire value (secrets still wrapped) as plain data: each secret unwrapped, or "[secret]". */
export function plainOrRedacted(wire: unknown, showSecrets: boolean): unknown {
    if (isWireSecret(wire)) return showSecrets ? plainOrRedacted(wire.value, true) : redacted;
    if (Array.isArray(wire)) return wire.map((v) => plainOrRedacted(v, showSecrets));
    if (typeof wire === "object" && wire !== null) {
        return Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, plainOrRedacted(v, showSecrets)]));
    }
    return wire;
}

/** A resource's inputs, secrets redacted unless shown. */
export function inputsOf(resource: RecordedResource, showSecrets: boolean): Record<string, unknown> {
    return plainOrRedacted(resource.wireInputs, showSecrets) as Record<string, unknown>;
}

/**
 * A resource's outputs, secrets redacted unless shown: those the provider returned as secrets
 * and those the resource declares secret (`additionalSecretOutputs`, which the engine applies).
 */
export function outputsOf(resource: RecordedResource, showSecrets: boolean): Record<string, unknown> {
    const outputs = plainOrRedacted(resource.wireOutputs, showSecrets) as Record<string, unknown>;
    if (showSecrets) return outputs;
    return Object.fromEntries(
        Object.entries(outputs).map(([k, v]) => [k, resource.additionalSecretOutputs.includes(k) ? redacted : v]),
    );
}
