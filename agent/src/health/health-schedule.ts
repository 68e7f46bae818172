// When the task "Intune Management Extension Health Evaluation" runs: daily, with a random delay of up to an
// hour (ime.md §8 [C: S22]: "runs on a daily basis with a randomized delay of an hour"). The trigger's time of
// day is the IME's install time [our choice: the task is created by the install, its start boundary unknown],
// so the first run is a day after the install. Task Scheduler draws the delay afresh for each run; we draw it
// from a seed and the day's number, so a device's runs are the same every time it is simulated. Pure.
import { createHash } from "node:crypto";

const DAY_MS = 24 * 3_600_000;
/** The trigger's RandomDelay (PT1H). */
export const HEALTH_RANDOM_DELAY_MS = 3_600_000;

/** The delay drawn for the `day`-th trigger (1 = the day after the install): uniform in [0, 1 h), whole seconds. */
export function randomDelayMs(seed: string, day: number): number {
  const digest = createHash("sha256").update(`${seed}\u0000${day}`).digest();
  const fraction = digest.readUInt32BE(0) / 2 ** 32;
  return Math.floor((fraction * HEALTH_RANDOM_DELAY_MS) / 1000) * 1000;
}

export interface HealthRun {
  /** 1-based number of the trigger since the install. */
  readonly day: number;
  readonly triggerAt: number;
  readonly delayMs: number;
  readonly runAt: number;
}

/** The first run strictly after `after` for a task installed at `installedAt`. */
export function nextHealthRun(installedAt: number, after: number, seed: string): HealthRun {
  let day = Math.max(1, Math.floor((after - installedAt) / DAY_MS));
  for (;;) {
    const triggerAt = installedAt + day * DAY_MS;
    const delayMs = randomDelayMs(seed, day);
    if (triggerAt + delayMs > after) return { day, triggerAt, delayMs, runAt: triggerAt + delayMs };
    day += 1;
  }
}
