import { lastStackOutput } from "../components/cluster";
import { loadPlatformSettings, Platform } from "../components/platform";

export = async () => {
    // A network this stack created at its last update is there now, and may hold the seed nodes;
    // one it creates in this update cannot yet (the validation refuses nodes on it).
    const networkExisted = (await lastStackOutput("controlPlaneTenant")) !== undefined;
    const settings = loadPlatformSettings(undefined, { networkExisted });
    const platform = new Platform(settings.seedName, { settings });

    // What every cluster stack on this seed adopts (its platformStack names this stack).
    return { controlPlaneTenant: platform.outputs.controlPlaneTenant, seed: platform.outputs.seed };
};
