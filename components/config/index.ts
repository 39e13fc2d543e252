export * from "./settings";
export * from "./ports";
export { ClusterConfig, TenantConfig, SeedConfig } from "./clusterConfig";
export { defaults, secretKeys, configNamespace } from "./defaults";
export { loadSettings, LoadOptions, platformStackKey } from "./load";
export {
    ClusterConfigOnPlatform,
    onPlatform,
    parsePlatformOutputs,
    platformOutputNames,
    PlatformOutputs,
} from "./platform";
export { parseSettings, ParseOptions, requiredSecretKeys, clusterConfigKeys } from "./parse";
export { ConfigError, ConfigProblem } from "./problems";
export { isValidated, requireValidated } from "./validated";
export { VersionPins, images, supportedKubernetesVersions, versionPins } from "./versions";
export { secretCredentials, secretSettings } from "./secrets";
export { RunningState, parseRunningState, runningStateOutput, withRunningState } from "./runningState";
export { kubernetesUpgradeProblems } from "./upgrade";
export { encryptionKeyProblems } from "./encryptionRotation";
export { storageBytes, minimumEtcdStorage } from "./quantity";
