/**
 * Test support for programs that use the library: the provider-like mocks this project's own
 * tests run under (`pulumi.runtime.setMocks`), and a recorder of every registered resource.
 * Needs the optional peer dependency @peculiar/x509 (the TLS mock makes real keys and
 * certificates with it); importing this entry installs the small Reflect metadata polyfill that
 * @peculiar/x509 asks of its users when none is there.
 */
export { runMocked, MockedRun, MockedRunOptions } from "../test/harness/mocked";
export {
    Recorder,
    RecordedResource,
    isSecretAt,
    isSecretOutputAt,
    plainStrings,
    unwrapSecrets,
} from "../test/harness/recorder";
export { at, byUrn, descendantsOf, one, ofType } from "../test/harness/find";
export { kubernetesMock } from "../test/harness/providers/kubernetes";
export { openstackMock } from "../test/harness/providers/openstack";
export { stackReferenceMock } from "../test/harness/providers/stackReference";
export { tlsMock } from "../test/harness/providers/tls";
export { CallMock, ProviderMock, ResourceMock } from "../test/harness/providers/types";
