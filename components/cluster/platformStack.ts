import * as pulumi from "@pulumi/pulumi";
import { parsePlatformOutputs, platformOutputNames, PlatformOutputs } from "../config";

/**
 * The outputs of a platform stack (`<organization>/<project>/<stack>`, e.g.
 * `organization/gks-platform/region-one` on a DIY backend), read as plain values through a
 * StackReference and checked. A read of state: it creates nothing. Awaited before validation,
 * so that the seed's node addresses (which name the pool members) are known when the program runs.
 */
export async function readPlatformStack(
    name: string,
    referenceName = `${pulumi.getStack()}-platform`,
): Promise<PlatformOutputs> {
    const reference = new pulumi.StackReference(referenceName, { name });
    const outputs: Record<string, unknown> = {};
    for (const output of platformOutputNames) {
        const details = await reference.getOutputDetails(output);
        outputs[output] = details.value ?? details.secretValue;
    }
    return parsePlatformOutputs(outputs, name);
}
