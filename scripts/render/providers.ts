/**
 * Which provider a resource uses, by the provider's URN, and which Kubernetes cluster that is.
 * Contract with the parts: the seed's provider is named `<cluster>-seed`, the user cluster's
 * `<cluster>-user-cluster`.
 */
export interface ProviderRef {
    /** The package, e.g. "openstack", "kubernetes". */
    readonly pkg: string;
    /** The provider's logical name; "default" for the package's default provider. */
    readonly name: string;
}

/** The provider behind a URN as the recorder gives it (`urn:...::pulumi:providers:<pkg>::<name>` or `default:<pkg>`). */
export function providerRef(urn: string | undefined): ProviderRef | undefined {
    if (urn === undefined || urn === "") return undefined;
    if (urn.startsWith("default:")) return { pkg: urn.slice("default:".length), name: "default" };
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return { pkg: type.replace(/^pulumi:providers:/, ""), name: parts.slice(3).join("::") };
}

export const seedFolder = "seed";
export const userClusterFolder = "user-cluster";

/** The folder (and label) of a Kubernetes provider: seed, user-cluster, or the provider's own name. */
export function kubernetesTarget(provider: ProviderRef | undefined, clusterName: string): string {
    if (provider === undefined) return "no-provider";
    if (provider.name === `${clusterName}-seed`) return seedFolder;
    if (provider.name === `${clusterName}-user-cluster`) return userClusterFolder;
    return provider.name === "default" ? "default-provider" : provider.name;
}

/** How a target reads in the printout: "seed", "user cluster", or the provider's name. */
export function targetLabel(target: string): string {
    return target === userClusterFolder ? "user cluster" : target;
}

/** How a target's cluster reads in the picture: "seed cluster", "user cluster", "provider <name>". */
export function clusterLabel(target: string): string {
    if (target === seedFolder) return "seed cluster";
    return target === userClusterFolder ? "user cluster" : `Kubernetes provider ${target}`;
}
