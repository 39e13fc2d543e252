/**
 * Brings up one rendered cluster and keeps it running until interrupted, printing where
 * everything is: for poking at it by hand (`npm run e2e:up -- [key=value ...]`, root needed).
 * Keys are stack config keys over Pulumi.dev.yaml, e.g. `kubernetesVersion=1.37`.
 */
import { Lab } from "./lib/lab";
import { render } from "./lib/render";

async function main(): Promise<void> {
    const changes = Object.fromEntries(
        process.argv.slice(2).map((a) => {
            const [k, ...v] = a.split("=");
            const text = v.join("=");
            return [k, /^[\d.]+$/.test(text) && !k.toLowerCase().includes("version") ? Number(text) : text];
        }),
    );
    const r = await render(changes);
    const lab = new Lab(r, { kubelet: process.env.GKS_E2E_KUBELET === "stand-in" ? "stand-in" : "hollow" });
    const stop = async () => {
        console.log("stopping");
        await lab.stop(process.env.GKS_E2E_KEEP === "1");
        process.exit(0);
    };
    process.on("SIGINT", () => void stop());
    process.on("SIGTERM", () => void stop());
    try {
        await lab.start();
        for (const a of lab.agents()) a.start();
    } catch (e) {
        console.error(e);
        console.error(`logs under ${lab.root}`);
        await lab.stop(true);
        process.exit(1);
    }
    console.log(`up: files and logs under ${lab.root}`);
    console.log(
        `kubectl: ip netns exec ${lab.ns.client} ${lab.kubectlBinary} --kubeconfig ${lab.kubeconfigFile} get nodes`,
    );
    await new Promise(() => undefined);
}

void main();
