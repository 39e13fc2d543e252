import { randomBytes } from "crypto";
import { uuidFrom } from "../ids";
import { ProviderMock } from "./types";

/**
 * The random provider (terraform-provider-random behind @pulumi/random), as far as this program
 * uses it: RandomBytes makes `length` cryptographically random bytes, as base64 and lower-case
 * hex. The SDK marks both outputs secret (additionalSecretOutputs), as the engine stores them.
 */
export function randomMock(): ProviderMock {
    return {
        prefix: "random:",
        resources: {
            "random:index/randomBytes:RandomBytes": ({ type, name, inputs }) => {
                const length = Number(inputs.length);
                if (!Number.isInteger(length) || length < 1) {
                    throw new Error(`random mock: ${name}: length must be at least 1 (got ${inputs.length})`);
                }
                const bytes = randomBytes(length);
                return {
                    id: uuidFrom(`${type}/${name}`),
                    state: { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") },
                };
            },
        },
        calls: {},
    };
}
