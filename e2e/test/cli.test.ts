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
