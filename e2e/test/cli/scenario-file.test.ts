import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { loadScenarioOrExit } from "../../src/cli/commands/scenario-file.ts";

const dir = mkdtempSync(join(tmpdir(), "imesim-scenario-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("loadScenarioOrExit (run, explain and agent --scenario)", () => {
  it("returns the loaded scenario of a valid file and leaves the exit code alone", async () => {
    const file = fileURLToPath(new URL("../../scenarios/unmapped-exit-code.yaml", import.meta.url));
    expect((await loadScenarioOrExit(file))?.apps.map((app) => app.name)).toEqual(["Broken MSI"]);
    expect(process.exitCode).toBeUndefined();
  });

  it("prints an invalid file's message with line and column, sets exit code 2, returns undefined", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nduration: soon\napps: []\n");
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await loadScenarioOrExit(bad)).toBeUndefined();
    expect(process.exitCode).toBe(2);
    expect(stderr).toHaveBeenCalledWith(
      expect.stringContaining("bad.yaml:2:11: duration: must be a duration"),
    );
  });
});
