import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RunningState, VersionPins } from "../config";
import { identities } from "../shared/identities";
import { apiserverDeployment, apiserverName } from "./apiserverDeployment";
import { apiserverFlags } from "./apiserverFlags";
import { controllerManagerDeployment, controllerManagerName } from "./controllerManager";
import { etcdStatefulSet } from "./etcdStatefulSet";
import { kubeconfigOutput } from "../shared/kubeconfig";
import { AppName, objectMeta } from "../shared/seedLabels";
import { controlPlaneNamespace } from "./namespace";
import { withSecretKeys } from "./pkiInput";
import { etcdQuorum, podDisruptionBudget } from "./podDisruptionBudgets";
import { schedulerDeployment, schedulerName } from "./scheduler";
import { etcdServiceName, inSeedApiserverUrl } from "../shared/seedNames";
import {
    apiserverPkiSecret,
    controllerManagerSecret,
    etcdPkiSecret,
    schedulerSecret,
    serviceAccountSecret,
} from "./secrets";
import { mountedChecksum } from "../shared/seedObjects";
import { apiserverService, etcdService } from "./services";
import { ConfigMapSpec, ControlPlaneLayout, Pem, SecretSpec } from "../shared/seedObjects";
import type { PodSecurityLevel, SeedTunnel } from "../tunnel/types";
import { ControlPlanePki } from "./types";

export interface ControlPlaneArgs {
    clusterName: string;
    /** The seed namespace to create, `cluster-<name>`. */
    namespace: string;
    versions: VersionPins;
    /** The API endpoint's floating IP: the apiserver's advertise address and issuer host. */
    publicAddress: pulumi.Input<string>;
    serviceCidr: string;
    podCidr: string;
    apiserverReplicas: number;
    etcdReplicas: number;
    etcdStorageSize: string;
    /** Empty or absent: the seed's default StorageClass. */
    etcdStorageClass?: string;
    /** The seed NodePort of the apiserver Service, which the load balancer's :6443 listener forwards to. */
    apiserverNodePort: number;
    /** The tunnel mode's seed half: its apiserver pod pieces and namespace objects. */
    tunnel: SeedTunnel;
    /** The Pod Security Standard level the namespace enforces: the least that admits every pod in it. */
    podSecurity: PodSecurityLevel;
    /** Certificates and keys; every private key must be a secret Output. */
    pki: ControlPlanePki;
    /**
     * What must exist (and be ready) before kube-apiserver rolls, besides the tunnel's seed
     * objects: while migrating the tunnel, its user-cluster end.
     */
    apiserverDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A cluster's hosted control plane in its seed namespace: etcd, kube-apiserver with the
 * tunnel's pieces (whatever the tunnel mode's SeedTunnel holds), controller-manager, scheduler,
 * their Secrets and ConfigMaps, the NodePort Services the API endpoint forwards to, and
 * disruption budgets.
 *
 * Give it the seed's Kubernetes provider through `opts.provider`. That provider should set
 * `enableSecretMutable` and `enableConfigMapMutable`: a renewed certificate then updates its
 * Secret in place and the pod templates' checksum annotations roll the pods, instead of the
 * provider replacing the fixed-name Secret (delete first) under running pods.
 */
export class ControlPlane extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    /** How seed-side clients reach kube-apiserver. */
    public readonly inSeedApiserverUrl: pulumi.Output<string>;
    /**
     * The version and tunnel the apiserver pods run. Known only once the apiserver Deployment
     * rolled out (it is awaited), so a stack output built from it records what runs, and a failed
     * rollout leaves the previous record in place.
     */
    public readonly runningState: pulumi.Output<RunningState>;

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        const pki = withSecretKeys(args.pki);
        const { apiserverDependsOn = [], ...stored } = args;
        super("gks:index:ControlPlane", name, { ...stored, pki, tunnel: withSecretData(args.tunnel) }, opts);
        const { clusterName, namespace, versions, publicAddress, serviceCidr, podCidr } = args;
        const { apiserverReplicas, etcdReplicas, etcdStorageSize, etcdStorageClass = "" } = args;
        const { apiserverNodePort, tunnel, podSecurity } = args;
        const layout: ControlPlaneLayout = { clusterName, namespace, versions };
        // Leader election keeps one active; a second replica takes over within seconds.
        const leaderElectedReplicas = Math.min(apiserverReplicas, 2);
        const apiserverUrl = inSeedApiserverUrl(namespace);

        const ns = new k8s.core.v1.Namespace(name, controlPlaneNamespace(layout, podSecurity), { parent: this });
        const inNamespace: pulumi.CustomResourceOptions = { parent: this, dependsOn: [ns] };
        const secret = (spec: SecretSpec, app: AppName) =>
            new k8s.core.v1.Secret(
                `${name}-${spec.name}`,
                {
                    metadata: objectMeta(layout, app, spec.name),
                    type: "Opaque",
                    stringData: pulumi.secret(spec.data),
                },
                inNamespace,
            );
        const configMap = (spec: ConfigMapSpec, app: AppName) =>
            new k8s.core.v1.ConfigMap(
                `${name}-${spec.name}`,
                {
                    metadata: objectMeta(layout, app, spec.name),
                    data: spec.data,
                },
                inNamespace,
            );
        // Pods wait for what they mount, so that a first rollout does not start with missing files.
        const after = (objects: pulumi.Resource[]): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn: [ns, ...objects],
        });

        // etcd
        const etcdFiles = [etcdPkiSecret(pki)];
        const etcdObjects = [
            ...etcdFiles.map((s) => secret(s, "etcd")),
            new k8s.core.v1.Service(`${name}-${etcdServiceName}`, etcdService(layout), inNamespace),
        ];
        new k8s.apps.v1.StatefulSet(
            `${name}-etcd`,
            etcdStatefulSet({
                layout,
                replicas: etcdReplicas,
                storageSize: etcdStorageSize,
                storageClass: etcdStorageClass,
                checksum: mountedChecksum(etcdFiles),
            }),
            after(etcdObjects),
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-etcd`,
            podDisruptionBudget(layout, "etcd", "etcd", { minAvailable: etcdQuorum(etcdReplicas) }),
            inNamespace,
        );

        // The tunnel's objects; its Deployments wait for what they mount.
        const tunnelFiles: pulumi.Resource[] = [];
        for (const o of tunnel.objects) {
            if (o.kind === "Secret") tunnelFiles.push(secret(o.spec, o.app));
            if (o.kind === "ConfigMap") tunnelFiles.push(configMap(o.spec, o.app));
        }
        const tunnelObjects = [...tunnelFiles];
        for (const o of tunnel.objects) {
            if (o.kind === "Service")
                tunnelObjects.push(new k8s.core.v1.Service(`${name}-${o.name}`, o.args, inNamespace));
            if (o.kind === "Deployment") {
                tunnelObjects.push(new k8s.apps.v1.Deployment(`${name}-${o.name}`, o.args, after(tunnelFiles)));
            }
        }

        // kube-apiserver with the tunnel's pieces in its pod, once the tunnel's seed half is there
        const apiserverFiles = [apiserverPkiSecret(pki), serviceAccountSecret(pki)];
        const apiserverObjects = [...apiserverFiles.map((s) => secret(s, "kube-apiserver")), ...tunnelObjects];
        const apiserver = new k8s.apps.v1.Deployment(
            `${name}-${apiserverName}`,
            apiserverDeployment({
                layout,
                replicas: apiserverReplicas,
                flags: apiserverFlags({
                    namespace,
                    etcdReplicas,
                    serviceCidr,
                    kubeletPreferredAddressTypes: tunnel.apiserver.kubeletPreferredAddressTypes,
                }),
                tunnel: tunnel.apiserver,
                publicAddress,
                checksum: mountedChecksum([...apiserverFiles, ...tunnel.apiserver.mounted]),
            }),
            { ...after(apiserverObjects), dependsOn: [ns, ...apiserverObjects, ...apiserverDependsOn] },
        );
        new k8s.core.v1.Service(`${name}-${apiserverName}`, apiserverService(layout, apiserverNodePort), inNamespace);
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${apiserverName}`,
            podDisruptionBudget(layout, "kube-apiserver", apiserverName, { maxUnavailable: 1 }),
            inNamespace,
        );

        // controller-manager and scheduler, each with a kubeconfig for the in-seed apiserver
        const kubeconfig = (user: string, cert: Pem) =>
            kubeconfigOutput({
                clusterName,
                server: apiserverUrl,
                caCertPem: pki.clusterCa.certPem,
                user,
                clientCertPem: cert.certPem,
                clientKeyPem: cert.keyPem,
            });
        const cmFiles = [
            controllerManagerSecret(pki, kubeconfig(identities.controllerManager.commonName, pki.controllerManager)),
        ];
        new k8s.apps.v1.Deployment(
            `${name}-${controllerManagerName}`,
            controllerManagerDeployment({
                layout,
                replicas: leaderElectedReplicas,
                serviceCidr,
                podCidr,
                checksum: mountedChecksum(cmFiles),
            }),
            after(cmFiles.map((s) => secret(s, "kube-controller-manager"))),
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${controllerManagerName}`,
            podDisruptionBudget(layout, "kube-controller-manager", controllerManagerName, { maxUnavailable: 1 }),
            inNamespace,
        );
        const schedulerFiles = [schedulerSecret(kubeconfig(identities.scheduler.commonName, pki.scheduler))];
        new k8s.apps.v1.Deployment(
            `${name}-${schedulerName}`,
            schedulerDeployment({ layout, replicas: leaderElectedReplicas, checksum: mountedChecksum(schedulerFiles) }),
            after(schedulerFiles.map((s) => secret(s, "kube-scheduler"))),
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${schedulerName}`,
            podDisruptionBudget(layout, "kube-scheduler", schedulerName, { maxUnavailable: 1 }),
            inNamespace,
        );

        this.namespace = ns.metadata.name;
        this.inSeedApiserverUrl = pulumi.output(apiserverUrl);
        this.runningState = apiserver.metadata.apply((): RunningState => ({
            kubernetesVersion: versions.minor,
            tunnelMode: tunnel.mode,
        }));
        this.registerOutputs({
            namespace: this.namespace,
            inSeedApiserverUrl: this.inSeedApiserverUrl,
            runningState: this.runningState,
        });
    }
}

/** The tunnel's seed half with its Secrets' data secret, as component inputs (stored in state) must be. */
function withSecretData(tunnel: SeedTunnel): SeedTunnel {
    return {
        ...tunnel,
        apiserver: { ...tunnel.apiserver, mounted: tunnel.apiserver.mounted.map(secretData) },
        objects: tunnel.objects.map((o) => (o.kind === "Secret" ? { ...o, spec: secretData(o.spec) } : o)),
    };
}

function secretData<T extends SecretSpec | ConfigMapSpec>(spec: T): T {
    return { ...spec, data: pulumi.secret(spec.data) as unknown as T["data"] };
}
