import type { Clock, TimerHandle } from "./clock.ts";

/** Wall-clock time on Node's own timers, for agents that run against a real service in real time. */
export function createRealClock(): Clock {
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout(callback, delayMs) {
      const timerId = nextId++;
      const timer = setTimeout(
        () => {
          timers.delete(timerId);
          callback();
        },
        Math.max(0, delayMs),
      );
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
