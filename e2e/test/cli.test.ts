import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/imesim.js", import.meta.url));
const run = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe("imesim CLI", () => {
  it("prints its version from package.json", () => {
    expect(run("--version").trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("documents itself with --help", () => {
    const help = run("--help");
    expect(help).toContain("Usage: imesim");
    expect(help).toContain("Intune Management Extension");
  });
});

describe("imesim --help", () => {
  it("documents the scenario and packaging commands with their exit codes", () => {
    const help = run("--help");
    for (const command of [
      "run [options] <scenario>",
      "test [options] <package>",
      "explain [options] <scenario>",
      "agent [options]",
    ]) {
      expect(help).toContain(command);
    }
    const testHelp = run("test", "--help").replace(/\s+/g, " ");
    expect(testHelp).toContain(
      "Exit code 0 for PASS and for INCONCLUSIVE (1 with --strict), 1 when it would fail in Intune, 2 when the input is invalid.",
    );
    expect(run("run", "--help")).toContain("--devices <n>");
  });
});
