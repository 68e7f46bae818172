// When a remediation runs next (ime.md §11b; S12 "Remediation schedules"): run-once at its date and time,
// once; hourly every `Interval` hours measured from the previous run; daily at its time every `Interval`
// days, a few seconds after the time. A first run whose time already passed runs at the queued run after the
// policy fetch (S12 saw a daily policy fetched after its time run at once). Pure: tested without a clock.
import type { HealthScriptSchedule } from "@imesim/contracts/gateway";

/** How long after its time a daily or run-once remediation starts (S12: 7–9 s). */
export const SCHEDULE_SLACK_MS = 8_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How often the remediation runner looks for due work [our choice]. S12 saw hourly cycles 60 to 66 minutes
 * apart, "the interval measured from the previous cycle and rounded up to the runner's poll" (ime.md §11b):
 * with a 6-minute poll an hourly remediation whose previous cycle took a few seconds runs 66 minutes later.
 */
export const RUNNER_POLL_MS = 6 * 60_000;

/** The first runner poll at or after `at`, polls falling every RUNNER_POLL_MS from `anchor` (the queued run). */
export function roundUpToPoll(at: number, anchor: number): number {
  if (at <= anchor) return anchor;
  return anchor + Math.ceil((at - anchor) / RUNNER_POLL_MS) * RUNNER_POLL_MS;
}

/** `HH:mm[:ss]` as milliseconds since midnight. */
function timeOfDayMs(time: string | null): number {
  const [h = 0, m = 0, s = 0] = (time ?? "00:00:00").split(":").map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
}

/**
 * The epoch ms the remediation is next due, or null when it never runs again. `lastRunAt` is the previous
 * run of this version; `utcOffsetMinutes` is the device's zone, used unless the schedule says UseUtc.
 */
export function nextRunAt(
  schedule: HealthScriptSchedule,
  lastRunAt: number | undefined,
  now: number,
  utcOffsetMinutes: number,
): number | null {
  const offsetMs = schedule.UseUtc ? 0 : utcOffsetMinutes * 60_000;
  if (schedule.Type === "Hourly")
    return lastRunAt === undefined ? now : lastRunAt + schedule.Interval * HOUR_MS;
  if (schedule.Type === "Once") {
    if (lastRunAt !== undefined) return null;
    const at =
      Date.parse(`${schedule.Date}T00:00:00Z`) + timeOfDayMs(schedule.Time) - offsetMs + SCHEDULE_SLACK_MS;
    return Math.max(at, now);
  }
  // Daily, in the schedule's zone: days are counted on the local calendar.
  const local = (epoch: number) => epoch + offsetMs;
  const dayStart = (epoch: number) => Math.floor(local(epoch) / DAY_MS) * DAY_MS;
  const at = timeOfDayMs(schedule.Time) + SCHEDULE_SLACK_MS;
  if (lastRunAt === undefined) {
    const today = dayStart(now) + at - offsetMs;
    return Math.max(today, now);
  }
  return dayStart(lastRunAt) + schedule.Interval * DAY_MS + at - offsetMs;
}
