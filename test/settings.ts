import * as pulumi from "@pulumi/pulumi";
import { configNamespace, loadSettings, Settings } from "../components/config";
import type { IssuedAuthority } from "../components/pki";
import { devInlineConfig } from "./fixtures";

/**
 * The validated settings of the dev stack (with `changes` to its config), for pure builders:
 * the same validation a program run goes through. Its platform stack's part is given inline (the
 * same values), since a read of that stack needs a program run.
 */
export function devSettings(changes: Record<string, unknown> = {}): Settings {
    const config = devInlineConfig(changes);
    pulumi.runtime.setAllConfig({ ...config.values }, [...config.secretKeys]);
    return loadSettings(new pulumi.Config(configNamespace));
}

/**
 * A tunnel authority with labelled stand-ins for every PEM: "<key> CERT", "<key> KEY", "CA CERT",
 * and user-cluster clients signed by "CLUSTER CA CERT".
 */
export function labelledAuthority(keys: readonly string[], clusterClients: readonly string[] = []): IssuedAuthority {
    return {
        authority: { certPem: "CA CERT", keyPem: "CA KEY" },
        certificates: Object.fromEntries(keys.map((k) => [k, { certPem: `${k} CERT`, keyPem: `${k} KEY` }])),
        clusterClients: Object.fromEntries(
            clusterClients.map((k) => [k, { certPem: `${k} CERT`, keyPem: `${k} KEY`, caCertPem: "CLUSTER CA CERT" }]),
        ),
    };
}
