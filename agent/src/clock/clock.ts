import type { TimeSource } from "./types.ts";

/** An opaque timer handle; only the clock that issued it understands it. */
export type TimerHandle = { readonly timerId: number };

/**
 * The one clock every time-driven part of the agent reads and schedules on. It is also a valid
 * xstate clock (`createActor(machine, { clock })` only needs setTimeout/clearTimeout).
 */
export interface Clock extends TimeSource {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `delayMs` of this clock's time. */
  sleep(delayMs: number): Promise<void>;
  /**
   * Marks real (non-timer) work in flight, e.g. an HTTP request: a virtual clock does not jump ahead
   * while any hold is open. Returns the release function. A real clock ignores holds.
   */
  hold(): () => void;
}

/** Runs `work` under a hold of `clock`, releasing it however `work` ends. */
export async function whileHeld<T>(clock: Clock, work: () => Promise<T>): Promise<T> {
  const release = clock.hold();
  try {
    return await work();
  } finally {
    release();
  }
}
