import { ImesimError } from "@imesim/contracts/errors";
import type { Clock, TimerHandle } from "./clock.ts";

/**
 * A timer is its own handle. Its callback is dropped the moment it fires or is cleared: a cleared timer stays in the
 * heap until its time comes (cheap clearTimeout), and in a fleet what its callback held (an actor, a promise's
 * resolvers) otherwise lived that long too (issue 18).
 */
interface Timer extends TimerHandle {
  /** Also the tie-breaker: timers due at the same instant fire in the order they were set. */
  readonly timerId: number;
  readonly due: number;
  /** Undefined once the timer has fired or been cleared. */
  callback: (() => void) | undefined;
}

/**
 * A discrete-event clock: time stands still while anything runs, and jumps straight to the next
 * timer once every actor only waits on timers. That is what lets "3 retries 5 minutes apart, then
 * 24 h in GRS" run in milliseconds.
 */
export interface VirtualClock extends Clock {
  /** Fires every timer due up to `time` (epoch ms) in order, letting the system settle between them. */
  runUntil(time: number): Promise<void>;
  /** `runUntil(now() + durationMs)`. */
  advanceBy(durationMs: number): Promise<void>;
  /** Waits until no promise chain or hold is pending, without moving time. */
  settle(): Promise<void>;
  /** How many timers are waiting. */
  pendingTimers(): number;
  /** When the next timer fires, or undefined when none is set. */
  nextTimerAt(): number | undefined;
}

/** A virtual clock starting at `startMs` (epoch ms). */
export function createVirtualClock(startMs: number): VirtualClock {
  let now = startMs;
  let nextId = 1;
  /** Timers set and neither fired nor cleared. */
  let pending = 0;
  let holds = 0;
  let holdWaiters: Array<() => void> = [];
  const heap: Timer[] = [];

  const before = (a: Timer, b: Timer): boolean => a.due < b.due || (a.due === b.due && a.timerId < b.timerId);
  const push = (timer: Timer): void => {
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(timer, p)) break;
      heap[i] = p;
      heap[parent] = timer;
      i = parent;
    }
  };
  const pop = (): Timer | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      const tmp = heap[i]!;
      heap[i] = heap[smallest]!;
      heap[smallest] = tmp;
      i = smallest;
    }
    return top;
  };
  // Cancelled timers stay in the heap (cheap clearTimeout) and are skipped when they surface.
  const peekLive = (): Timer | undefined => {
    while (heap.length > 0 && heap[0]!.callback === undefined) pop();
    return heap[0];
  };

  const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const settle = async (): Promise<void> => {
    // One macrotask turn drains every microtask chain; holds cover real I/O (HTTP, streams).
    for (;;) {
      await macrotask();
      if (holds === 0) return;
      await new Promise<void>((resolve) => holdWaiters.push(resolve));
    }
  };

  const clock: VirtualClock = {
    now: () => now,
    setTimeout(callback, delayMs) {
      const timer: Timer = { timerId: nextId++, due: now + Math.max(0, delayMs), callback };
      pending += 1;
      push(timer);
      return timer;
    },
    clearTimeout(handle) {
      // Another clock's handle has no callback here: nothing of ours to clear.
      const timer = handle as Timer | undefined;
      if (timer?.callback === undefined) return;
      timer.callback = undefined;
      pending -= 1;
    },
    sleep: (delayMs) => new Promise((resolve) => clock.setTimeout(resolve, delayMs)),
    hold() {
      holds += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds -= 1;
        if (holds === 0) {
          const waiters = holdWaiters;
          holdWaiters = [];
          for (const wake of waiters) wake();
        }
      };
    },
    async runUntil(time) {
      if (time < now) {
        throw new ImesimError("CLOCK_BACKWARDS", `cannot run the virtual clock back to ${time} from ${now}`);
      }
      for (;;) {
        await settle();
        const next = peekLive();
        if (next === undefined || next.due > time) break;
        pop();
        const callback = next.callback!;
        next.callback = undefined;
        pending -= 1;
        now = next.due;
        callback();
      }
      now = time;
      await settle();
    },
    advanceBy: (durationMs) => clock.runUntil(now + durationMs),
    settle,
    pendingTimers: () => pending,
    nextTimerAt: () => peekLive()?.due,
  };
  return clock;
}
