import * as pulumi from "@pulumi/pulumi";
import { Credentials, Settings } from "./settings";

/**
 * Copies with every secret field wrapped in `pulumi.secret`. Components pass these to `super()`
 * (their arguments are stored in state) and use them for their children, so a secret stays one
 * even when a platform stack hands in a plain string.
 */
export function secretCredentials(credentials: Credentials): Credentials {
    switch (credentials.kind) {
        case "cloud":
            return credentials.password === undefined
                ? credentials
                : { ...credentials, password: pulumi.secret(credentials.password) };
        case "password":
            return { ...credentials, password: pulumi.secret(credentials.password) };
        case "applicationCredential":
            return {
                ...credentials,
                applicationCredentialSecret: pulumi.secret(credentials.applicationCredentialSecret),
            };
    }
}

export function secretSettings(settings: Settings): Settings {
    const { tenants, seed } = settings;
    return {
        ...settings,
        seed: { ...seed, kubeconfig: pulumi.secret(seed.kubeconfig) },
        tenants: {
            controlPlane: { ...tenants.controlPlane, credentials: secretCredentials(tenants.controlPlane.credentials) },
            worker: { ...tenants.worker, credentials: secretCredentials(tenants.worker.credentials) },
        },
    };
}
