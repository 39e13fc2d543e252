import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { tokenFromRandom, tokenRandomLength, BootstrapToken } from "./bootstrapToken";

/**
 * The random half of a bootstrap token: one `[a-z0-9]{22}` string (id and secret), a new one
 * whenever `keepers` change. A RandomPassword, not a RandomString: a RandomString's id is its
 * value, and ids are stored in plain text; a RandomPassword's result is a secret output.
 */
export function randomToken(
    name: string,
    keepers: pulumi.Input<Record<string, pulumi.Input<string>>>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<BootstrapToken> {
    const value = new random.RandomPassword(
        name,
        { length: tokenRandomLength, lower: true, numeric: true, upper: false, special: false, keepers },
        opts,
    );
    return pulumi.secret(value.result.apply(tokenFromRandom));
}
