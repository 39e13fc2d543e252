import { configNamespace } from "./defaults";
import { ConfigProblem, keyOf } from "./problems";

/**
 * A rotation of the keys that encrypt Secrets at rest, checked against the keys the running
 * apiservers hold (`running`, newest-encrypting first; undefined for a cluster recorded before it
 * encrypted anything). Two things would make Secrets unreadable:
 * - dropping the key that encrypted the last writes: what it wrote cannot be read without it;
 * - encrypting with a key the running apiservers do not have yet: during the rolling update an
 *   old replica cannot read what a new one writes. A new key is added as a decrypting key first,
 *   and only a later update makes it the encrypting one.
 * Empty when `configured` is a safe next step.
 */
export function encryptionKeyProblems(
    configured: readonly string[],
    running: readonly string[] | undefined,
    namespace: string = configNamespace,
): ConfigProblem[] {
    if (running === undefined || running.length === 0) return [];
    const keysKey = keyOf(namespace, ["encryptionKeys"]);
    const problems: ConfigProblem[] = [];
    const [writing] = running;
    const [next] = configured;
    const runs = `the running apiservers encrypt with ${writing} and hold ${running.join(", ")} (stack output clusterState)`;
    if (!configured.includes(writing)) {
        problems.push({
            key: keysKey,
            value: configured,
            message: `${runs}; dropping ${writing} would leave the Secrets it encrypted unreadable. Keep it after the new key until every Secret is re-encrypted (kubectl get secrets -A -o json | kubectl replace -f -), then remove it`,
        });
    }
    if (next !== writing && !running.includes(next)) {
        problems.push({
            key: keysKey,
            value: configured,
            message: `${runs}; ${next} cannot encrypt before every apiserver can decrypt with it. Add it after ${writing} first (${JSON.stringify([...running, next])}), run pulumi up, then move it first`,
        });
    }
    return problems;
}
