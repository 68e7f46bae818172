// Paces a run's virtual clock for the live dashboard: instead of jumping from timer to timer as fast as it can
// (VirtualClock.runUntil), it waits between timers by the simulated gap divided by the speed, holds while
// paused, and steps one timer (one batch of events) at a time. The run starts paused so its viewer can open it.
import { setTimeout as sleep } from "node:timers/promises";
import type { VirtualClock } from "@imesim/agent";
import type { ClockSpeed, ClockState } from "@imesim/dashboard/api";
import type { ClockControl } from "./source.ts";

/** A pacer: the ClockControl the dashboard drives and the `driveClock` the run uses. */
export interface ClockPacer {
  readonly control: ClockControl;
  drive(clock: VirtualClock, endMs: number): Promise<void>;
  /** Called whenever the clock's state changes (the live stream sends it). */
  onChange(listener: (state: ClockState) => void): void;
}

/** A pacer starting at `startMs`, paused unless told otherwise. */
export function createClockPacer(
  startMs: number,
  initial: { paused?: boolean; speed?: ClockSpeed } = {},
): ClockPacer {
  let paused = initial.paused ?? true;
  let speed: ClockSpeed = initial.speed ?? "max";
  let now = startMs;
  let finished = false;
  let stepping = false;
  let revision = 0;
  let wake: () => void = () => {};
  const listeners: ((state: ClockState) => void)[] = [];
  const state = (): ClockState => ({ paused, speed, now, finished, revision });
  const changed = () => {
    revision += 1;
    wake();
    for (const listener of listeners) listener(state());
  };
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
  const control: ClockControl = {
    state,
    pause: () => {
      paused = true;
      changed();
    },
    resume: () => {
      // Play supersedes a step not yet taken: the step would otherwise pause the run again once taken.
      paused = false;
      stepping = false;
      changed();
    },
    step: () => {
      stepping = true;
      changed();
    },
    setSpeed: (next) => {
      speed = next;
      changed();
    },
  };
  return {
    control,
    onChange: (listener) => listeners.push(listener),
    async drive(clock, endMs) {
      for (;;) {
        await clock.settle();
        const next = clock.nextTimerAt();
        if (next === undefined || next > endMs) break;
        if (paused && !stepping) {
          await woken();
          continue;
        }
        if (!stepping && speed !== "max") {
          const waitMs = (next - clock.now()) / speed;
          // A pause or a speed change while waiting starts the wait over under the new setting.
          const interrupted = await Promise.race([sleep(waitMs).then(() => false), woken().then(() => true)]);
          if (interrupted) continue;
        }
        await clock.runUntil(next);
        now = clock.now();
        if (stepping) {
          stepping = false;
          paused = true;
        }
        changed();
      }
      await clock.runUntil(endMs);
      now = clock.now();
      finished = true;
      changed();
    },
  };
}
