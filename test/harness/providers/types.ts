import * as pulumi from "@pulumi/pulumi";

/** What a provider's mock does with a resource of one of its types. */
export type ResourceMock = (
    args: pulumi.runtime.MockResourceArgs,
) => pulumi.runtime.MockResourceResult | Promise<pulumi.runtime.MockResourceResult>;

/** What a provider's mock answers to one of its functions. */
export type CallMock = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

export interface ProviderMock {
    /** Type token prefix, e.g. "openstack:". */
    readonly prefix: string;
    readonly resources: Record<string, ResourceMock>;
    readonly calls: Record<string, CallMock>;
}
