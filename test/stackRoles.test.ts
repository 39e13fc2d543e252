import * as assert from "assert";
import { ofType, one, projectNamed, readStackConfig, runProgram, withConfig, withStandIns } from "./harness";
import { devConfig, devRun } from "./fixtures";

const platformProject = projectNamed("gks-platform")!;
const devPlatform = "organization/gks-platform/dev";
const T = {
    provider: "pulumi:providers:openstack",
    lb: "openstack:loadbalancer/loadBalancer:LoadBalancer",
    member: "openstack:loadbalancer/member:Member",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
};

function platformConfig(stack: string, changes: Record<string, unknown> = {}) {
    return withStandIns(withConfig(readStackConfig(stack, platformProject), changes)).config;
}

async function platformOutputs(stack = "dev") {
    const run = await runProgram(platformConfig(stack), { stack });
    if (run.error) throw run.error;
    return run.outputs as {
        controlPlaneTenant: { projectId: string; network: { subnetId: string; cidr: string } };
        seed: { nodeAddresses: string[]; securityGroupId: string; securityGroupProjectId: string };
    };
}

describe("two stack roles: the platform stack (per seed) and the cluster stack", () => {
    describe("the cluster stack on the dev platform (platformStack)", () => {
        it("reads the platform stack, creating nothing for it", async () => {
            const run = await devRun();
            const reference = one(run.resources, "pulumi:pulumi:StackReference", "dev-platform");
            assert.strictEqual(reference.inputs.name, devPlatform);
            assert.ok(reference.read);
            assert.deepStrictEqual(
                run.references.map((r) => r.name),
                [devPlatform],
            );
        });

        it("puts the load balancer and every pool member on the seed's subnet, the members at the seed's nodes", async () => {
            const run = await devRun();
            const platform = await platformOutputs();
            const subnet = platform.controlPlaneTenant.network.subnetId;
            assert.strictEqual(one(run.resources, T.lb).inputs.vipSubnetId, subnet);
            const members = ofType(run.resources, T.member);
            assert.ok(members.length > 0);
            for (const m of members) assert.strictEqual(m.inputs.subnetId, subnet, m.name);
            assert.deepStrictEqual(
                [...new Set(members.map((m) => m.inputs.address))].sort(),
                [...platform.seed.nodeAddresses].sort(),
            );
        });

        it("adds its NodePort rules to the seed's group through a provider of the group's project", async () => {
            const run = await devRun();
            const platform = await platformOutputs();
            const rules = ofType(run.resources, T.rule).filter((r) => r.name.startsWith("dev-api-seed-"));
            assert.ok(rules.length >= 2);
            for (const rule of rules) {
                assert.strictEqual(rule.inputs.securityGroupId, platform.seed.securityGroupId, rule.name);
                const provider = run.resources.find((r) => r.urn === rule.provider)!;
                assert.strictEqual(provider.inputs.tenantId, platform.seed.securityGroupProjectId, rule.name);
            }
        });
    });

    it("puts the seed rules through a provider scoped to the group's own project when that is another one", async () => {
        const platform = await platformOutputs();
        const seedProject = "9c8b7a6f5e4d4c3b2a1f0e9d8c7b6a5f";
        const run = await runProgram(devConfig(), {
            stackOutputs: {
                [devPlatform]: { ...platform, seed: { ...platform.seed, securityGroupProjectId: seedProject } },
            },
        });
        if (run.error) throw run.error;
        const provider = one(run.resources, T.provider, "dev-seed-security-group");
        assert.strictEqual(provider.inputs.tenantId, seedProject);
        const rules = ofType(run.resources, T.rule).filter((r) => r.name.startsWith("dev-api-seed-"));
        assert.ok(rules.every((r) => r.provider === provider.urn));
        const lb = one(run.resources, T.lb);
        assert.strictEqual(lb.provider, one(run.resources, T.provider, "dev-control-plane").urn);
    });

    it("refuses keys the platform supplies when it also names a platform stack", async () => {
        const base = readStackConfig("dev");
        const run = await runProgram(
            withConfig(devConfig(), {
                seed: { nodeAddresses: ["10.0.0.11"], securityGroupId: "sg" },
                platformStack: base.values["gks-cluster:platformStack"],
            }),
        );
        assert.strictEqual(run.error?.name, "ConfigError");
        assert.match(
            run.error.message,
            /gks-cluster:seed: comes from the platform \(platformStack organization\/gks-platform\/dev\)/,
        );
    });

    it("refuses a platform whose seed has no nodes yet, saying what to do", async () => {
        const run = await runProgram(withConfig(devConfig(), { platformStack: "organization/gks-platform/new" }));
        assert.strictEqual(run.error?.name, "ConfigError");
        assert.match(run.error.message, /has no seed nodes yet: install the seed cluster/);
    });

    it("refuses platform outputs that are not a platform's, naming the stack and output", async () => {
        const platform = await platformOutputs();
        const run = await runProgram(devConfig(), {
            stackOutputs: { [devPlatform]: { ...platform, seed: { ...platform.seed, nodeAddresses: ["10.0.0.300"] } } },
        });
        assert.strictEqual(run.error?.name, "ConfigError");
        assert.match(
            run.error.message,
            /stack organization\/gks-platform\/dev output seed\.nodeAddresses\.0 = "10\.0\.0\.300"/,
        );
    });

    it("names a seed node the platform lists twice, with its address", async () => {
        const platform = await platformOutputs();
        const twice = ["10.0.0.11", "10.0.0.12", "10.0.0.11"];
        const run = await runProgram(devConfig(), {
            stackOutputs: { [devPlatform]: { ...platform, seed: { ...platform.seed, nodeAddresses: twice } } },
        });
        assert.strictEqual(run.error?.name, "ConfigError");
        assert.match(
            run.error.message,
            /stack organization\/gks-platform\/dev output seed\.nodeAddresses\.2 = "10\.0\.0\.11": is listed twice/,
        );
    });

    describe("the platform stack", () => {
        it("dev: adopts the seed's tenant and group, creating nothing, and exports them", async () => {
            const config = platformConfig("dev");
            const run = await runProgram(config, { stack: "dev" });
            if (run.error) throw run.error;
            const created = run.resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:providers:"));
            assert.deepStrictEqual(
                created.map((r) => r.type),
                [],
            );
            const tenant = JSON.parse(config.values["gks-platform:controlPlaneTenant"]);
            const seed = JSON.parse(config.values["gks-platform:seed"]);
            assert.deepStrictEqual(run.outputs.controlPlaneTenant, {
                projectId: tenant.project.id,
                network: tenant.network,
            });
            assert.deepStrictEqual(run.outputs.seed, { ...seed, securityGroupProjectId: tenant.project.id });
        });

        it("new: creates the project, the seed's network and the seed nodes' group, and has no nodes yet", async () => {
            const run = await runProgram(platformConfig("new"), { stack: "new" });
            if (run.error) throw run.error;
            const names = run.resources
                .filter((r) => r.custom && !r.read)
                .map((r) => `${r.type.split(":")[1]} ${r.name}`);
            for (const expected of [
                "identity/project new-control-plane",
                "networking/network new-control-plane",
                "networking/subnet new-control-plane",
                "networking/router new-control-plane",
                "networking/secGroup new-seed-nodes",
            ]) {
                assert.ok(names.includes(expected), `${expected} in ${names.join(", ")}`);
            }
            const group = one(run.resources, "openstack:networking/secGroup:SecGroup", "new-seed-nodes");
            const outputs = run.outputs as { seed: { nodeAddresses: string[]; securityGroupId: string } };
            assert.deepStrictEqual(outputs.seed.nodeAddresses, []);
            assert.strictEqual(outputs.seed.securityGroupId, group.id);
            assert.strictEqual(group.provider, one(run.resources, T.provider, "new-control-plane").urn);
        });

        const nodes = { nodeAddresses: ["10.1.0.11", "10.1.0.12"] };
        it("refuses seed nodes on a network that this update creates", async () => {
            const run = await runProgram(platformConfig("new", { seed: nodes }), { stack: "new" });
            assert.strictEqual(run.error?.name, "ConfigError");
            assert.match(run.error.message, /gks-platform:seed\.nodeAddresses .*the network is created by this update/);
        });

        it("exports the seed nodes once the network exists (its last update created it)", async () => {
            const first = await runProgram(platformConfig("new"), { stack: "new" });
            const run = await runProgram(platformConfig("new", { seed: nodes }), {
                stack: "new",
                lastOutputs: first.outputs,
            });
            if (run.error) throw run.error;
            assert.deepStrictEqual(
                (run.outputs.seed as { nodeAddresses: string[] }).nodeAddresses,
                nodes.nodeAddresses,
            );
        });
    });
});
