import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { refusalToClear, writeRender } from "../../scripts/render/output";
import { projectRoot } from "../harness";

describe("render: the output folder", () => {
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gks-out-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("may clear an absent, empty or earlier render's folder", () => {
        assert.strictEqual(refusalToClear(path.join(tmp, "new"), projectRoot), undefined);
        assert.strictEqual(refusalToClear(tmp, projectRoot), undefined);
        fs.writeFileSync(path.join(tmp, "resources.json"), "[]");
        assert.strictEqual(refusalToClear(tmp, projectRoot), undefined);
        assert.strictEqual(refusalToClear(path.join(projectRoot, "out", "dev"), projectRoot), undefined);
    });

    it("refuses the project, a folder above it, home, and a folder with other content", () => {
        for (const dir of [projectRoot, path.dirname(projectRoot), "/", os.homedir()]) {
            assert.match(refusalToClear(dir, projectRoot) ?? "", /refusing/, dir);
        }
        fs.writeFileSync(path.join(tmp, "notes.txt"), "mine");
        assert.match(refusalToClear(tmp, projectRoot) ?? "", /not empty and holds no earlier render/);
        fs.writeFileSync(path.join(tmp, "file"), "x");
        assert.match(refusalToClear(path.join(tmp, "file"), projectRoot) ?? "", /is a file/);
    });

    it("replaces what was there and writes files in sub-folders", () => {
        const out = path.join(tmp, "render");
        writeRender(out, [{ path: "stale.txt", content: "old" }]);
        writeRender(out, [
            { path: "resources.json", content: "[]\n" },
            { path: "seed/configmap-x.yaml", content: "a: 1\n" },
        ]);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), ["resources.json", "seed"]);
        assert.strictEqual(fs.readFileSync(path.join(out, "seed", "configmap-x.yaml"), "utf8"), "a: 1\n");
    });
});
