import { createHash } from "crypto";
import { userData } from "./cloudInit";
import { joinCommand } from "./joinCommand";

/**
 * What a pool node is made of, decided without resources. A node is `<cluster>-<pool>-<index>`
 * (its VM name, hostname and Node name), so a pool grows and shrinks at its end and a replaced
 * node comes back under the same name, port and address.
 *
 * Each node has its own short-lived join token. Its user-data, and so its token, must change
 * exactly when the VM is replaced anyway: Nova cannot change user-data in place, so a token rotated
 * under a running VM would replace it. The generation is a hash of everything that forces a new VM
 * (the boot image and volume, the key pair, the server group) and of the user-data without its
 * token; a new generation makes a new token, and only then.
 */
export function nodeNames(clusterName: string, pool: string, size: number): string[] {
    return Array.from({ length: size }, (_, i) => `${clusterName}-${pool}-${i}`);
}

export interface GenerationInputs {
    readonly imageId: string;
    readonly bootVolumeSizeGb: number;
    readonly keyPair?: string;
    readonly serverGroupId: string;
    readonly kubernetesVersion: string;
    readonly publicAddress: string;
    readonly caCertPem: string;
}

const placeholderToken = { id: "000000", secret: "0000000000000000" };

export function nodeGeneration(g: GenerationInputs): string {
    const template = userData({
        kubernetesVersion: g.kubernetesVersion,
        joinCommand: joinCommand({ publicAddress: g.publicAddress, token: placeholderToken, caCertPem: g.caCertPem }),
    });
    return createHash("sha256")
        .update(JSON.stringify([g.imageId, g.bootVolumeSizeGb, g.keyPair ?? "", g.serverGroupId, template]))
        .digest("hex");
}
