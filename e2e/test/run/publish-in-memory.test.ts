// Publishing a scenario's inline packages (issue 18): each is packed in memory and uploaded from there, so the
// setup writes no package folder, .intunewin or scratch file; the service commits each after its usual verification.
import { mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startScenarioService } from "../../src/run/service-setup.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const dataDir = mkdtempSync(join(tmpdir(), "imesim-publish-data-"));
const scratch = mkdtempSync(join(tmpdir(), "imesim-publish-tmp-"));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const SCENARIO = `name: inline packages
duration: 1h
apps:
  - name: Tool
    short: { install: tool.exe /S, detection: [{ file: "C:\\\\Tool\\\\tool.exe" }] }
    package: { files: { tool.exe: "tool setup", "conf\\\\tool.ini": "[tool]" } }
    assignments: [{ intent: required }]
  - name: Bare
    short: { install: bare.cmd, detection: [{ file: "C:\\\\Bare\\\\bare.txt" }] }
    assignments: [{ intent: required }]
`;

describe("publishing inline packages", () => {
  it("writes nothing to the temp folder and commits each package after verifying it", async () => {
    const scenario = parseScenario(SCENARIO, { file: "inline.yaml", baseDir: process.cwd() });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    // Anything made in the temp folder, even if removed before the setup returns.
    const made: string[] = [];
    const watcher = watch(scratch, (_event, name) => made.push(String(name)));
    let service: Awaited<ReturnType<typeof startScenarioService>> | undefined;
    try {
      service = await startScenarioService(scenario, dataDir);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(made).toEqual([]);
    } finally {
      watcher.close();
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    try {
      const { store } = service.server.intune;
      for (const app of scenario.apps) {
        const files = store.listFiles(service.appIds.get(app.name) as string);
        expect(files.map((file) => [file.uploadState, file.isCommitted])).toEqual([
          ["commitFileSuccess", true],
        ]);
      }
    } finally {
      await service.server.close();
    }
  });
});
