/**
 * Names of the control plane's Services and pods inside the seed, which the PKI certifies and
 * the control plane's clients dial. The seed's own cluster domain is assumed to be the
 * Kubernetes default; clients use the `<service>.<namespace>.svc` forms, which resolve through
 * the pods' DNS search path whatever the seed's domain is.
 */
import { apiserverPort } from "../config";

export const seedClusterDomain = "cluster.local";

export const apiserverServiceName = "apiserver";
export const etcdServiceName = "etcd";
export const etcdClientPort = 2379;
export const etcdPeerPort = 2380;

/** `name`, `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`. */
export function serviceDnsNames(service: string, namespace: string): string[] {
    return [
        service,
        `${service}.${namespace}`,
        `${service}.${namespace}.svc`,
        `${service}.${namespace}.svc.${seedClusterDomain}`,
    ];
}

/** The stable DNS name of etcd member `i` under the headless Service. */
export function etcdMemberHost(namespace: string, i: number): string {
    return `${etcdServiceName}-${i}.${etcdServiceName}.${namespace}.svc`;
}

export function etcdMemberHosts(namespace: string, replicas: number): string[] {
    return Array.from({ length: replicas }, (_, i) => etcdMemberHost(namespace, i));
}

/** The apiserver as the seed-side components (controller-manager, scheduler) reach it. */
export function inSeedApiserverUrl(namespace: string): string {
    return `https://${apiserverServiceName}.${namespace}.svc:${apiserverPort}`;
}
