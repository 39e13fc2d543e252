/**
 * Container image references (the distribution reference grammar, as far as pinning goes):
 * `[registry[:port]/]path[:tag][@algorithm:digest]`. Pinned = a digest, or a version tag (one
 * with a digit, so "v0.34.0" or "3.20" but not "latest", "stable" or "main").
 */
export interface ImageRef {
    readonly name: string;
    readonly tag?: string;
    readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
    const at = image.indexOf("@");
    const digest = at >= 0 ? image.slice(at + 1) : undefined;
    const rest = at >= 0 ? image.slice(0, at) : image;
    const colon = rest.lastIndexOf(":");
    // A colon before the last slash belongs to the registry's port, not to a tag.
    if (colon > rest.lastIndexOf("/")) {
        return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
    }
    return { name: rest, digest };
}

/** Why an image is not pinned, or undefined when it is. */
export function unpinnedReason(image: string): string | undefined {
    const ref = parseImage(image.trim());
    if (ref.digest !== undefined) {
        return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(ref.digest)
            ? undefined
            : `its digest "${ref.digest}" is not algorithm:hex`;
    }
    if (ref.tag === undefined || ref.tag === "") return "it has no tag (that means latest)";
    if (ref.tag === "latest") return 'its tag is "latest"';
    if (!/\d/.test(ref.tag)) return `its tag "${ref.tag}" is not a version`;
    return undefined;
}
