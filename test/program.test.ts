import * as assert from "assert";
import { at, descendantsOf, one, ofType, ProgramRun, runProgram } from "./harness";
import { devConfig, devObject, standInSecrets, devRun } from "./fixtures";

const T = {
    provider: "pulumi:providers:openstack",
    project: "openstack:identity/project:Project",
    role: "openstack:identity/roleAssignment:RoleAssignment",
    network: "openstack:networking/network:Network",
    subnet: "openstack:networking/subnet:Subnet",
    router: "openstack:networking/router:Router",
    routerInterface: "openstack:networking/routerInterface:RouterInterface",
    tenant: "gks:index:Tenant",
};

describe("the dev stack (Pulumi.dev.yaml under mocks)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await devRun();
        if (run.error) throw run.error;
    });

    describe("the control-plane tenant (adopted: the seed's project and network exist before any cluster)", () => {
        const adopted = devObject<{ project: { id: string }; network: Record<string, string> }>("controlPlaneTenant");

        it("creates no project, network, subnet, router or interface", () => {
            for (const type of [T.project, T.network, T.subnet, T.router, T.routerInterface]) {
                assert.ok(!ofType(run.resources, type).some((r) => r.name === "dev-control-plane"), type);
            }
            assert.strictEqual(
                ofType(run.resources, T.provider).filter((r) => r.name === "dev-control-plane-bootstrap").length,
                0,
            );
        });

        it("works through a provider scoped to the adopted project, with the secret password still secret", () => {
            const provider = one(run.resources, T.provider, "dev-control-plane");
            assert.strictEqual(provider.inputs.tenantId, adopted.project.id);
            assert.strictEqual(provider.inputs.password, standInSecrets.controlPlaneCredentialSecret);
            assert.ok(JSON.stringify(provider.wireInputs).includes("4dabf18193072939515e22adb298388d"));
        });

        it("exports the adopted ids and reads the router's external address", () => {
            assert.strictEqual(run.outputs.controlPlaneProjectId, adopted.project.id);
            assert.strictEqual(run.outputs.controlPlaneSubnetId, adopted.network.subnetId);
            assert.match(String(run.outputs.controlPlaneRouterAddress), /^203\.0\.113\.\d+$/);
        });
    });

    for (const tenant of ["dev-workers"]) {
        describe(`tenant ${tenant}`, () => {
            it("creates its project through a bootstrap provider and assigns the deployer's roles", () => {
                const project = one(run.resources, T.project, tenant);
                const bootstrap = one(run.resources, T.provider, `${tenant}-bootstrap`);
                assert.strictEqual(project.provider, bootstrap.urn);
                const roles = ofType(run.resources, T.role).filter((r) => r.name.startsWith(`${tenant}-`));
                assert.deepStrictEqual(
                    roles.map((r) => r.inputs.projectId),
                    [project.id, project.id],
                );
            });

            it("has its own provider scoped to the project, with the secret password still secret", () => {
                const provider = one(run.resources, T.provider, tenant);
                const project = one(run.resources, T.project, tenant);
                assert.strictEqual(provider.inputs.tenantId, project.id);
                assert.strictEqual(provider.inputs.password, standInSecrets.workerCredentialSecret);
                assert.ok(JSON.stringify(provider.wireInputs).includes("4dabf18193072939515e22adb298388d"));
            });

            it("has network, subnet, router with external gateway and router interface, all through its provider", () => {
                const provider = one(run.resources, T.provider, tenant);
                const network = one(run.resources, T.network, tenant);
                const subnet = one(run.resources, T.subnet, tenant);
                const router = one(run.resources, T.router, tenant);
                const routerInterface = one(run.resources, T.routerInterface, tenant);
                assert.strictEqual(subnet.inputs.networkId, network.id);
                assert.deepStrictEqual(subnet.inputs.dnsNameservers, ["1.1.1.1", "9.9.9.9"]);
                assert.ok(
                    typeof router.inputs.externalNetworkId === "string" && router.inputs.externalNetworkId !== "",
                );
                assert.strictEqual(routerInterface.inputs.routerId, router.id);
                assert.strictEqual(routerInterface.inputs.subnetId, subnet.id);
                const component = one(run.resources, T.tenant, tenant);
                const customChildren = descendantsOf(run.resources, component).filter(
                    (r) =>
                        r.custom &&
                        !r.type.startsWith("pulumi:providers:") &&
                        r.type !== T.project &&
                        r.type !== T.role,
                );
                assert.ok(customChildren.length >= 4);
                for (const child of customChildren) {
                    assert.strictEqual(
                        child.provider,
                        provider.urn,
                        `${child.type} ${child.name} uses ${child.provider}`,
                    );
                }
            });
        });
    }

    it("gives the worker subnet the configured CIDR", () => {
        assert.strictEqual(one(run.resources, T.subnet, "dev-workers").inputs.cidr, "192.168.1.0/24");
    });

    it("exports the worker tenant's ids and its router's external address", () => {
        const router = one(run.resources, T.router, "dev-workers");
        assert.strictEqual(run.outputs.workerRouterAddress, at(router.outputs, "externalFixedIps[0].ipAddress"));
        for (const key of ["workerProjectId", "workerSubnetId", "workerSecurityGroupId"]) {
            assert.match(String(run.outputs[key]), /^[0-9a-f-]{36}$/, key);
        }
    });

    it("uses no default provider anywhere", () => {
        const defaulted = run.resources.filter((r) => r.provider?.startsWith("default:"));
        assert.deepStrictEqual(
            defaulted.map((r) => `${r.type} ${r.name}`),
            [],
        );
    });
});

describe("adopting what exists", () => {
    it("registers no Project for an adopted project, and scopes the provider to its id", async () => {
        const workerTenant = devObject("workerTenant");
        const run = await runProgram(
            devConfig({
                workerTenant: {
                    ...workerTenant,
                    project: { id: "0c9d6a52-5ac8-4a5e-9f6b-6f1d2a3b4c5d" },
                    credentials: { authUrl: "https://keystone.example.com:5000/v3", applicationCredentialId: "ac-123" },
                },
            }),
        );
        if (run.error) throw run.error;
        assert.deepStrictEqual(
            ofType(run.resources, T.project).map((r) => r.name),
            [],
        );
        assert.strictEqual(
            ofType(run.resources, T.provider).filter((r) => r.name === "dev-workers-bootstrap").length,
            0,
        );
        const provider = one(run.resources, T.provider, "dev-workers");
        assert.strictEqual(provider.inputs.applicationCredentialId, "ac-123");
        assert.strictEqual(provider.inputs.tenantId, undefined, "application credentials carry their own scope");
        assert.strictEqual(run.outputs.workerProjectId, "0c9d6a52-5ac8-4a5e-9f6b-6f1d2a3b4c5d");
    });
});
