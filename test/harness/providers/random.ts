import { createHash } from "crypto";
import { wireSecret } from "../recorder";
import { ProviderMock } from "./types";

/**
 * The random provider's RandomString, RandomPassword and RandomBytes, as far as this program uses them: `result` has `length`
 * characters from the classes enabled (lower, upper, numeric, special; all by default), and a new
 * value comes only with a new resource, so it is derived from the name and the keepers: the same
 * stack gives the same value, changed keepers a different one (the provider replaces on them).
 */
const classes = {
    lower: "abcdefghijklmnopqrstuvwxyz",
    upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    numeric: "0123456789",
    special: "!@#$%&*()-_=+[]{}<>:?",
} as const;

export function randomString(seed: string, inputs: Record<string, unknown>): string {
    const length = Number(inputs.length);
    const alphabet = (Object.keys(classes) as (keyof typeof classes)[])
        .filter((c) => inputs[c] !== false)
        .map((c) => classes[c])
        .join("");
    if (!Number.isInteger(length) || length < 1 || alphabet === "") {
        throw new Error(
            `random mock: RandomString needs a length and a character class (got ${JSON.stringify(inputs)})`,
        );
    }
    let out = "";
    for (let block = 0; out.length < length; block++) {
        const bytes = createHash("sha256").update(`${seed}/${block}`).digest();
        for (const byte of bytes) if (out.length < length) out += alphabet[byte % alphabet.length];
    }
    return out;
}

/** `length` bytes derived from the seed, like randomString (a new value only with a new resource). */
export function derivedBytes(seed: string, length: number): Buffer {
    if (!Number.isInteger(length) || length < 1)
        throw new Error(`random mock: RandomBytes needs a length (got ${length})`);
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < length; block++) {
        blocks.push(createHash("sha256").update(`${seed}/${block}`).digest());
    }
    return Buffer.concat(blocks).subarray(0, length);
}

export function randomMock(): ProviderMock {
    return {
        prefix: "random:",
        resources: {
            // A RandomString's id is its value (terraform-provider-random resource_string.go).
            "random:index/randomString:RandomString": ({ name, inputs }) => {
                const result = randomString(`${name}/${JSON.stringify(inputs.keepers ?? {})}`, inputs);
                return { id: result, state: { ...inputs, result } };
            },
            // A RandomPassword's id is "none" and its result a secret (resource_password.go).
            "random:index/randomPassword:RandomPassword": ({ name, inputs }) => {
                const result = randomString(`${name}/${JSON.stringify(inputs.keepers ?? {})}`, inputs);
                return { id: "none", state: { ...inputs, result: wireSecret(result) } };
            },
            // RandomBytes: base64 and hex of the same bytes; the SDK makes both secret outputs.
            "random:index/randomBytes:RandomBytes": ({ name, inputs }) => {
                const bytes = derivedBytes(`${name}/${JSON.stringify(inputs.keepers ?? {})}`, Number(inputs.length));
                return {
                    id: "none",
                    state: { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") },
                };
            },
        },
        calls: {},
    };
}
