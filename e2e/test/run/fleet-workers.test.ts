// Issue 18 fleet rows: `imesim run --devices N` runs the fleet across worker threads, each with its own mock and a
// share of the devices; the reports must read exactly as a single-thread run's.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultWorkerCount, shareOut } from "../../src/run/fleet-workers.ts";
import { formatJsonReport, formatTextReport } from "../../src/run/reports.ts";
import { runScenario } from "../../src/run/run-scenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

// Two apps, one failing with 1603 (an error-code column in the summary), expectations on every device and on one.
const scenario = parseScenario(
  `
name: fleet workers
duration: 2h
apps:
  - name: Tool
    short: { install: tool.exe /S, detection: [{ file: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }
    package: { files: { tool.exe: "installer" } }
    assignments: [{ intent: required }]
  - name: Broken
    short: { install: broken.exe /S, detection: [{ file: "C:\\\\Program Files\\\\Broken\\\\broken.exe" }] }
    package: { files: { broken.exe: "installer" } }
    assignments: [{ intent: required }]
installers:
  - { match: tool.exe /S, attempts: [{ files: [{ path: "C:\\\\Program Files\\\\Tool\\\\tool.exe" }] }] }
  - { match: broken.exe /S, attempts: [{ exitCode: 1603 }] }
expect:
  - app: Tool
    enforcementState: Success
  - app: Broken
    device: 3
    enforcementState: Success
`,
  { file: "fleet-workers.yaml", baseDir: process.cwd() },
);

/** A report without what differs between any two runs: wall time, the service's device ids, the out folder. */
const stable = (text: string) =>
  text
    .replace(/simulated in [0-9.]+ s/g, "simulated in <wall> s")
    .replace(/"wallMs": [0-9.e+-]+/g, '"wallMs": 0')
    .replace(/"deviceId": "[^"]+"/g, '"deviceId": ""')
    .replace(/Logs, registry exports and reports: .*\n/g, "");

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("fleet shares", () => {
  it("splits devices into contiguous, even shares", () => {
    expect(shareOut(10, 3)).toEqual([
      [1, 4],
      [5, 3],
      [8, 3],
    ]);
    expect(shareOut(2, 4)).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("keeps small fleets in one thread and gives a large one every core", () => {
    expect(defaultWorkerCount(1, 8)).toBe(1);
    expect(defaultWorkerCount(3, 8)).toBe(1);
    expect(defaultWorkerCount(999, 8)).toBe(1);
    expect(defaultWorkerCount(10_000, 2)).toBe(2);
    expect(defaultWorkerCount(10_000, 8)).toBe(8);
  });
});

describe("a fleet on worker threads", () => {
  it("reports exactly what the same fleet reports in one thread", { timeout: 120_000 }, async () => {
    const single = await runScenario(scenario, { devices: 4, workers: 1 });
    const out = mkdtempSync(join(tmpdir(), "imesim-fleet-workers-"));
    scratch.push(out);
    const progress: number[] = [];
    const sharded = await runScenario(scenario, {
      devices: 4,
      workers: 2,
      outDir: out,
      onProgress: (ready) => progress.push(ready),
    });
    expect(sharded.errors).toEqual([]);
    expect(sharded.passed).toBe(false); // device 3's Broken fails, as in one thread
    expect(sharded.expectations.map((check) => [check.index, check.device, check.passed])).toEqual(
      single.expectations.map((check) => [check.index, check.device, check.passed]),
    );
    expect(stable(formatTextReport(sharded))).toEqual(stable(formatTextReport(single)));
    const json = (result: typeof single) => ({ ...JSON.parse(stable(formatJsonReport(result))), outDir: "" });
    expect(json(sharded)).toEqual(json(single));
    expect(formatTextReport(sharded)).toContain("0x80070643 ×4");
    expect(progress.at(-1)).toBe(4);
    // Every device's logs and .reg, and one data folder per worker's mock.
    expect(readdirSync(out).sort()).toEqual([
      "device-0001",
      "device-0002",
      "device-0003",
      "device-0004",
      "service",
      "service-2",
    ]);
    expect(existsSync(join(out, "device-0004", "Logs", "AppWorkload.log"))).toBe(true);
    // The device itself stayed in its worker: asking for it says so instead of answering wrong.
    expect(() => sharded.devices[0]!.outcome.host).toThrow(/--workers 1/);
  });

  it("runs a share in batches, numbering its devices from the share's first", {
    timeout: 120_000,
  }, async () => {
    const share = await runScenario(scenario, {
      devices: 3,
      shard: { firstDevice: 2, serviceDir: undefined, batchDevices: 2 },
    });
    expect(share.devices.map((device) => device.outcome.number)).toEqual([2, 3, 4]);
    expect(share.devices.map((device) => device.receivedApps?.length)).toEqual([2, 2, 2]);
    // Only device 3 has the `device: 3` expectation, listed after every device's first one.
    expect(share.expectations.map((check) => [check.index, check.device, check.passed])).toEqual([
      [0, 2, true],
      [0, 3, true],
      [0, 4, true],
      [1, 3, false],
    ]);
  });
});
