#!/usr/bin/env node
// A stand-in for the Pulumi CLI, for the driver's tests: the commands the Automation API runs
// for stack select/init/ls, config, preview, up, stack output and stack history, with stacks kept
// as JSON files under $FAKE_PULUMI_STATE. preview and up take $FAKE_PULUMI_DELAY_MS and log when
// they start and end, so that a test can see how many ran at once. A stack whose clusterName
// contains "broken" fails its preview and up.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require("fs");
const path = require("path");

const args = process.argv.slice(2);
const state = process.env.FAKE_PULUMI_STATE;
const stacksDir = path.join(state, "stacks");
fs.mkdirSync(stacksDir, { recursive: true });
const flag = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
};
const file = (name) => path.join(stacksDir, `${name}.json`);
const load = (name) => JSON.parse(fs.readFileSync(file(name), "utf8"));
const save = (name, stack) => fs.writeFileSync(file(name), JSON.stringify(stack));
const fail = (message, code = 255) => {
    process.stderr.write(`error: ${message}\n`);
    process.exit(code);
};
const log = (line) => fs.appendFileSync(path.join(state, "log"), `${line}\n`);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const [command, sub] = args;
const stackName = flag("--stack");
if (command === "version") {
    process.stdout.write("v3.205.0\n");
} else if (command === "stack" && sub === "init") {
    if (fs.existsSync(file(args[2]))) fail(`stack '${args[2]}' already exists`);
    save(args[2], { config: {}, outputs: {}, updates: [] });
} else if (command === "stack" && sub === "select") {
    if (!fs.existsSync(file(stackName))) fail(`no stack named '${stackName}' found`);
} else if (command === "stack" && sub === "ls") {
    const names = fs.readdirSync(stacksDir).map((f) => f.replace(/\.json$/, ""));
    process.stdout.write(JSON.stringify(names.map((name) => ({ name, current: false }))));
} else if (command === "config" && sub === "set-all") {
    const stack = load(stackName);
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--plaintext" || args[i] === "--secret") {
            const [key, ...rest] = args[i + 1].split("=");
            stack.config[key.includes(":") ? key : `gks-cluster:${key}`] = {
                value: rest.join("="),
                secret: args[i] === "--secret",
            };
        }
    }
    stack.pathKeys = args.includes("--path");
    save(stackName, stack);
} else if (command === "config") {
    process.stdout.write(JSON.stringify(load(stackName).config));
} else if (command === "preview" || command === "up") {
    const stack = load(stackName);
    log(`start ${command} ${stackName} ${Date.now()}`);
    sleep(Number(process.env.FAKE_PULUMI_DELAY_MS ?? 0));
    log(`end ${command} ${stackName} ${Date.now()}`);
    if ((stack.config["gks-cluster:clusterName"]?.value ?? "").includes("broken")) fail("the program failed", 1);
    const changes = { create: stack.updates.length === 0 ? 97 : 0, same: stack.updates.length === 0 ? 0 : 97 };
    const eventLog = flag("--event-log");
    if (eventLog) {
        const summaryEvent = { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, policyPacks: {} };
        fs.appendFileSync(eventLog, `${JSON.stringify({ sequence: 0, timestamp: 0, summaryEvent })}\n`);
    }
    if (command === "up") {
        stack.updates.push({
            version: stack.updates.length + 1,
            kind: "update",
            result: "succeeded",
            resourceChanges: changes,
        });
        stack.outputs = {
            apiUrl: `https://203.0.113.${stack.updates.length + 9}:6443`,
            apiserverNodePort: stack.config["gks-cluster:apiserverNodePort"]?.value,
            kubeconfig: "apiVersion: v1",
        };
        save(stackName, stack);
    }
    process.stdout.write(`${command} of ${stackName} done\n`);
} else if (command === "stack" && sub === "output") {
    const { outputs } = load(stackName);
    const masked = args.includes("--show-secrets") ? outputs : { ...outputs, kubeconfig: "[secret]" };
    process.stdout.write(JSON.stringify(masked));
} else if (command === "stack" && sub === "history") {
    const now = new Date().toISOString();
    const updates = load(stackName).updates.map((u) => ({ ...u, startTime: now, endTime: now }));
    process.stdout.write(JSON.stringify(updates.reverse().slice(0, 1)));
} else {
    fail(`fake pulumi: unsupported command ${args.join(" ")}`);
}
