// Rotation by size for every log the agent writes (ime.md §1.1): the old file becomes
// `<BaseName>-YYYYMMDD-HHMMSS.log` (device local time), no line is lost or split, and no file passes the limit.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createEventStream, type ImeEventBody } from "../../src/events/index.ts";
import {
  createLogWriter,
  DEFAULT_MAX_LOG_BYTES,
  type ImeLogFile,
  parseCmtrace,
  rotatedLogName,
} from "../../src/log/index.ts";

const START = Date.UTC(2026, 7, 20, 14, 13, 36, 842);
const LIMIT = 2_000;

/** One event per log, each writing to that log (and only AppWorkload/AgentExecutor for the toast). */
const WRITERS: Record<ImeLogFile, (i: number) => ImeEventBody> = {
  IntuneManagementExtension: () => ({ phase: "checkin.started", details: { reason: "MaintenanceTimer" } }),
  AppWorkload: (i) => ({ phase: "poller.sessions", details: { count: i } }),
  AgentExecutor: (i) => ({
    phase: "toast.shown",
    details: { toast: "ToastDependencyAppInstall", appName: `App ${i}` },
  }),
  HealthScripts: () => ({ phase: "scripts.requesting", details: { workload: "health" } }),
  Win32AppInventory: (i) => ({ phase: "inventory.sent", details: { syncType: "Delta", count: i } }),
  ClientHealth: (i) => ({
    phase: "health.started",
    details: { taskName: `Task ${i}`, checks: 6, configPath: "C:\\HealthCheck.xml" },
  }),
  Sensor: (i) => ({ phase: "inventory.eventReceived", details: { event: `Event${i}`, syncAt: null } }),
};

describe("log rotation for every IME log (ime.md §1.1)", () => {
  it("keeps about 2 MB per file by default, the LogMaxSize default the reference gives", () => {
    expect(DEFAULT_MAX_LOG_BYTES).toBe(2 * 1024 * 1024);
  });

  for (const file of Object.keys(WRITERS) as ImeLogFile[]) {
    it(`rotates ${file}.log at the limit with the real file names and every line kept`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "imesim-rotate-"));
      try {
        const clock = createVirtualClock(START);
        const stream = createEventStream({ deviceId: "dev", clock });
        // Two hours east of UTC: the names carry the device's local time, as its lines do.
        const writer = createLogWriter(stream, {
          dir,
          maxBytes: LIMIT,
          maxHistory: 100,
          utcOffsetMinutes: 120,
        });
        // The same lines without a limit, to check that rotation loses and splits nothing.
        const whole = createLogWriter(stream, { maxBytes: Number.POSITIVE_INFINITY, utcOffsetMinutes: 120 });
        for (let i = 0; i < 60; i++) {
          stream.emit(WRITERS[file](i));
          await clock.advanceBy(61_000);
        }
        writer.close();
        whole.close();
        const rotated = writer.rotated(file);
        expect(rotated.length).toBeGreaterThan(1);
        expect(
          readdirSync(dir)
            .filter((n) => n.startsWith(`${file}-`))
            .sort(),
        ).toEqual([...rotated].sort());
        const all = [...rotated, `${file}.log`];
        const records = all.map((name) => parseCmtrace(readFileSync(join(dir, name), "utf8")));
        for (const name of all) {
          expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(LIMIT);
          expect([...readFileSync(join(dir, name)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        }
        // Each old file is named for the local time it was rotated: that of the next file's first line.
        rotated.forEach((name, index) => {
          const first = records[index + 1]![0]!;
          const [month, day, year] = first.date.split("-").map(Number) as [number, number, number];
          const [h, m, sec] = first.time.split(".")[0]!.split(":").map(Number) as [number, number, number];
          expect(name).toBe(rotatedLogName(file, Date.UTC(year, month - 1, day, h, m, sec)));
        });
        expect(records.flat().map((r) => r.message)).toEqual(
          parseCmtrace(whole.read(file)).map((r) => r.message),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
