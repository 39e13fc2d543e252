import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { Credentials } from "../config";

/**
 * The OpenStack provider arguments for a set of credentials, optionally scoped to a project.
 *
 * Application credentials carry their own project scope and cannot be re-scoped, so `projectId`
 * is only applied to clouds.yaml and password credentials (validation rejects creating a
 * project with application credentials).
 */
export function providerArgs(credentials: Credentials, projectId?: pulumi.Input<string>): openstack.ProviderArgs {
    const region = credentials.region !== undefined ? { region: credentials.region } : {};
    switch (credentials.kind) {
        case "cloud":
            return {
                cloud: credentials.cloud,
                ...region,
                ...(credentials.password !== undefined ? { password: credentials.password } : {}),
                ...(projectId !== undefined ? { tenantId: projectId } : {}),
            };
        case "password":
            return {
                authUrl: credentials.authUrl,
                ...region,
                userName: credentials.userName,
                userDomainName: credentials.userDomainName,
                password: credentials.password,
                ...(projectId !== undefined
                    ? { tenantId: projectId }
                    : { tenantName: credentials.projectName, projectDomainName: credentials.projectDomainName }),
            };
        case "applicationCredential":
            return {
                authUrl: credentials.authUrl,
                ...region,
                applicationCredentialId: credentials.applicationCredentialId,
                applicationCredentialSecret: credentials.applicationCredentialSecret,
            };
    }
}
