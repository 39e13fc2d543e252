import { auditPolicyProblems } from "../../components/controlplane/auditPolicy";
import { parseYamlDocument } from "../../components/shared/yamlDocument";
import { describeSource, kubeApiservers, mountHolding, readFlagFile } from "../lib/files";
import { parseIntFlag } from "../lib/flags";
import { get, isUnknown, list } from "../lib/known";
import { Report, stackPolicy } from "../lib/policy";
import { containerFlags, containerLabel, flagValue, PlacedContainer } from "../lib/workloads";

const binaryUnits: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
};

/** Bytes of a Kubernetes quantity such as 1Gi or 500M (undefined for anything else). */
export function quantityBytes(quantity: unknown): number | undefined {
    const match = typeof quantity === "string" ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity) : null;
    return match ? Number(match[1]) * (match[2] ? binaryUnits[match[2]] : 1) : undefined;
}

/**
 * An audit log file must rotate within bounds: lumberjack keeps --audit-log-maxbackup old files of
 * --audit-log-maxsize megabytes; 0 for either is unbounded, and kube-apiserver's defaults differ
 * by version (v1.35 rotates nothing, v1.36 keeps 100 of 100MB: k8s.io/apiserver
 * pkg/server/options/audit.go). On an emptyDir with a sizeLimit, the kubelet evicts the pod once
 * the files outgrow it.
 */
function checkLogFile(placed: PlacedContainer, path: string, report: Report, who: string): void {
    const flags = containerFlags(placed.container);
    const number = (name: string) => {
        const v = flagValue(flags, name);
        return typeof v === "string" ? parseIntFlag(v) : v;
    };
    const size = number("audit-log-maxsize");
    const backups = number("audit-log-maxbackup");
    if (isUnknown(size)) return report.unknown(size);
    if (isUnknown(backups)) return report.unknown(backups);
    if (!size || !backups) {
        report.violation(
            `${who} writes the audit log to the file ${path} without ${!size ? "--audit-log-maxsize" : "--audit-log-maxbackup"} > 0: the files grow until the disk is full. Set both (e.g. 100 and 10), or log to stdout (--audit-log-path=-).`,
            placed.workload.urn,
        );
        return;
    }
    const bound = size * 2 ** 20 * (backups + 1);
    const mount = mountHolding(placed.container, path);
    const volumes = list(get(placed.template, "spec", "volumes"));
    if (isUnknown(mount)) return report.unknown(mount);
    if (isUnknown(volumes)) return report.unknown(volumes);
    const volume = volumes.find((v) => mount !== undefined && get(v, "name") === mount.volume);
    const limit = quantityBytes(get(volume, "emptyDir", "sizeLimit"));
    if (bound > (limit ?? Infinity)) {
        report.violation(
            `${who} keeps up to ${backups + 1} audit log files of ${size}MB in ${path}, more than its emptyDir's sizeLimit ${String(get(volume, "emptyDir", "sizeLimit"))}: the kubelet evicts the pod when they fill it. Lower the rotation or raise the limit.`,
            placed.workload.urn,
        );
    }
}

export const apiserverAuditLog = stackPolicy({
    name: "apiserver-audit-log",
    description:
        "Every kube-apiserver audits: --audit-policy-file names a mounted policy that logs every request at least at Metadata and never a Secret's body, to a log backend that cannot fill the pod's disk.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Mount an audit policy (components/controlplane/auditPolicy.ts builds one: Secrets at Metadata before any rule with bodies, a catch-all Metadata rule) as --audit-policy-file, and log to stdout (--audit-log-path=-) or to a rotated file (--audit-log-maxsize, --audit-log-maxbackup) or a webhook.",
    config: [],
    check: (resources, _config, report) => {
        for (const placed of kubeApiservers(resources, report)) {
            const who = `${containerLabel(placed.container)} of ${placed.workload.name}`;
            const flags = containerFlags(placed.container);
            const logPath = flagValue(flags, "audit-log-path");
            const webhook = flagValue(flags, "audit-webhook-config-file");
            // A log file is checked whatever else is set; only without one does the webhook matter.
            if (isUnknown(logPath)) report.unknown(logPath);
            else if (logPath && logPath !== "-") checkLogFile(placed, logPath, report, who);
            else if (!logPath) {
                if (isUnknown(webhook)) report.unknown(webhook);
                else if (!webhook) {
                    report.violation(
                        `${who} has no audit backend (--audit-log-path or --audit-webhook-config-file): no request is recorded, whatever the policy.`,
                        placed.workload.urn,
                    );
                }
            }
            const file = readFlagFile(
                resources,
                placed,
                "audit-policy-file",
                report,
                "has no --audit-policy-file: kube-apiserver records no audit events at all.",
            );
            if (file === undefined) continue;
            const parsed = parseYamlDocument(file.text);
            const problems = parsed.problems.length > 0 ? parsed.problems : auditPolicyProblems(parsed.value);
            if (problems.length > 0) {
                report.violation(
                    `${file.where} from ${describeSource(file.source)}, which falls short:\n  - ${problems.join("\n  - ")}`,
                    file.source.resource.urn,
                );
            }
        }
    },
});
