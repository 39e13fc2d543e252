import {
    parseEncryptionConfiguration,
    validateEncryptionConfiguration,
    writingProvider,
} from "../../components/controlplane/encryption";
import { describeSource, flagFile } from "../lib/files";
import { stackPolicy } from "../lib/policy";
import { containerLabel, isKubeApiserver, placedContainers } from "../lib/workloads";

/** Providers that encrypt and that the CIS Benchmark accepts as the first one (kube-bench cis-1.12 1.2.28). */
export const acceptedProviders = ["aescbc", "kms", "secretbox"];

export const apiserverEncryptionAtRest = stackPolicy({
    name: "apiserver-encryption-at-rest",
    description:
        "Every kube-apiserver encrypts Secrets at rest: --encryption-provider-config names a mounted EncryptionConfiguration that loads and writes Secrets with secretbox, aescbc or kms.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Mount an EncryptionConfiguration (components/controlplane/encryption.ts builds one) and pass its path as --encryption-provider-config; list secrets under a secretbox (or aescbc, kms) provider first and identity last.",
    config: [],
    check: (resources, _config, report) => {
        const apiservers = placedContainers(resources, isKubeApiserver);
        apiservers.unknowns.forEach(report.unknown);
        if (apiservers.found.length === 0) {
            report.notApplicable("the stack runs no kube-apiserver");
            return;
        }
        for (const placed of apiservers.found) {
            const who = `${containerLabel(placed.container)} of ${placed.workload.name}`;
            const file = flagFile(resources, placed, "encryption-provider-config");
            if ("unknown" in file) {
                report.unknown(file.unknown);
                continue;
            }
            if ("absent" in file) {
                report.violation(
                    `${who} has no --encryption-provider-config: Secrets (keys, tokens, credentials) are stored in etcd, its volumes and its backups in plain text.`,
                    placed.workload.urn,
                );
                continue;
            }
            if ("elsewhere" in file) continue;
            const where = `${who} reads --encryption-provider-config=${file.path}`;
            if ("missing" in file || file.text === undefined) {
                const why = "missing" in file ? file.missing : `${describeSource(file.source)} does not exist`;
                report.violation(`${where}, but ${why}: kube-apiserver exits at start.`, placed.workload.urn);
                continue;
            }
            const parsed = parseEncryptionConfiguration(file.text);
            const problems =
                parsed.problems.length > 0 ? parsed.problems : validateEncryptionConfiguration(parsed.config);
            if (problems.length > 0) {
                report.violation(
                    `${where} from ${describeSource(file.source)}, which kube-apiserver would refuse:\n  - ${problems.join("\n  - ")}`,
                    file.source.resource.urn,
                );
                continue;
            }
            const provider = writingProvider(parsed.config, "secrets");
            if (provider === undefined || !acceptedProviders.includes(provider)) {
                const writes =
                    provider === undefined
                        ? "names no provider for secrets, so they are written in plain text"
                        : provider === "identity"
                          ? "writes secrets with identity first, in plain text"
                          : `writes secrets with ${provider} first, whose random nonces need a key rotation every 200,000 writes (the CIS Benchmark accepts aescbc, kms or secretbox)`;
                report.violation(
                    `${where} from ${describeSource(file.source)}, which ${writes}.`,
                    file.source.resource.urn,
                );
            }
        }
    },
});
