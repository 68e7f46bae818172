// The Node.js version gate of every entry point (e2e/bin/node-version.cjs): npm install's preinstall, npm test's
// pretest, and the imesim bin behind npm start and npx imesim. An old Node is simulated by a preload that
// overrides process.version, so the test runs on any supported Node and still goes through the real files.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempFolder } from "../../../contracts/test/intunewin/helpers.ts";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "e2e/bin");
const gate = createRequire(import.meta.url)(join(BIN, "node-version.cjs")) as {
  satisfies(version: string, range: string): boolean;
  message(version: string, range: string): string;
  supportedRange(): string;
};
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

const temp = tempFolder("imesim-node-version-");
afterAll(() => temp.cleanup());

/** Runs a file with process.version made to read `version`. */
function runAs(version: string, file: string, args: string[] = []) {
  const preload = join(temp.path, `as-${version}.cjs`);
  writeFileSync(
    preload,
    `Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} });\n`,
  );
  return spawnSync(process.execPath, ["--require", preload, file, ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("Node.js version gate", () => {
  it("supports the type-stripping LTS lines the root package.json names: 22.19+ and 24.5+", () => {
    const range = gate.supportedRange();
    expect(range).toBe(manifest.engines.node);
    const verdicts = [
      "v20.20.2",
      "v22.17.1",
      "v22.18.0",
      "v22.19.0",
      "v22.23.5",
      "v23.11.0",
      "v24.4.1",
      "v24.5.0",
      "v26.1.0",
    ].map((version) => [version, gate.satisfies(version, range)]);
    expect(Object.fromEntries(verdicts)).toEqual({
      "v20.20.2": false,
      "v22.17.1": false,
      "v22.18.0": false,
      "v22.19.0": true,
      "v22.23.5": true,
      "v23.11.0": false,
      "v24.4.1": false,
      "v24.5.0": true,
      "v26.1.0": true,
    });
    // .nvmrc names a release line; `nvm install` takes its newest release, which the range must admit.
    const line = readFileSync(join(ROOT, ".nvmrc"), "utf8").trim();
    expect(line).toMatch(/^\d+$/);
    expect(gate.satisfies(`v${line}.99.0`, range)).toBe(true);
  });

  it("npm install, npm test and npm start all pass through the gate first", () => {
    expect(manifest.scripts.preinstall).toBe("node e2e/bin/node-version.cjs");
    expect(manifest.scripts.pretest).toBe("node e2e/bin/node-version.cjs");
    expect(manifest.scripts.start).toMatch(/^node e2e\/bin\/imesim\.js /);
  });

  it.each([
    ["the imesim bin (npm start, npx imesim)", join(BIN, "imesim.js"), ["run", "e2e/scenarios/demo.yaml"]],
    ["the preinstall/pretest check", join(BIN, "node-version.cjs"), []],
  ])(
    "%s on Node 20 stops at once with one line: found, supported, how to get one, containers",
    (_name, file, args) => {
      const run = runAs("v20.20.2", file, args);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        "imesim needs Node.js 22.19 or a later 22.x, or 24.5 or later; this is Node.js 20.20.2. " +
          "Install a supported one from https://nodejs.org (or run `nvm install`, which reads .nvmrc); " +
          "the containers (docker compose) need no Node.js on this machine.\n",
      );
    },
  );

  it("a supported Node passes the gate silently", () => {
    const check = runAs("v22.19.0", join(BIN, "node-version.cjs"));
    expect([check.status, check.stdout, check.stderr]).toEqual([0, "", ""]);
    const bin = runAs("v22.19.0", join(BIN, "imesim.js"), ["--version"]);
    expect([bin.status, bin.stdout.trim()]).toEqual([0, "0.1.0"]);
  });
});
