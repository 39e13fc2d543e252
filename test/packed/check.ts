// Runs the program under the library's test mocks and prints what it registered.
import { ofType, runMocked } from "gks-cluster/testing";
// The program is `export =` (what the Pulumi Node.js host runs); under a stock tsconfig (no
// esModuleInterop) such a module is imported with import-equals.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import program = require("./index");

runMocked(program, {
    project: "fresh",
    stack: "dev",
    config: { "fresh:seedKubeconfig": "apiVersion: v1\nkind: Config\n" },
    secretKeys: ["fresh:seedKubeconfig"],
}).then((run) => {
    if (run.error) throw run.error;
    console.log(
        JSON.stringify({
            resources: run.resources.length,
            clusters: ofType(run.resources, "gks:index:Cluster").length,
            certificates: ofType(run.resources, "tls:index/locallySignedCert:LocallySignedCert").length,
            outputs: run.outputs,
            secretOutputs: run.secretOutputs,
        }),
    );
});
