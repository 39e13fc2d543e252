import { reachesInternet } from "../lib/cidrs";
import { and, isUnknown, not, or, Tri } from "../lib/known";
import { stackPolicy } from "../lib/policy";
import { hasPorts, isAnyProtocol, portRange, rangeWithin } from "../lib/ports";
import { ofType, refersTo, Resource, types } from "../lib/resources";
import { admitsTcpPort, describeRule, isIngress, kubeletPort } from "./kubeletNotPublic";

/**
 * A worker (node) security group, recognised by what it does: a group whose rules admit the
 * kubelet's port from inside (another group, or a private prefix: every node group must, for
 * node-to-node traffic and the tunnel's kubelet calls), or a group that the stack's compute
 * instances or ports use. The
 * program's own markers count too: the WorkerSecurityGroup component as parent, the name
 * `<cluster>-workers`, the description "gks workers: ...".
 */
export function isWorkerGroup(group: Resource, resources: readonly Resource[]): boolean {
    const { name, description } = group.props;
    const byMarker =
        group.parent?.type === types.workerSecurityGroup ||
        (typeof name === "string" && name.endsWith("-workers")) ||
        (typeof description === "string" && description.startsWith("gks workers"));
    const admitsKubelet = ofType(resources, types.secGroupRule).some(
        (rule) =>
            ruleOfGroup(rule, group) === true &&
            isIngress(rule.props) === true &&
            admitsTcpPort(rule.props, kubeletPort) === true &&
            fromInternet(rule.props) === false,
    );
    // An instance names its groups (by name or id) in securityGroups, a port by id in securityGroupIds.
    const usedByNodes = ofType(resources, types.instance, types.port).some((r) =>
        ["securityGroups", "securityGroupIds"].some((key) => {
            const listed = r.props[key];
            if (r.propertyDependencies[key]?.includes(group.urn)) return true;
            return (
                Array.isArray(listed) &&
                [name, group.props.id].some((v) => typeof v === "string" && v !== "" && listed.includes(v))
            );
        }),
    );
    return byMarker || admitsKubelet || usedByNodes;
}

/** Three-valued: the rule belongs to the group (its securityGroupId, or the same WorkerSecurityGroup parent). */
export function ruleOfGroup(rule: Resource, group: Resource): Tri {
    const sameComponent =
        group.parent?.type === types.workerSecurityGroup &&
        rule.parent !== undefined &&
        rule.parent.urn === group.parent.urn;
    return or(sameComponent, refersTo(rule, "securityGroupId", group));
}

/** Three-valued: the rule admits some internet address (no remote at all admits every address). */
export function fromInternet(props: Record<string, unknown>): Tri {
    const { remoteIpPrefix: prefix, remoteGroupId: group } = props;
    if (isUnknown(prefix)) return prefix;
    if (typeof prefix === "string" && prefix !== "") return reachesInternet(prefix);
    return group === undefined || group === null || group === "";
}

/** Three-valued: every port the rule admits is an allowed port (a rule for every protocol is not). */
export function onlyAllowedPorts(props: Record<string, unknown>, allowed: readonly number[]): Tri {
    const { protocol, portRangeMin: min, portRangeMax: max } = props;
    if (isUnknown(protocol)) return protocol;
    const name = typeof protocol === "string" ? protocol : undefined;
    if (isAnyProtocol(name) || !hasPorts(name)) return false;
    if (isUnknown(min)) return min;
    if (isUnknown(max)) return max;
    return rangeWithin(
        portRange(typeof min === "number" ? min : undefined, typeof max === "number" ? max : undefined),
        allowed,
    );
}

export const workersNoInternetIngress = stackPolicy({
    name: "workers-no-internet-ingress",
    description:
        "The worker security group admits nothing from the internet except the allowed ports (default: SSH 22).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove the rule; workers need no ingress from outside (konnectivity agents dial out). Admit SSH only from an allowlist (sshAllowedCidrs). To allow other ports, set allowedPorts in the policy config.",
    config: ["allowedPorts"],
    check: (resources, { allowedPorts }, report) => {
        const groups = ofType(resources, types.secGroup).filter((g) => isWorkerGroup(g, resources));
        if (groups.length === 0) {
            report.notApplicable("the stack has no worker security group");
            return;
        }
        for (const rule of ofType(resources, types.secGroupRule)) {
            const group = groups.find((g) => ruleOfGroup(rule, g) === true);
            if (group === undefined) {
                groups
                    .map((g) => ruleOfGroup(rule, g))
                    .filter(isUnknown)
                    .forEach(report.unknown);
                continue;
            }
            const verdict = and(
                isIngress(rule.props),
                fromInternet(rule.props),
                not(onlyAllowedPorts(rule.props, allowedPorts)),
            );
            if (isUnknown(verdict)) report.unknown(verdict);
            else if (verdict) {
                report.violation(
                    `Security group rule ${rule.name} admits ${describeRule(rule)} into the worker security group ` +
                        `${group.name}. Workers take no ingress from the internet (konnectivity agents dial out); only ` +
                        `ports [${allowedPorts.join(", ")}] may be opened to internet sources. Remove the rule, restrict ` +
                        "its source to a private prefix or a remote group, or (if intended) add the port to the policy's allowedPorts config.",
                    rule.urn,
                );
            }
        }
    },
});
