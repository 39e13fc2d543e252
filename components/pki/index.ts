export { Pki, PkiArgs, KeyPair, IssuedCertificate, ServiceAccountKey } from "./pki";
export {
    pkiSpecs,
    PkiSpecs,
    PkiSpecArgs,
    CaName,
    LeafName,
    CaSpec,
    LeafSpec,
    KeyUse,
    keySpec,
} from "./certificateSpecs";
