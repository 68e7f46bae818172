// Where a run's service keeps its database: in memory when the run keeps nothing (its temp folder is removed at
// the end), in `<out>/service/imesim.sqlite` when there is a folder the user reads afterwards.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startScenarioService } from "../../src/run/service-setup.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const kept = mkdtempSync(join(tmpdir(), "imesim-service-db-"));
afterAll(() => rmSync(kept, { recursive: true, force: true }));

const SCENARIO = `name: one app
duration: 1h
apps:
  - name: Tool
    short: { install: tool.exe /S, detection: [{ file: "C:\\\\Tool\\\\tool.exe" }] }
    package: { files: { tool.exe: "tool setup" } }
    assignments: [{ intent: required }]
`;
const scenario = parseScenario(SCENARIO, { file: "one.yaml", baseDir: process.cwd() });

describe("a run's service database", () => {
  it("is in memory without a data folder, holding the published app", async () => {
    const service = await startScenarioService(scenario);
    try {
      expect(service.server.intune.store.db.memory).toBe(true);
      expect(existsSync(join(service.dataDir, "imesim.sqlite"))).toBe(false);
      expect(service.server.intune.store.getApp(service.appIds.get("Tool") as string)).toBeDefined();
    } finally {
      await service.server.close();
      rmSync(service.dataDir, { recursive: true, force: true });
    }
  });

  it("is a file in the data folder it is given", async () => {
    const service = await startScenarioService(scenario, kept);
    try {
      expect(service.server.intune.store.db.memory).toBe(false);
      expect(existsSync(join(kept, "imesim.sqlite"))).toBe(true);
    } finally {
      await service.server.close();
    }
  });
});
