import * as ipaddr from "ipaddr.js";
import { parseCidr } from "../../config/cidr";

/**
 * OpenVPN configuration files as data: a file is a list of directives, each a name and its
 * arguments, exactly what the command line takes as `--name arg...`. OpenVPN reads one directive
 * per line; an argument with a space is double-quoted (`push "route 10.0.0.0 255.255.255.0"`);
 * `#` and `;` start comments (openvpn(8), "--config file").
 */
export type Directive = readonly [name: string, ...args: string[]];

const plainArgument = /^[A-Za-z0-9_@%+=:,./\-[\]]+$/;

function quote(argument: string): string {
    if (plainArgument.test(argument)) return argument;
    if (/["\\\n]/.test(argument)) {
        throw new Error(
            `OpenVPN config: the argument ${JSON.stringify(argument)} cannot be written (quote, backslash or newline)`,
        );
    }
    return `"${argument}"`;
}

/** The text of a configuration file, one directive per line, preceded by comment lines. */
export function renderDirectives(directives: readonly Directive[], comments: readonly string[] = []): string {
    for (const [name] of directives) {
        if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`OpenVPN config: "${name}" is not a directive name`);
    }
    const lines = [...comments.map((c) => `# ${c}`), ...directives.map((d) => d.map(quote).join(" "))];
    return `${lines.join("\n")}\n`;
}

/** The directives of a configuration file, with quotes resolved and comments dropped. */
export function parseDirectives(text: string): Directive[] {
    const directives: Directive[] = [];
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
        directives.push(words as unknown as Directive);
    }
    return directives;
}

/** The arguments of every occurrence of a directive. */
export function argumentsOf(directives: readonly Directive[], name: string): string[][] {
    return directives.filter(([n]) => n === name).map(([, ...args]) => args);
}

/** An IPv4 CIDR as OpenVPN writes networks: address and dotted netmask ("10.0.0.0 255.255.255.0"). */
export function networkAndMask(cidr: string): [string, string] {
    const parsed = parseCidr(cidr);
    if (!parsed || parsed.address.kind() !== "ipv4") {
        throw new Error(`OpenVPN config: "${cidr}" is not an IPv4 CIDR`);
    }
    return [parsed.address.toString(), ipaddr.IPv4.subnetMaskFromPrefixLength(parsed.bits).toString()];
}
