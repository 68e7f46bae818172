import { ImesimError } from "@imesim/contracts/errors";
import type { Clock, TimerHandle } from "./clock.ts";

/** How a real clock runs. */
export interface RealClockOptions {
  /**
   * How many times faster than the wall clock this clock runs (default 1). At 120, the 147 s start-up delay
   * passes in about 1.2 s and an hour's check-in interval in 30 s, so a container's scenario spans hours of
   * IME time in minutes while its HTTP traffic stays real.
   */
  readonly speed?: number;
}

/**
 * Wall-clock time on Node's own timers, for agents that run against a real service in real time, or at a
 * steady multiple of it: time starts at the wall clock's now and then advances `speed` times as fast.
 */
export function createRealClock(options: RealClockOptions = {}): Clock {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0)
    throw new ImesimError("CLOCK_SPEED_INVALID", `clock speed must be a positive number, not ${speed}`, {
      path: "speed",
    });
  const origin = Date.now();
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const clock: Clock = {
    now: () => (speed === 1 ? Date.now() : origin + Math.round((Date.now() - origin) * speed)),
    setTimeout(callback, delayMs) {
      const timerId = nextId++;
      const timer = setTimeout(() => {
        timers.delete(timerId);
        callback();
      }, Math.max(0, delayMs) / speed);
      timers.set(timerId, timer);
      return { timerId } satisfies TimerHandle;
    },
    clearTimeout(handle) {
      if (handle === undefined) return;
      const timer = timers.get(handle.timerId);
      if (timer !== undefined) clearTimeout(timer);
      timers.delete(handle.timerId);
    },
    sleep: (delayMs) => new Promise((resolve) => clock.setTimeout(resolve, delayMs)),
    hold: () => () => {},
  };
  return clock;
}
