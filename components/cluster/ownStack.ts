import * as pulumi from "@pulumi/pulumi";

/**
 * One output of this very stack as its last update left it: a StackReference to the running
 * stack reads the checkpoint before this update changes it. Undefined for a new stack or an
 * output it never had. The reference is a read of state: it creates nothing.
 */
export async function lastStackOutput(name: string): Promise<unknown> {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const details = await new pulumi.StackReference(`${pulumi.getStack()}-last-update`, {
        name: self,
    }).getOutputDetails(name);
    return details.value ?? details.secretValue;
}
