import * as pulumi from "@pulumi/pulumi";
import { defaults } from "./defaults";
import { RawClusterConfig } from "./schema";
import { Credentials, Settings, TenantSettings } from "./settings";
import { versionPins } from "./versions";

/** The secrets a validated configuration holds, already secret Outputs. */
export interface SettingsSecrets {
    readonly seedKubeconfig: pulumi.Output<string>;
    readonly controlPlaneCredentialSecret?: pulumi.Output<string>;
    readonly workerCredentialSecret?: pulumi.Output<string>;
}

type RawTenant = RawClusterConfig["workerTenant"];

export function credentialsOf(raw: RawTenant["credentials"], secret: pulumi.Output<string> | undefined): Credentials {
    if (raw.cloud !== undefined) {
        return { kind: "cloud", cloud: raw.cloud, region: raw.region, password: secret };
    }
    if (raw.applicationCredentialId !== undefined) {
        return {
            kind: "applicationCredential",
            authUrl: raw.authUrl!,
            region: raw.region,
            applicationCredentialId: raw.applicationCredentialId,
            applicationCredentialSecret: secret!,
        };
    }
    return {
        kind: "password",
        authUrl: raw.authUrl!,
        region: raw.region,
        userName: raw.userName!,
        userDomainName: raw.userDomainName ?? "Default",
        projectName: raw.projectName!,
        projectDomainName: raw.projectDomainName ?? raw.userDomainName ?? "Default",
        password: secret!,
    };
}

/** A validated tenant as settings; `description` describes a project this run creates. */
export function tenantOf(
    raw: RawTenant,
    description: string,
    secret: pulumi.Output<string> | undefined,
): TenantSettings {
    const { project, network } = raw;
    return {
        project:
            project.id !== undefined
                ? { kind: "adopt", id: project.id }
                : {
                      kind: "create",
                      name: project.name!,
                      domainId: project.domainId ?? defaults.projectDomainId,
                      description: project.description ?? description,
                      roles: project.roles ?? [...defaults.projectRoles],
                  },
        network:
            network.networkId !== undefined
                ? {
                      kind: "adopt",
                      cidr: network.cidr,
                      networkId: network.networkId,
                      subnetId: network.subnetId!,
                      routerId: network.routerId!,
                  }
                : { kind: "create", cidr: network.cidr },
        credentials: credentialsOf(raw.credentials, secret),
    };
}

/** The settings of a configuration that passed validation; everything derived is derived here. */
export function settingsOf(c: RawClusterConfig, secrets: SettingsSecrets): Settings {
    return {
        clusterName: c.clusterName,
        versions: versionPins(c.kubernetesVersion),
        externalNetwork: c.externalNetwork,
        tenants: {
            controlPlane: tenantOf(
                c.controlPlaneTenant,
                `gks cluster ${c.clusterName}: control plane`,
                secrets.controlPlaneCredentialSecret,
            ),
            worker: tenantOf(c.workerTenant, `gks cluster ${c.clusterName}: workers`, secrets.workerCredentialSecret),
        },
        networking: {
            podCidr: c.podCidr,
            serviceCidr: c.serviceCidr,
            clusterDomain: c.clusterDomain,
            dnsNameservers: c.dnsNameservers,
        },
        seed: {
            kubeconfig: secrets.seedKubeconfig,
            nodeAddresses: c.seed.nodeAddresses,
            securityGroupId: c.seed.securityGroupId,
            ...(c.seed.securityGroupProjectId !== undefined
                ? { securityGroupProjectId: c.seed.securityGroupProjectId }
                : {}),
            namespace: `cluster-${c.clusterName}`,
            nodePorts: { apiserver: c.apiserverNodePort, tunnel: c.tunnelNodePort, openvpn: c.openvpnNodePort },
        },
        controlPlane: {
            apiserverReplicas: c.apiserverReplicas,
            etcdReplicas: c.etcdReplicas,
            etcdStorageSize: c.etcdStorageSize,
            etcdStorageClass: c.etcdStorageClass,
            etcdAntiAffinity:
                c.etcdAntiAffinity === "auto"
                    ? c.seed.nodeAddresses.length >= c.etcdReplicas
                        ? "required"
                        : "preferred"
                    : c.etcdAntiAffinity,
            encryptionKeys: c.encryptionKeys,
            priorityClassName: c.controlPlanePriorityClass,
        },
        tunnel: {
            mode: c.tunnelMode,
            port: c.tunnelPort,
            keepaliveSeconds: c.tunnelKeepaliveSeconds,
            agentReplicas: c.agentReplicas,
            agentMode: c.agentMode,
            serverCounting: c.tunnelServerCounting,
            extraAllowedCidrs: c.tunnelAllowedCidrs,
            openvpnCidr: c.openvpnCidr,
        },
        loadBalancer: {
            provider: c.lbProvider,
            idleTimeoutSeconds: c.lbIdleTimeoutSeconds,
            apiAllowedCidrs: c.apiAllowedCidrs,
        },
        access: { sshAllowedCidrs: c.sshAllowedCidrs },
        pki: {
            caValidityHours: c.caValidityHours,
            certValidityHours: c.certValidityHours,
            earlyRenewalHours: c.certEarlyRenewalHours,
        },
        nodes: {
            joinTokenHours: c.joinTokenHours,
            pools: c.workerPools.map(({ kubernetesVersion, ...pool }) => ({
                ...pool,
                versions: versionPins(kubernetesVersion ?? c.kubernetesVersion),
            })),
        },
    };
}
