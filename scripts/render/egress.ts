import {
    parseEgressSelector,
    validateEgressSelector,
    egressSelectorDataKey,
} from "../../components/tunnel/konnectivity/egressSelector";
import { RecordedResource } from "../../test/harness/recorder";
import { kubernetesKind } from "./manifests";

export interface EgressSelectorFile {
    /** The ConfigMap it comes from. */
    readonly source: RecordedResource;
    /** The file, exactly as the ConfigMap holds it. */
    readonly content: string;
    /** Why kube-apiserver would refuse it; empty when it loads. */
    readonly problems: string[];
}

/** Every ConfigMap that carries an egress selector configuration, in URN order. */
export function egressSelectorFiles(resources: readonly RecordedResource[]): EgressSelectorFile[] {
    return resources
        .filter((r) => r.custom && kubernetesKind(r.type)?.kind === "ConfigMap")
        .flatMap((source) => {
            const data = source.inputs.data as Record<string, unknown> | undefined;
            const content = data?.[egressSelectorDataKey];
            if (typeof content !== "string") return [];
            const parsed = parseEgressSelector(content);
            const problems = parsed.problems.length > 0 ? parsed.problems : validateEgressSelector(parsed.config);
            return [{ source, content, problems }];
        })
        .sort((a, b) => a.source.urn.localeCompare(b.source.urn));
}
