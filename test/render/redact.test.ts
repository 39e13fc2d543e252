import * as assert from "assert";
import { isSecretOutputAt, wireSecret } from "../harness";
import { inputsOf, outputsOf, plainOrRedacted } from "../../scripts/render/redact";
import { recorded } from "./synthetic";

describe("render: redaction", () => {
    it("shows each wire secret as [secret], nested ones too, or unwraps it when secrets are shown", () => {
        const wire = { a: "plain", b: wireSecret("hidden"), c: [{ d: wireSecret({ e: "deep" }) }] };
        assert.deepStrictEqual(plainOrRedacted(wire, false), { a: "plain", b: "[secret]", c: [{ d: "[secret]" }] });
        assert.deepStrictEqual(plainOrRedacted(wire, true), { a: "plain", b: "hidden", c: [{ d: { e: "deep" } }] });
    });

    it("redacts outputs the provider returned secret and those the resource declares secret", () => {
        const key = recorded("tls:index/privateKey:PrivateKey", "k", {
            wire: { algorithm: "ECDSA" },
            wireOutputs: { algorithm: "ECDSA", privateKeyPem: "PEM", publicKeyPem: "PUB", extra: wireSecret("x") },
            additionalSecretOutputs: ["privateKeyPem"],
        });
        assert.deepStrictEqual(outputsOf(key, false), {
            algorithm: "ECDSA",
            privateKeyPem: "[secret]",
            publicKeyPem: "PUB",
            extra: "[secret]",
        });
        assert.strictEqual(outputsOf(key, true).privateKeyPem, "PEM");
        assert.ok(isSecretOutputAt(key, "privateKeyPem"));
        assert.ok(isSecretOutputAt(key, "extra"));
        assert.ok(!isSecretOutputAt(key, "publicKeyPem"));
        assert.deepStrictEqual(inputsOf(key, false), { algorithm: "ECDSA" });
    });
});
