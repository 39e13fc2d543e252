import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AntiAffinity, defaults, RunningState, VersionPins } from "../config";
import { identities } from "../shared/identities";
import { apiserverDeployment, apiserverName } from "./apiserverDeployment";
import { apiserverFlags } from "./apiserverFlags";
import { auditPolicy, auditPolicyYaml } from "./auditPolicy";
import { encryptionConfiguration, encryptionConfigurationYaml, secretboxKeyBytes } from "./encryption";
import { controllerManagerDeployment, controllerManagerName } from "./controllerManager";
import { etcdStatefulSet } from "./etcdStatefulSet";
import { kubeconfigOutput } from "../shared/kubeconfig";
import { AppName, objectMeta } from "../shared/seedLabels";
import { controlPlaneNamespace } from "./namespace";
import { controlPlaneNetworkPolicies } from "./networkPolicies";
import { withSecretKeys } from "./pkiInput";
import { etcdQuorum, podDisruptionBudget } from "./podDisruptionBudgets";
import { criticalPodsQuota } from "./priority";
import { schedulerDeployment, schedulerName } from "./scheduler";
import { etcdServiceName, inSeedApiserverUrl } from "../shared/seedNames";
import {
    apiserverPkiSecret,
    auditPolicyConfigMap,
    controllerManagerSecret,
    encryptionSecret,
    etcdPkiSecret,
    schedulerSecret,
    serviceAccountSecret,
} from "./secrets";
import { mountedChecksum } from "../shared/seedObjects";
import { apiserverService, etcdService } from "./services";
import { ConfigMapSpec, ControlPlaneLayout, NetworkPolicyArgs, Pem, SecretSpec } from "../shared/seedObjects";
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
    /** How etcd members spread over seed nodes (default preferred). */
    etcdAntiAffinity?: AntiAffinity;
    /**
     * Names of the keys that encrypt Secrets at rest, the encrypting one first (default one key,
     * `key1`). Each is a random 32-byte key in state; see README "Encryption at rest" for rotation.
     */
    encryptionKeys?: readonly string[];
    /** The PriorityClass of every control-plane pod (default system-cluster-critical). */
    priorityClassName?: string;
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
 * their Secrets and ConfigMaps (Secrets encryption at rest with random keys, the audit policy),
 * the NodePort Services the API endpoint forwards to, disruption budgets, the namespace's
 * NetworkPolicies, and the quota that admits the pods at their priority class. On an update the
 * workloads roll in order: etcd, kube-apiserver, then controller-manager and scheduler.
 *
 * Give it the seed's Kubernetes provider (and a random provider for the encryption keys)
 * through `opts.providers`, or the seed's alone through `opts.provider`. The seed's should set
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
        const { etcdAntiAffinity = "preferred", encryptionKeys = defaults.encryptionKeys } = args;
        const { priorityClassName = defaults.controlPlanePriorityClass } = args;
        if (encryptionKeys.length === 0 || new Set(encryptionKeys).size !== encryptionKeys.length) {
            throw new Error(
                `ControlPlane ${name}: encryptionKeys must name at least one key, each once (got ${JSON.stringify(encryptionKeys)})`,
            );
        }
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
        // Admits the pods at their priority class on a seed that limits system classes; planned:
        // every pod with its rollout's surge pod, twice over for pods still terminating.
        const tunnelPods = tunnel.objects.filter((o) => o.kind === "Deployment").length;
        const plannedPods = etcdReplicas + apiserverReplicas + 1 + 2 * (leaderElectedReplicas + 1) + tunnelPods;
        const quotaArgs = criticalPodsQuota(layout, priorityClassName, 2 * plannedPods);
        const quota = quotaArgs ? [new k8s.core.v1.ResourceQuota(`${name}-critical-pods`, quotaArgs, inNamespace)] : [];
        // Pods wait for what they mount, so that a first rollout does not start with missing files.
        const after = (objects: pulumi.Resource[]): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn: [ns, ...quota, ...objects],
        });

        // Ingress of the namespace: deny-all only once what must pass is admitted (a first update
        // of a running cluster never has it alone).
        const policies = controlPlaneNetworkPolicies({ layout, tunnelIngress: tunnel.ingress });
        const networkPolicy = (p: { name: string; args: NetworkPolicyArgs }, opts: pulumi.CustomResourceOptions) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${p.name}`, p.args, opts);
        networkPolicy(policies.denyAll, after(policies.allow.map((p) => networkPolicy(p, inNamespace))));

        // etcd
        const etcdFiles = [etcdPkiSecret(pki)];
        const etcdObjects = [
            ...etcdFiles.map((s) => secret(s, "etcd")),
            new k8s.core.v1.Service(`${name}-${etcdServiceName}`, etcdService(layout), inNamespace),
        ];
        const etcd = new k8s.apps.v1.StatefulSet(
            `${name}-etcd`,
            etcdStatefulSet({
                layout,
                replicas: etcdReplicas,
                storageSize: etcdStorageSize,
                storageClass: etcdStorageClass,
                checksum: mountedChecksum(etcdFiles),
                priorityClassName,
                antiAffinity: etcdAntiAffinity,
            }),
            // A rolling update replaces one member at a time, each with up to four minutes of
            // startup probe: the provider's default ten minutes would fail a healthy 5-member roll.
            { ...after(etcdObjects), customTimeouts: { create: "15m", update: `${5 * etcdReplicas}m` } },
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

        // kube-apiserver with the tunnel's pieces in its pod, once the tunnel's seed half is there.
        // It waits for etcd's rollout too (the provider awaits a StatefulSet until every member is
        // ready and updated), so that an upgrade moves etcd first and a new cluster starts its
        // apiservers on a quorum.
        // Secrets at rest: one random key per name, in state only (a secret), never rotated in place.
        const keys = encryptionKeys.map((keyName) => ({
            name: keyName,
            secret: new random.RandomBytes(
                `${name}-encryption-${keyName}`,
                { length: secretboxKeyBytes },
                { parent: this },
            ).base64,
        }));
        const encryptionYaml = pulumi
            .all(keys.map((k) => k.secret))
            .apply((secrets) =>
                encryptionConfigurationYaml(
                    encryptionConfiguration(keys.map((k, i) => ({ name: k.name, secret: secrets[i] }))),
                ),
            );
        const apiserverFiles = [apiserverPkiSecret(pki), serviceAccountSecret(pki), encryptionSecret(encryptionYaml)];
        const apiserverConfigs = [auditPolicyConfigMap(auditPolicyYaml(auditPolicy()))];
        const apiserverObjects = [
            ...apiserverFiles.map((s) => secret(s, "kube-apiserver")),
            ...apiserverConfigs.map((c) => configMap(c, "kube-apiserver")),
            ...tunnelObjects,
            etcd,
        ];
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
                checksum: mountedChecksum([...apiserverFiles, ...apiserverConfigs, ...tunnel.apiserver.mounted]),
                priorityClassName,
            }),
            { ...after(apiserverObjects), dependsOn: [ns, ...quota, ...apiserverObjects, ...apiserverDependsOn] },
        );
        new k8s.core.v1.Service(`${name}-${apiserverName}`, apiserverService(layout, apiserverNodePort), inNamespace);
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${apiserverName}`,
            podDisruptionBudget(layout, "kube-apiserver", apiserverName, { maxUnavailable: 1 }),
            inNamespace,
        );

        // controller-manager and scheduler, each with a kubeconfig for the in-seed apiserver. They
        // wait for the apiserver's rollout: the version skew policy forbids them to be newer.
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
                priorityClassName,
            }),
            after([...cmFiles.map((s) => secret(s, "kube-controller-manager")), apiserver]),
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${controllerManagerName}`,
            podDisruptionBudget(layout, "kube-controller-manager", controllerManagerName, { maxUnavailable: 1 }),
            inNamespace,
        );
        const schedulerFiles = [schedulerSecret(kubeconfig(identities.scheduler.commonName, pki.scheduler))];
        new k8s.apps.v1.Deployment(
            `${name}-${schedulerName}`,
            schedulerDeployment({
                layout,
                replicas: leaderElectedReplicas,
                checksum: mountedChecksum(schedulerFiles),
                priorityClassName,
            }),
            after([...schedulerFiles.map((s) => secret(s, "kube-scheduler")), apiserver]),
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
            encryptionKeys: [...encryptionKeys],
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
