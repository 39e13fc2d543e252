import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderStack } from "../../scripts/render/main";
import { topologyOf } from "../../scripts/render/topology";
import { at, ofType } from "../harness";
import { openvpnRun } from "../fixtures";
import { assertManifestsApplyable } from "./checks";

describe("render: the openvpn stack, offline", () => {
    let tmp: string;
    let printed: string[];
    let files: string[];
    let outDir: string;
    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-render-openvpn-"));
        printed = [];
        const result = await renderStack({ stack: "openvpn", out: tmp, print: (l) => printed.push(l) });
        assert.strictEqual(result.exitCode, 0, printed.join("\n"));
        files = result.files;
        outDir = result.outDir;
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("prints every OpenVPN container: what it is, where it dials, what it adds; no egress selector", () => {
        const start = printed.indexOf("OpenVPN:");
        assert.ok(start > 0, printed.join("\n"));
        const lines = printed.slice(start + 1, start + 4);
        assert.match(
            lines.find((l) => l.includes("openvpn-server ("))!,
            /server 10\.20\.0\.0 255\.255\.255\.0, pushes 192\.168\.2\.0 255\.255\.255\.0; .*adds NET_ADMIN, NET_RAW$/,
        );
        assert.match(
            lines.find((l) => l.includes("cluster-legacy/apiserver"))!,
            /client of openvpn-server\.cluster-legacy\.svc:1194, pulls routes; adds NET_ADMIN$/,
        );
        assert.match(
            lines.find((l) => l.includes("kube-system/openvpn-client"))!,
            /client of 203\.0\.113\.\d+:1194, takes no routes; adds NET_ADMIN, NET_RAW$/,
        );
        assert.ok(printed.some((l) => l.startsWith("Egress selector: none (")));
        assert.ok(!files.includes("egress-selector.yaml"));
    });

    it("writes OpenVPN's files byte for byte beside the manifests, ready for `openvpn --config`", async () => {
        const run = await openvpnRun();
        const expected = [
            "openvpn/seed/openvpn-client-config/client.conf",
            "openvpn/seed/openvpn-server-ccd/openvpn-seed-client",
            "openvpn/seed/openvpn-server-ccd/user-cluster-client",
            "openvpn/seed/openvpn-server-config/server.conf",
            "openvpn/user-cluster/openvpn-client-config/client.conf",
        ];
        assert.deepStrictEqual(
            files.filter((f) => f.startsWith("openvpn/")),
            expected,
        );
        const server = ofType(run.resources, "kubernetes:core/v1:ConfigMap").find(
            (r) => at(r.inputs, "metadata.name") === "openvpn-server-config",
        )!;
        assert.strictEqual(
            fs.readFileSync(path.join(outDir, "openvpn/seed/openvpn-server-config/server.conf"), "utf8"),
            (server.inputs.data as Record<string, string>)["server.conf"],
        );
        const manifests = files
            .filter((f) => f.endsWith(".yaml") && /^(seed|user-cluster)\//.test(f))
            .map((f) => ({ path: f, content: fs.readFileSync(path.join(outDir, f), "utf8") }));
        assert.ok(assertManifestsApplyable(manifests) >= 28);
    });

    it("draws the one tunnel: the user cluster's client to the 1194 listener, the sidecars to the server's Service", async () => {
        const run = await openvpnRun();
        const topology = topologyOf(run.resources, "legacy");
        const label = (id: string) => topology.nodes.find((n) => n.id === id)?.label ?? "";
        const tunnels = topology.edges
            .filter((e) => e.style === "tunnel")
            .map((e) => [label(e.from).split("\n")[0], label(e.to).split("\n")[0], e.label]);
        assert.deepStrictEqual(tunnels.sort(), [
            ["Deployment apiserver ×2", "Service openvpn-server", "OpenVPN client (TLS)"],
            ["Deployment openvpn-client ×1", "listener TCP :1194", "OpenVPN: the one tunnel (dials out, TLS)"],
        ]);
        assert.ok(topology.groups.some((g) => g.id === "k8s:user-cluster" && g.parent?.startsWith("tenant:")));
    });
});
