import { validateEncryptionConfiguration, writingProvider } from "../../components/controlplane/encryption";
import { parseYamlDocument } from "../../components/shared/yamlDocument";
import { describeSource, kubeApiservers, readFlagFile } from "../lib/files";
import { stackPolicy } from "../lib/policy";

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
        for (const placed of kubeApiservers(resources, report)) {
            const file = readFlagFile(
                resources,
                placed,
                "encryption-provider-config",
                report,
                "has no --encryption-provider-config: Secrets (keys, tokens, credentials) are stored in etcd, its volumes and its backups in plain text.",
            );
            if (file === undefined) continue;
            const from = `${file.where} from ${describeSource(file.source)}`;
            const parsed = parseYamlDocument(file.text);
            const problems =
                parsed.problems.length > 0 ? parsed.problems : validateEncryptionConfiguration(parsed.value);
            if (problems.length > 0) {
                report.violation(
                    `${from}, which kube-apiserver would refuse:\n  - ${problems.join("\n  - ")}`,
                    file.source.resource.urn,
                );
                continue;
            }
            const provider = writingProvider(parsed.value, "secrets");
            if (!acceptedProviders.some((accepted) => accepted === provider)) {
                const writes =
                    provider === undefined
                        ? "names no provider for secrets, so they are written in plain text"
                        : provider === "identity"
                          ? "writes secrets with identity first, in plain text"
                          : `writes secrets with ${provider} first, whose random nonces need a key rotation every 200,000 writes (the CIS Benchmark accepts aescbc, kms or secretbox)`;
                report.violation(`${from}, which ${writes}.`, file.source.resource.urn);
            }
        }
    },
});
