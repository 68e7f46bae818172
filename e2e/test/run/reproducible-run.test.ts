// Issue 13 "Reproducible runs": a scenario's app ids are the ids in the mock and on the device, ids the
// scenario does not give derive from its names, and `--out` starts every device folder fresh.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const GIVEN_ID = "3f1c6f0e-54a4-4a53-9f44-6a5b0c1d2e3f";

const scenarioText = (name: string, id: string | undefined) => `
name: ${name}
duration: 2h
apps:
  - name: Tool
${id === undefined ? "" : `    id: ${id}\n`}    short: { install: tool.exe /S, detection: [{ file: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }
    package: { files: { tool.exe: "installer" } }
    assignments: [{ intent: required }]
installers:
  - { match: tool.exe /S, attempts: [{ files: [{ path: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }] }
expect:
  - app: Tool
    enforcementState: Success
  - service: Tool
    installState: installed
`;

const load = (name: string, id?: string) =>
  parseScenario(scenarioText(name, id), { file: "reproducible.yaml", baseDir: process.cwd() });

/** The app ids that name a Win32Apps key under the device user, as the device holds them. */
function win32AppIds(result: Awaited<ReturnType<typeof runScenario>>): string[] {
  const events = result.devices[0]?.outcome.events ?? [];
  return [...new Set(events.flatMap((event) => (event.appId === undefined ? [] : [event.appId])))];
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("reproducible runs", () => {
  it("uses the scenario's app id in the mock and on the device", async () => {
    const result = await runScenario(load("given id", GIVEN_ID));
    expect(result.passed).toBe(true);
    expect(win32AppIds(result)).toEqual([GIVEN_ID]);
    expect(
      result.devices[0]!.outcome.host.registry.keyExists(
        `HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\00000000-0000-0000-0000-000000000000\\${GIVEN_ID}_1`,
      ),
    ).toBe(true);
  });

  it("derives the same ids from the scenario and app names in two runs, and other ids in another scenario", async () => {
    const first = win32AppIds(await runScenario(load("derived")));
    const second = win32AppIds(await runScenario(load("derived")));
    const other = win32AppIds(await runScenario(load("another scenario")));
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it("starts each device folder of --out fresh instead of appending to the last run's logs", async () => {
    const out = mkdtempSync(join(tmpdir(), "imesim-reproducible-"));
    scratch.push(out);
    const stale = join(out, "device-0002", "Logs");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "AppWorkload.log"), "from an earlier two-device run");
    // The content's version and file ids are the service's own, so the two runs' texts differ there; the
    // number of records shows whether the second run appended to the first.
    const log = () =>
      readFileSync(join(out, "device-0001", "Logs", "AppWorkload.log"), "utf8").split("<![LOG[").length;
    await runScenario(load("fresh out"), { outDir: out });
    const once = log();
    await runScenario(load("fresh out"), { outDir: out });
    expect(log()).toBe(once);
    expect(existsSync(join(out, "device-0002"))).toBe(false);
  });
});
