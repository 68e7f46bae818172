// How long the agent waits on the network, measured on the agent's clock. undici's own headers and body
// time-outs count wall time, so on virtual time a body that stops mid-way (the mock's `truncate` fault keeps
// the connection open) cost a full minute of real time while the virtual clock, held by the request, stood
// still. Here the request holds the clock only while the network is answering; once nothing has arrived for
// a short grace of wall time the clock may move on, and the time-out is a timer of the agent's clock.
import type { Clock, TimerHandle } from "../clock/clock.ts";
import { ServiceError } from "./types.ts";
import type { AbortSource } from "./whole-answer.ts";

/** Wall time with nothing arriving after which a request stops holding a virtual clock. */
export const DEFAULT_STALL_GRACE_MS = 2_000;

/** One request's wait on the network: a hold of the clock and a time-out on it. */
export interface NetworkWait {
  /** Aborted when the time-out passes; give it to an undici request. Made when first asked for. */
  signal(): AbortSignal;
  /**
   * The same end as `signal()` for a whole-answer request (whole-answer.ts), without an AbortController and an
   * event listener per request (issue 18). One request listens to it.
   */
  readonly abort: AbortSource;
  /** Headers or bytes arrived: the time-out starts over and the clock is held again. */
  progress(): void;
  /** The caller works on what arrived (not waiting on the network): the clock stays held, no time-out runs. */
  pause(): void;
  /** The request is over: timers cleared, hold released. */
  end(): void;
  /** The ServiceError to throw when the time-out ended the request, or undefined when it did not. */
  timedOut(): ServiceError | undefined;
}

/**
 * Starts waiting on the network for `what`, with `timeoutMs` of the agent's clock between arrivals. On a real
 * clock this is undici's idle time-out; on a virtual one, a stalled request lets time run after `graceMs` of
 * wall time, so the time-out (or any earlier timer) fires at once instead of after a minute of real time.
 */
export function waitOnNetwork(clock: Clock, what: string, timeoutMs: number, graceMs: number): NetworkWait {
  let controller: AbortController | undefined;
  let listener: (() => void) | undefined;
  // Plain data members, set when the time-out passes (an object literal with accessors is slow to make).
  const abort: { aborted: boolean; reason: unknown } & AbortSource = {
    aborted: false,
    reason: undefined,
    addEventListener: (_type, given) => {
      listener = given;
    },
    removeEventListener: (_type, given) => {
      if (listener === given) listener = undefined;
    },
  };
  let release: (() => void) | undefined = clock.hold();
  let timeout: TimerHandle | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  let expired = false;
  const stopTimers = (): void => {
    clock.clearTimeout(timeout);
    timeout = undefined;
    if (grace !== undefined) clearTimeout(grace);
    grace = undefined;
  };
  const holdAgain = (): void => {
    release ??= clock.hold();
  };
  const arm = (): void => {
    stopTimers();
    holdAgain();
    timeout = clock.setTimeout(() => {
      expired = true;
      // Held until the request has failed (end()), so the failure lands at this instant of the clock.
      holdAgain();
      controller?.abort();
      abort.aborted = true;
      // What an aborted AbortSignal gives as its reason.
      abort.reason = new DOMException("This operation was aborted", "AbortError");
      const onAbort = listener;
      listener = undefined;
      onAbort?.();
    }, timeoutMs);
    // An infinite grace (a service in this process) keeps the hold: a slow answer there is work, not a stall.
    if (Number.isFinite(graceMs)) {
      grace = setTimeout(() => {
        grace = undefined;
        release?.();
        release = undefined;
      }, graceMs);
    }
  };
  arm();
  return {
    signal: () => {
      if (controller === undefined) {
        controller = new AbortController();
        if (expired) controller.abort();
      }
      return controller.signal;
    },
    abort,
    progress: () => {
      if (!expired) arm();
    },
    pause: () => {
      stopTimers();
      holdAgain();
    },
    end: () => {
      stopTimers();
      release?.();
      release = undefined;
    },
    timedOut: () =>
      expired
        ? new ServiceError("timeout", `${what}: nothing arrived for ${timeoutMs} ms of the agent's clock`)
        : undefined,
  };
}
