import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { devRun } from "./fixtures";
import { containerOf, flagOf, mountedFile, one, projectRoot, RecordedContainer, RecordedResource } from "./harness";

/**
 * The automated checks of kube-bench's cfg/cis-1.12 (master.yaml, etcd.yaml, controlplane.yaml)
 * that look at flags, written as kube-bench evaluates them: `set` (present or not), `eq`,
 * `noteq`, `has`/`nothave` (an element of a comma list), `gte`, `valid_elements` (every element
 * in a list). A flag given without a value counts as "true", as kube-bench reads `--flag`.
 */
type Flags = Map<string, string>;
type Check = {
    id: string;
    on: "apiserver" | "controller-manager" | "scheduler" | "etcd";
    passes: (f: Flags) => boolean;
};

const set = (name: string) => (f: Flags) => f.has(name);
const unset = (name: string) => (f: Flags) => !f.has(name);
const eq = (name: string, value: string) => (f: Flags) => f.get(name) === value;
const list = (f: Flags, name: string) => (f.get(name) ?? "").split(",");
const has = (name: string, value: string) => (f: Flags) => list(f, name).includes(value);
const nothave = (name: string, value: string) => (f: Flags) => f.has(name) && !list(f, name).includes(value);
const gte = (name: string, value: number) => (f: Flags) => Number(f.get(name)) >= value;
const all =
    (...tests: ((f: Flags) => boolean)[]) =>
    (f: Flags) =>
        tests.every((t) => t(f));
const any =
    (...tests: ((f: Flags) => boolean)[]) =>
    (f: Flags) =>
        tests.some((t) => t(f));
const strongCiphers =
    "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256".split(
        ",",
    );

const checks: Check[] = [
    { id: "1.2.1", on: "apiserver", passes: eq("anonymous-auth", "false") },
    { id: "1.2.2", on: "apiserver", passes: unset("token-auth-file") },
    { id: "1.2.3", on: "apiserver", passes: has("enable-admission-plugins", "DenyServiceExternalIPs") },
    { id: "1.2.4", on: "apiserver", passes: all(set("kubelet-client-certificate"), set("kubelet-client-key")) },
    { id: "1.2.5", on: "apiserver", passes: set("kubelet-certificate-authority") },
    { id: "1.2.6", on: "apiserver", passes: nothave("authorization-mode", "AlwaysAllow") },
    { id: "1.2.7", on: "apiserver", passes: has("authorization-mode", "Node") },
    { id: "1.2.8", on: "apiserver", passes: has("authorization-mode", "RBAC") },
    { id: "1.2.9", on: "apiserver", passes: has("enable-admission-plugins", "EventRateLimit") },
    {
        id: "1.2.10",
        on: "apiserver",
        passes: any(nothave("enable-admission-plugins", "AlwaysAdmit"), unset("enable-admission-plugins")),
    },
    { id: "1.2.11", on: "apiserver", passes: has("enable-admission-plugins", "AlwaysPullImages") },
    {
        id: "1.2.12",
        on: "apiserver",
        passes: any(nothave("disable-admission-plugins", "ServiceAccount"), unset("disable-admission-plugins")),
    },
    {
        id: "1.2.13",
        on: "apiserver",
        passes: any(nothave("disable-admission-plugins", "NamespaceLifecycle"), unset("disable-admission-plugins")),
    },
    { id: "1.2.14", on: "apiserver", passes: has("enable-admission-plugins", "NodeRestriction") },
    { id: "1.2.15", on: "apiserver", passes: eq("profiling", "false") },
    { id: "1.2.16", on: "apiserver", passes: set("audit-log-path") },
    { id: "1.2.17", on: "apiserver", passes: gte("audit-log-maxage", 30) },
    { id: "1.2.18", on: "apiserver", passes: gte("audit-log-maxbackup", 10) },
    { id: "1.2.19", on: "apiserver", passes: gte("audit-log-maxsize", 100) },
    {
        id: "1.2.21",
        on: "apiserver",
        passes: any(unset("service-account-lookup"), eq("service-account-lookup", "true")),
    },
    { id: "1.2.22", on: "apiserver", passes: set("service-account-key-file") },
    { id: "1.2.23", on: "apiserver", passes: all(set("etcd-certfile"), set("etcd-keyfile")) },
    { id: "1.2.24", on: "apiserver", passes: all(set("tls-cert-file"), set("tls-private-key-file")) },
    { id: "1.2.25", on: "apiserver", passes: set("client-ca-file") },
    { id: "1.2.26", on: "apiserver", passes: set("etcd-cafile") },
    { id: "1.2.27", on: "apiserver", passes: set("encryption-provider-config") },
    {
        id: "1.2.29",
        on: "apiserver",
        passes: (f) =>
            f.has("tls-cipher-suites") && list(f, "tls-cipher-suites").every((c) => strongCiphers.includes(c)),
    },
    { id: "1.2.30", on: "apiserver", passes: eq("service-account-extend-token-expiration", "false") },
    { id: "1.3.1", on: "controller-manager", passes: set("terminated-pod-gc-threshold") },
    { id: "1.3.2", on: "controller-manager", passes: eq("profiling", "false") },
    {
        id: "1.3.3",
        on: "controller-manager",
        passes: (f) => f.get("use-service-account-credentials") !== "false",
    },
    { id: "1.3.4", on: "controller-manager", passes: set("service-account-private-key-file") },
    { id: "1.3.5", on: "controller-manager", passes: set("root-ca-file") },
    {
        id: "1.3.6",
        on: "controller-manager",
        passes: any(nothave("feature-gates", "RotateKubeletServerCertificate=false"), unset("feature-gates")),
    },
    { id: "1.3.7", on: "controller-manager", passes: any(eq("bind-address", "127.0.0.1"), unset("bind-address")) },
    { id: "1.4.1", on: "scheduler", passes: eq("profiling", "false") },
    { id: "1.4.2", on: "scheduler", passes: any(eq("bind-address", "127.0.0.1"), unset("bind-address")) },
    { id: "2.1", on: "etcd", passes: all(set("cert-file"), set("key-file")) },
    { id: "2.2", on: "etcd", passes: eq("client-cert-auth", "true") },
    { id: "2.3", on: "etcd", passes: any(unset("auto-tls"), eq("auto-tls", "false")) },
    { id: "2.4", on: "etcd", passes: all(set("peer-cert-file"), set("peer-key-file")) },
    { id: "2.5", on: "etcd", passes: eq("peer-client-cert-auth", "true") },
    { id: "2.6", on: "etcd", passes: any(unset("peer-auto-tls"), eq("peer-auto-tls", "false")) },
    { id: "2.7", on: "etcd", passes: set("trusted-ca-file") },
    { id: "3.2.1", on: "apiserver", passes: set("audit-policy-file") },
];

function flagsOf(c: RecordedContainer): Flags {
    return new Map(
        c.args.map((a) => {
            const [name, ...value] = a.replace(/^--/, "").split("=");
            return [name, value.length > 0 ? value.join("=") : "true"];
        }),
    );
}

/** The CIS table of README.md: check id (or range "a-b") -> status. */
function readmeTable(): { ids: string; status: string }[] {
    const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("#### CIS Kubernetes Benchmark"));
    return section
        .split("\n")
        .map((line) => /^\|\s*([0-9][0-9., -]*?)\s*\|.*\|\s*(pass|exception)\s*\|[^|]*\|$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ ids: m[1], status: m[2] }));
}

/** Whether a table cell ("1.2.17", "1.1.1-1.1.21", "5.1.1-5.1.6, 5.1.8") names a check. */
function names(cell: string, id: string): boolean {
    const num = (v: string) => v.split(".").map(Number);
    const cmp = (a: number[], b: number[]) => {
        for (let i = 0; i < Math.max(a.length, b.length); i++)
            if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
        return 0;
    };
    return cell.split(",").some((part) => {
        const [from, to = from] = part.trim().split("-");
        return cmp(num(id), num(from)) >= 0 && cmp(num(id), num(to)) <= 0 && num(id).length === num(from).length;
    });
}

describe("the CIS Kubernetes Benchmark (kube-bench cis-1.12)", () => {
    let workloads: Record<Check["on"], { resource: RecordedResource; container: RecordedContainer }>;
    let table: { ids: string; status: string }[];
    before(async () => {
        const run = await devRun();
        const pick = (type: string, name: string, container: string) => {
            const resource = one(run.resources, type, name);
            return { resource, container: containerOf(resource, container) };
        };
        workloads = {
            apiserver: pick("kubernetes:apps/v1:Deployment", "dev-apiserver", "kube-apiserver"),
            "controller-manager": pick(
                "kubernetes:apps/v1:Deployment",
                "dev-controller-manager",
                "kube-controller-manager",
            ),
            scheduler: pick("kubernetes:apps/v1:Deployment", "dev-scheduler", "kube-scheduler"),
            etcd: pick("kubernetes:apps/v1:StatefulSet", "dev-etcd", "etcd"),
        };
        table = readmeTable();
    });

    for (const check of checks) {
        it(`${check.id} (${check.on}): README states what kube-bench would find`, () => {
            const verdict = check.passes(flagsOf(workloads[check.on].container)) ? "pass" : "exception";
            const rows = table.filter((r) => names(r.ids, check.id));
            assert.strictEqual(rows.length, 1, `README's CIS table must have exactly one row for ${check.id}`);
            assert.strictEqual(rows[0].status, verdict, `${check.id}: kube-bench says ${verdict}`);
        });
    }

    it("1.2.28: the encryption configuration's first provider is one kube-bench accepts (aescbc, kms, secretbox)", async () => {
        const run = await devRun();
        const { resource, container } = workloads.apiserver;
        const text = mountedFile(run.resources, resource, container, flagOf(container, "encryption-provider-config")!);
        // kube-bench: the line after the first "providers:", its words.
        const lines = text.split("\n");
        const words = lines[lines.findIndex((l) => l.includes("providers:")) + 1].match(/[A-Za-z]+/g) ?? [];
        assert.ok(words.length > 0 && words.every((w) => ["aescbc", "kms", "secretbox"].includes(w)), words.join());
        assert.strictEqual(parse(text).kind, "EncryptionConfiguration");
        assert.strictEqual(table.find((r) => names(r.ids, "1.2.28"))?.status, "pass");
    });

    it("lists every check of master.yaml, etcd.yaml, controlplane.yaml and policies.yaml once", () => {
        const ids = [
            ...Array.from({ length: 21 }, (_, i) => `1.1.${i + 1}`),
            ...Array.from({ length: 30 }, (_, i) => `1.2.${i + 1}`),
            ...Array.from({ length: 7 }, (_, i) => `1.3.${i + 1}`),
            "1.4.1",
            "1.4.2",
            ...Array.from({ length: 7 }, (_, i) => `2.${i + 1}`),
            "3.1.1",
            "3.1.2",
            "3.1.3",
            "3.2.1",
            "3.2.2",
            ...Array.from({ length: 13 }, (_, i) => `5.1.${i + 1}`),
            ...Array.from({ length: 12 }, (_, i) => `5.2.${i + 1}`),
            "5.3.1",
            "5.3.2",
            "5.4.1",
            "5.4.2",
            "5.5.1",
            ...Array.from({ length: 4 }, (_, i) => `5.6.${i + 1}`),
        ];
        const missing = ids.filter((id) => table.filter((r) => names(r.ids, id)).length !== 1);
        assert.deepStrictEqual(missing, []);
    });
});
