/**
 * The suite's own network: named network namespaces (`ip netns`), L2 segments as bridges in one
 * hub namespace, veth pairs into them. Everything carries the prefix, is made by the suite and
 * removed after; nothing is routed to the host's own network.
 */
import * as fs from "fs";
import * as path from "path";
import { must, run, runAsync } from "./proc";

export const netnsPrefix = "gks-e2e";
const ip = "/usr/sbin/ip";

/** `ip netns exec <ns>` as an argv prefix. */
export const inNetns = (ns: string, argv: readonly string[]) => [ip, "netns", "exec", ns, ...argv];

function netnsList(): string[] {
    const r = run([ip, "netns", "list"]);
    return r.stdout
        .split("\n")
        .map((l) => l.split(" ")[0])
        .filter(Boolean);
}

/** Kills by PID what still runs in a namespace of the suite's, then removes it and its /etc/netns files. */
function removeNamespace(ns: string): void {
    for (const pid of run([ip, "netns", "pids", ns]).stdout.split("\n").filter(Boolean)) {
        try {
            process.kill(Number(pid), "SIGKILL");
        } catch {
            // already gone
        }
    }
    run([ip, "netns", "delete", ns]);
    fs.rmSync(path.join("/etc/netns", ns), { recursive: true, force: true });
}

/**
 * Kills by PID whatever still runs in this suite's namespaces (left by a run that was killed
 * itself) and removes the namespaces.
 */
export function removeStaleNamespaces(): string[] {
    const stale = netnsList().filter((n) => n.startsWith(`${netnsPrefix}-`));
    for (const ns of stale) {
        removeNamespace(ns);
    }
    return stale;
}

export interface Attachment {
    /** The interface inside the namespace: the network's name. */
    readonly ifname: string;
    readonly addresses: readonly string[];
}

export class Fabric {
    readonly hub = `${netnsPrefix}-hub`;
    private readonly namespaces: string[] = [];
    private readonly networks = new Set<string>();
    private vethCount = 0;

    /** Clears what a killed earlier run left, then makes the hub. */
    constructor() {
        removeStaleNamespaces();
        this.addNamespace(this.hub);
    }

    /**
     * A new namespace with loopback up; the name gets the suite's prefix. Host programs run in it
     * (`ip netns exec` binds /etc/netns/<ns>/* over /etc) see only `hosts` and a resolver on
     * their own loopback, so that no name lookup ever leaves the namespace.
     */
    addNamespace(short: string, hosts: ReadonlyMap<string, string> = new Map()): string {
        const ns = short.startsWith(`${netnsPrefix}-`) ? short : `${netnsPrefix}-${short}`;
        must([ip, "netns", "add", ns]);
        this.namespaces.push(ns);
        must(inNetns(ns, [ip, "link", "set", "lo", "up"]));
        const etc = path.join("/etc/netns", ns);
        fs.mkdirSync(etc, { recursive: true });
        const lines = ["127.0.0.1\tlocalhost", ...[...hosts].map(([name, addr]) => `${addr}\t${name}`)];
        fs.writeFileSync(path.join(etc, "hosts"), lines.join("\n") + "\n");
        fs.writeFileSync(path.join(etc, "resolv.conf"), "nameserver 127.0.0.1\n");
        return ns;
    }

    /** An L2 segment: a bridge in the hub. */
    addNetwork(name: string): void {
        if (name.length > 15) throw new Error(`network name ${name} is longer than an interface name may be`);
        must(inNetns(this.hub, [ip, "link", "add", name, "type", "bridge"]));
        must(inNetns(this.hub, [ip, "link", "set", name, "up"]));
        this.networks.add(name);
    }

    /** Plugs a namespace into a network with the given addresses (CIDR notation). */
    attach(ns: string, network: string, addresses: readonly string[]): Attachment {
        if (!this.networks.has(network)) throw new Error(`no network ${network}`);
        const hubSide = `gv${this.vethCount++}`;
        const tmp = `${hubSide}p`;
        must([ip, "link", "add", hubSide, "netns", this.hub, "type", "veth", "peer", "name", tmp, "netns", ns]);
        must(inNetns(this.hub, [ip, "link", "set", hubSide, "master", network, "up"]));
        must(inNetns(ns, [ip, "link", "set", tmp, "name", network]));
        for (const a of addresses) must(inNetns(ns, [ip, "addr", "add", a, "dev", network]));
        must(inNetns(ns, [ip, "link", "set", network, "up"]));
        return { ifname: network, addresses };
    }

    /** Adds addresses to an interface a namespace already has (e.g. more node or service IPs). */
    addAddresses(ns: string, ifname: string, addresses: readonly string[]): void {
        for (const a of addresses) must(inNetns(ns, [ip, "addr", "add", a, "dev", ifname]));
    }

    route(ns: string, destination: string, via: string): void {
        must(inNetns(ns, [ip, "route", "add", destination, "via", via]));
    }

    sysctl(ns: string, key: string, value: string): void {
        must(inNetns(ns, ["/usr/sbin/sysctl", "-qw", `${key}=${value}`]));
    }

    /** Removes every namespace this fabric made, killing by PID what still runs inside. */
    teardown(): void {
        for (const ns of this.namespaces.reverse()) {
            removeNamespace(ns);
        }
        this.namespaces.length = 0;
    }
}

/** The HTTP status of a GET with curl from inside a namespace ("000" when nothing answered). */
export async function httpStatus(
    netns: string,
    url: string,
    curlArgs: readonly string[] = [],
    timeoutS = 5,
): Promise<string> {
    const argv = [
        "/usr/bin/curl",
        "-sk",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--max-time",
        String(timeoutS),
        ...curlArgs,
        url,
    ];
    return (await runAsync(inNetns(netns, argv), { timeoutMs: timeoutS * 1000 + 10_000 })).stdout;
}
