import { describe, expect, it } from "vitest";
import { reportedOutput } from "../../../src/machines/scripts/remediation-run.ts";
import { nextRunAt, SCHEDULE_SLACK_MS } from "../../../src/machines/scripts/remediation-schedule.ts";

const at = (iso: string) => Date.parse(iso);
const NOW = at("2026-01-05T08:00:00Z");

describe("nextRunAt (ime.md §11b schedules)", () => {
  it("hourly: at once the first time, then the interval after the previous run", () => {
    const hourly = { Type: "Hourly", Interval: 2, Time: null, Date: null, UseUtc: false } as const;
    expect(nextRunAt(hourly, undefined, NOW, 0)).toBe(NOW);
    expect(nextRunAt(hourly, NOW, NOW, 0)).toBe(NOW + 2 * 3_600_000);
  });

  it("daily: today's time in the device's zone unless UTC; late fetches run at once; every N days", () => {
    const daily = { Type: "Daily", Interval: 1, Time: "09:30:00", Date: null, UseUtc: false } as const;
    // UTC+1: 09:30 local is 08:30 UTC.
    expect(nextRunAt(daily, undefined, NOW, 60)).toBe(at("2026-01-05T08:30:00Z") + SCHEDULE_SLACK_MS);
    expect(nextRunAt({ ...daily, UseUtc: true }, undefined, NOW, 60)).toBe(
      at("2026-01-05T09:30:00Z") + SCHEDULE_SLACK_MS,
    );
    expect(nextRunAt({ ...daily, Time: "07:00:00" }, undefined, NOW, 0)).toBe(NOW);
    const ranAt = at("2026-01-05T09:30:08Z");
    expect(nextRunAt({ ...daily, Interval: 3, UseUtc: true }, ranAt, ranAt, 0)).toBe(
      at("2026-01-08T09:30:00Z") + SCHEDULE_SLACK_MS,
    );
  });

  it("once: at its date and time, never again after it ran", () => {
    const once = { Type: "Once", Interval: 1, Time: "12:00:00", Date: "2026-01-06", UseUtc: true } as const;
    expect(nextRunAt(once, undefined, NOW, 0)).toBe(at("2026-01-06T12:00:00Z") + SCHEDULE_SLACK_MS);
    expect(nextRunAt(once, at("2026-01-06T12:00:08Z"), NOW, 0)).toBeNull();
  });
});

describe("reportedOutput", () => {
  it("keeps the last console line, at most its last 2,048 characters (ime.md §11b)", () => {
    expect(reportedOutput("out-1\r\nout-2\r\nout-8\r\n")).toBe("out-8");
    expect(reportedOutput(`first\n${"x".repeat(3000)}y\n`)).toBe(`${"x".repeat(2047)}y`);
    expect(reportedOutput("")).toBe("");
  });
});

describe("the script workload chart", () => {
  it("is drawn with the other charts: start-up delay, fetch, 8-hour wait", async () => {
    const { chartDiagrams } = await import("../../../src/machines/index.ts");
    const text = chartDiagrams().scriptWorkload;
    expect(text).toContain("scriptWorkload_delayingStartup --> scriptWorkload_fetching : after startupDelay");
    expect(text).toContain("scriptWorkload_waiting --> scriptWorkload_fetching : after policyInterval");
  });
});

describe("roundUpToPoll (ime.md §11b: hourly cycles 60–66 minutes apart)", () => {
  it("moves a due time to the runner's next 6-minute poll after the queued run", async () => {
    const { roundUpToPoll, RUNNER_POLL_MS } = await import(
      "../../../src/machines/scripts/remediation-schedule.ts"
    );
    expect(RUNNER_POLL_MS).toBe(6 * 60_000);
    expect(roundUpToPoll(NOW, NOW)).toBe(NOW);
    expect(roundUpToPoll(NOW + 60 * 60_000, NOW)).toBe(NOW + 60 * 60_000);
    expect(roundUpToPoll(NOW + 60 * 60_000 + 15_000, NOW)).toBe(NOW + 66 * 60_000);
    expect(roundUpToPoll(NOW - 1, NOW)).toBe(NOW);
  });
});
