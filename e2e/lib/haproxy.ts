/**
 * HAProxy configurations: the Octavia load balancer as the amphora driver runs it (one frontend
 * per listener, one backend per pool, members checked as the monitor says, allowed CIDRs and the
 * floating IP in nftables as the amphora's VIP port does), and a kube-proxy stand-in for the
 * seed's Services (round robin to the ready endpoints, readiness checked with the pods' own
 * readiness probes).
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { inNetns } from "./netns";
import { must, Proc } from "./proc";
import { Listener, LoadBalancer, Monitor } from "./render";

const ms = (v: number | undefined, fallback: number) => `${v ?? fallback}ms`;

/** Octavia's lbMethod as HAProxy's balance algorithm. */
export function balanceOf(lbMethod: string): string {
    const methods: Record<string, string> = {
        ROUND_ROBIN: "roundrobin",
        LEAST_CONNECTIONS: "leastconn",
        SOURCE_IP: "source",
    };
    const b = methods[lbMethod];
    if (!b) throw new Error(`the suite cannot run lbMethod ${lbMethod} on HAProxy`);
    return b;
}

/** An Octavia expected-codes value ("200", "200,202", "200-204") as an HAProxy status regex. */
export function expectedCodesRegex(codes: string): string {
    const parts = codes.split(",").flatMap((p) => {
        const [a, b] = p.split("-").map(Number);
        if (b === undefined) return [String(a)];
        return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
    });
    return `^(${parts.join("|")})$`;
}

function monitorLines(m: Monitor | undefined): { backend: string[]; server: string } {
    if (!m) return { backend: [], server: "" };
    const server = ` check inter ${m.delay}s fall ${m.maxRetriesDown} rise ${m.maxRetries}`;
    switch (m.type) {
        case "TCP":
            return { backend: [`    timeout check ${m.timeout}s`], server };
        case "HTTP":
        case "HTTPS":
            return {
                backend: [
                    `    timeout check ${m.timeout}s`,
                    `    option httpchk ${m.httpMethod ?? "GET"} ${m.urlPath ?? "/"}`,
                    `    http-check expect rstatus ${expectedCodesRegex(m.expectedCodes ?? "200")}`,
                ],
                server: server + (m.type === "HTTPS" ? " check-ssl verify none" : ""),
            };
        default:
            throw new Error(`the suite cannot run monitor type ${m.type} on HAProxy`);
    }
}

const globalLines = (socket: string) => [
    "global",
    "    maxconn 4000",
    `    stats socket ${socket} mode 600 level admin`,
    "",
    "defaults",
    "    mode tcp",
    "",
];

function listenerLines(lb: LoadBalancer, l: Listener): string[] {
    if (l.protocol !== "TCP") throw new Error(`the suite runs TCP listeners only, not ${l.protocol} (${l.name})`);
    if (l.pool.persistence) throw new Error(`pool ${l.pool.name}: session persistence is not modelled`);
    const mon = monitorLines(l.pool.monitor);
    return [
        `frontend ${l.name}`,
        `    bind ${lb.vipAddress}:${l.port}`,
        `    timeout client ${ms(l.timeoutClientDataMs, 50000)}`,
        `    default_backend ${l.pool.name}`,
        "",
        `backend ${l.pool.name}`,
        `    balance ${balanceOf(l.pool.lbMethod)}`,
        `    timeout connect ${ms(l.timeoutMemberConnectMs, 5000)}`,
        `    timeout server ${ms(l.timeoutMemberDataMs, 50000)}`,
        ...mon.backend,
        ...l.pool.members.map((m, i) => `    server member-${i} ${m.address}:${m.port}${mon.server}`),
        "",
    ];
}

export function octaviaHaproxyConfig(lb: LoadBalancer, socket: string): string {
    return [...globalLines(socket), ...lb.listeners.flatMap((l) => listenerLines(lb, l))].join("\n");
}

/**
 * The amphora's VIP port: the floating IP is NATed to the VIP, and a listener's allowed CIDRs are
 * the only sources its port admits (packets from anyone else are dropped).
 */
export function octaviaNftables(lb: LoadBalancer): string {
    const filters = lb.listeners
        .filter((l) => l.allowedCidrs && !l.allowedCidrs.includes("0.0.0.0/0"))
        .map((l) => `        tcp dport ${l.port} ip saddr != { ${l.allowedCidrs!.join(", ")} } drop`);
    return [
        "table ip gks_e2e_octavia {",
        "    chain prerouting {",
        "        type nat hook prerouting priority dstnat;",
        `        ip daddr ${lb.floatingIp} dnat to ${lb.vipAddress}`,
        "    }",
        "    chain input {",
        "        type filter hook input priority filter;",
        ...filters,
        "    }",
        "}",
        "",
    ].join("\n");
}

export interface ServiceRoute {
    readonly name: string;
    /** The Service publishes not-ready addresses: every running pod is an endpoint, unchecked. */
    readonly publishNotReady?: boolean;
    /** Where the Service is reached: ClusterIP:port and/or every node's IP:nodePort. */
    readonly binds: readonly string[];
    readonly endpoints: readonly {
        readonly name: string;
        readonly address: string;
        readonly port: number;
        /** The pod's readiness probe, as HAProxy checks it. */
        readonly check?: {
            port: number;
            path?: string;
            https: boolean;
            periodSeconds: number;
            failureThreshold: number;
        };
    }[];
}

export function kubeProxyHaproxyConfig(routes: readonly ServiceRoute[], socket: string): string {
    const lines = [...globalLines(socket)];
    for (const r of routes) {
        const http = r.endpoints.some((e) => e.check?.path !== undefined);
        lines.push(
            `listen ${r.name}`,
            ...r.binds.map((b) => `    bind ${b}`),
            "    balance roundrobin",
            // kube-proxy neither retries nor redispatches: a dead endpoint is a failed connection.
            "    retries 0",
            "    timeout connect 5s",
            "    timeout client 24h",
            "    timeout server 24h",
            ...(http ? [`    option httpchk GET ${r.endpoints.find((e) => e.check?.path)!.check!.path}`] : []),
            ...r.endpoints.map((e) => {
                const c = e.check;
                const check = c
                    ? ` check port ${c.port} inter ${c.periodSeconds}s fall ${c.failureThreshold} rise 1${c.https ? " check-ssl verify none" : ""}`
                    : "";
                return `    server ${e.name} ${e.address}:${e.port}${check}`;
            }),
            "",
        );
    }
    return lines.join("\n");
}

export class Haproxy {
    readonly socket: string;
    readonly config: string;
    private proc?: Proc;

    constructor(
        readonly name: string,
        readonly netns: string,
        dir: string,
        render: (socket: string) => string,
    ) {
        fs.mkdirSync(dir, { recursive: true });
        this.socket = path.join(dir, `${name}.sock`);
        this.config = path.join(dir, `${name}.cfg`);
        fs.writeFileSync(this.config, render(this.socket));
        must(["/usr/sbin/haproxy", "-c", "-q", "-f", this.config]);
    }

    start(): void {
        this.proc = new Proc(this.name, inNetns(this.netns, ["/usr/sbin/haproxy", "-db", "-f", this.config]), {
            log: this.config.replace(/\.cfg$/, ".log"),
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
        });
    }

    async stop(): Promise<void> {
        await this.proc?.stop();
    }

    get process(): Proc | undefined {
        return this.proc;
    }

    /** A runtime API command on the stats socket (a unix socket: no network involved). */
    command(cmd: string, timeoutMs = 5000): Promise<string> {
        return new Promise((resolve, reject) => {
            const c = net.createConnection(this.socket);
            let out = "";
            const timer = setTimeout(() => {
                c.destroy();
                reject(new Error(`${this.name}: no answer to "${cmd}"`));
            }, timeoutMs);
            c.on("connect", () => c.end(`${cmd}\n`));
            c.on("data", (d) => (out += d.toString()));
            c.on("error", (e) => {
                clearTimeout(timer);
                reject(e);
            });
            c.on("close", () => {
                clearTimeout(timer);
                resolve(out);
            });
        });
    }

    /** `show stat` as rows keyed by column name. */
    async stats(): Promise<Record<string, string>[]> {
        const text = await this.command("show stat");
        const [header, ...rows] = text.trim().split("\n");
        const cols = header.replace(/^# /, "").split(",");
        return rows.filter(Boolean).map((r) => Object.fromEntries(r.split(",").map((v, i) => [cols[i], v])));
    }
}
