export * from "./settings";
export * from "./ports";
export { defaults, secretKeys } from "./defaults";
export { loadSettings, ConfigError, ConfigProblem, configNamespace, requiredSecretKeys } from "./load";
export { VersionPins, images, supportedKubernetesVersions, versionPins } from "./versions";
export { secretCredentials, secretSettings } from "./secrets";
export { RunningState, parseRunningState, runningStateOutput, withRunningState } from "./runningState";
export { kubernetesUpgradeProblems } from "./upgrade";
