export { planFleet, FleetInput, FleetSeed, FleetClusterConfig, FleetOptions, FleetPlan } from "./fleet";
export { fleetCollisions, PlannedCluster } from "./collisions";
export {
    allocateNodePorts,
    defaultNodePortRange,
    NodePortAllocation,
    NodePortRange,
    NodePortRequest,
} from "./nodePorts";
export { openstackNames, OpenStackName } from "./names";
export { fleetStateOutputs, parseClusterStates, parseNodePortAllocation } from "./state";
export { Inventory, InventoryCluster, InventorySeed, merged, parseInventory, readInventory } from "./inventory";
