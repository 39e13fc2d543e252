import * as pulumi from "@pulumi/pulumi";
import { isDeepStrictEqual } from "util";
import { uuidFrom } from "./ids";
import { kubernetesMock } from "./providers/kubernetes";
import { openstackMock } from "./providers/openstack";
import { randomMock } from "./providers/random";
import { timeMock } from "./providers/time";
import { tlsMock } from "./providers/tls";
import { ProviderMock } from "./providers/types";

/** The wire marker of a secret value (sdk/nodejs/runtime/rpc.ts specialSecretSig). */
const secretSigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** One registered resource, as the engine would see it. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly id: string;
    readonly custom: boolean;
    /** The parent's URN; the stack for top-level resources. */
    readonly parent: string;
    /** The URN of the provider a custom resource uses (explicit, or inherited from its parent). */
    readonly provider?: string;
    /** Inputs with secrets unwrapped. */
    readonly inputs: Record<string, unknown>;
    /** Outputs (the mock's state) with secrets unwrapped. */
    readonly outputs: Record<string, unknown>;
    /** Inputs as sent, with secrets still wrapped: see `isSecret` and `secretPaths`. */
    readonly wireInputs: Record<string, unknown>;
    /** Outputs as the provider returned them, with secrets still wrapped (e.g. secret inputs passed through). */
    readonly wireOutputs: Record<string, unknown>;
    /** Outputs the resource asks the engine to make secret (`additionalSecretOutputs`, e.g. a key's PEM). */
    readonly additionalSecretOutputs: readonly string[];
    /** URNs of the resources it depends on, and per input the URNs its value came from (as the engine records them). */
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
    /** A read of an existing resource (a StackReference, a `.get()`), which the engine never creates. */
    readonly read?: boolean;
    /** The URNs its `aliases` name (in the mock monitor's URN scheme, like `urn`). */
    readonly aliases?: string[];
}

export function isWireSecret(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSigKey] === secretSig
    );
}

/** A value wrapped as a secret the way the SDK sends it, for building records by hand. */
export function wireSecret(value: unknown): { value: unknown } {
    return { [secretSigKey]: secretSig, value } as { value: unknown };
}

/** Removes the secret wrappers of a wire value. */
export function unwrapSecrets(value: unknown): unknown {
    if (isWireSecret(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** The dotted paths of every value that is not inside a secret, with the value (strings only). */
export function plainStrings(value: unknown, path = ""): { path: string; value: string }[] {
    if (isWireSecret(value)) return [];
    if (typeof value === "string") return [{ path, value }];
    if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => plainStrings(v, path ? `${path}.${k}` : k));
    }
    return [];
}

function isWireSecretAt(wire: unknown, path: string): boolean {
    let value = wire;
    for (const part of path.split(".")) {
        if (isWireSecret(value)) return true;
        if (typeof value !== "object" || value === null) return false;
        value = (value as Record<string, unknown>)[part];
    }
    return isWireSecret(value);
}

/** True when the input at the dotted path is (inside) a secret. */
export function isSecretAt(resource: RecordedResource, path: string): boolean {
    return isWireSecretAt(resource.wireInputs, path);
}

/** True when the engine would store the output at the dotted path as a secret. */
export function isSecretOutputAt(resource: RecordedResource, path: string): boolean {
    return resource.additionalSecretOutputs.includes(path.split(".")[0]) || isWireSecretAt(resource.wireOutputs, path);
}

function propertyDependenciesOf(req: WireRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (result[key] = deps.getUrnsList()));
    return result;
}

function providerUrnOf(ref: string): string | undefined {
    if (!ref) return undefined;
    const cut = ref.lastIndexOf("::");
    return cut > 0 ? ref.slice(0, cut) : ref;
}

interface WireAlias {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

/**
 * A URN as the mock monitor builds it: the parent's own type (the last of its URN's type chain)
 * joined to the type with "$".
 */
function mockUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The URN an alias names, in the mock monitor's scheme, so that it compares with recorded URNs. */
function aliasUrn(alias: WireAlias, req: WireRequest, self: string): string {
    const spec = alias.getSpec();
    if (spec === undefined) return alias.getUrn();
    const [, stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(self) ?? [];
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    return mockUrn(stack, project, parent, spec.getType() || req.getType(), spec.getName() || req.getName());
}

interface WireRequest {
    getAliasesList(): WireAlias[];
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void };
}
interface WireReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getId(): string;
    getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
}
interface WireReadResponse {
    getUrn(): string;
    getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface WireResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: unknown, response: WireResponse | undefined) => void;
interface MonitorLike {
    registerResource(req: WireRequest, callback: Callback): Promise<void>;
    readResource(
        req: WireReadRequest,
        callback: (err: unknown, response: WireReadResponse | undefined) => void,
    ): Promise<void>;
}

/**
 * Mocks that behave like the providers this program uses, and a record of every registered
 * resource with its parent and provider.
 */
export class Recorder {
    readonly resources: RecordedResource[] = [];
    private readonly providers: ProviderMock[];

    /** The stack's state before this run, by URN (see RunOptions.state). */
    private readonly state: ReadonlyMap<string, RecordedResource>;
    /** The state of the resource being registered right now (the monitor asks the mock at once). */
    private registering: RecordedResource | undefined;

    constructor(extra: ProviderMock[] = [], state: readonly RecordedResource[] = []) {
        this.providers = [...extra, openstackMock(), tlsMock(), kubernetesMock(), randomMock(), timeMock()];
        this.state = new Map(state.filter((r) => !r.read).map((r) => [r.urn, r]));
    }

    readonly mocks: pulumi.runtime.Mocks = {
        newResource: (args) => {
            // As the engine: a resource in the state with the same inputs is not touched (same id,
            // same outputs: a key stays the key); with other inputs the provider makes it anew.
            const prior = this.registering;
            this.registering = undefined;
            if (prior && isDeepStrictEqual(unwrapSecrets(prior.wireInputs), unwrapSecrets(args.inputs))) {
                return { id: prior.id, state: prior.wireOutputs };
            }
            const mock = this.providers
                .flatMap((p) => (args.type.startsWith(p.prefix) ? [p.resources[args.type]] : []))
                .find(Boolean);
            if (mock) return mock(args);
            return { id: uuidFrom(`${args.type}/${args.name}`), state: args.inputs };
        },
        call: (args) => {
            const mock = this.providers.map((p) => p.calls[args.token]).find(Boolean);
            if (!mock) throw new Error(`test mocks: no mock for function ${args.token}`);
            return mock(args);
        },
    };

    /** Wraps the mock monitor so that each registration is recorded with its parent and provider. */
    attach(monitor: MonitorLike): void {
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            const urn = mockUrn(pulumi.getStack(), pulumi.getProject(), req.getParent(), req.getType(), req.getName());
            this.registering = this.state.get(urn);
            return register(req, (err, response) => {
                if (!err && response) this.record(req, response);
                callback(err, response);
            });
        };
        const read = monitor.readResource.bind(monitor);
        monitor.readResource = (req, callback) =>
            read(req, (err, response) => {
                if (!err && response) this.recordRead(req, response);
                callback(err, response);
            });
    }

    /**
     * A record whose `inputs` and `outputs` (secrets unwrapped) are made from the wire values when
     * first read: most records are never read that way, and a fleet has thousands of them.
     */
    private push(record: Omit<RecordedResource, "inputs" | "outputs">): void {
        let inputs: Record<string, unknown> | undefined;
        let outputs: Record<string, unknown> | undefined;
        this.resources.push(
            Object.defineProperties(record, {
                inputs: {
                    enumerable: true,
                    get: () => (inputs ??= unwrapSecrets(record.wireInputs) as Record<string, unknown>),
                },
                outputs: {
                    enumerable: true,
                    get: () => (outputs ??= unwrapSecrets(record.wireOutputs) as Record<string, unknown>),
                },
            }) as RecordedResource,
        );
    }

    private recordRead(req: WireReadRequest, response: WireReadResponse): void {
        const wireInputs = req.getProperties()?.toJavaScript() ?? {};
        const wireOutputs = response.getProperties()?.toJavaScript() ?? {};
        const parent = req.getParent();
        this.push({
            urn: response.getUrn(),
            type: req.getType(),
            name: req.getName(),
            id: req.getId(),
            custom: true,
            parent,
            provider: providerUrnOf(req.getProvider()) ?? this.inheritedProvider(parent, req.getType()),
            wireInputs,
            wireOutputs,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            dependencies: req.getDependenciesList(),
            propertyDependencies: {},
            read: true,
        });
    }

    private record(req: WireRequest, response: WireResponse): void {
        const wireInputs = req.getObject()?.toJavaScript() ?? {};
        const parent = req.getParent();
        const explicit = providerUrnOf(req.getProvider());
        const urn = response.getUrn();
        const wireOutputs = response.getObject()?.toJavaScript() ?? {};
        this.push({
            urn,
            type: req.getType(),
            name: req.getName(),
            id: response.getId(),
            custom: req.getCustom(),
            parent,
            provider: req.getCustom() ? (explicit ?? this.inheritedProvider(parent, req.getType())) : undefined,
            wireInputs,
            wireOutputs,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            dependencies: req.getDependenciesList(),
            propertyDependencies: propertyDependenciesOf(req),
            aliases: req.getAliasesList().map((a) => aliasUrn(a, req, urn)),
        });
    }

    /** The engine resolves an omitted provider to the default provider of the package. */
    private inheritedProvider(_parent: string, type: string): string | undefined {
        // Built-in resources (pulumi:pulumi:StackReference) have no provider plugin.
        return type.startsWith("pulumi:") ? undefined : `default:${type.split(":")[0]}`;
    }
}
