export { Platform, PlatformArgs } from "./platform";
export {
    loadPlatformSettings,
    parsePlatformSettings,
    PlatformParseOptions,
    PlatformSettings,
    platformNamespace,
    SeedSecurityGroupSettings,
} from "./settings";
