// Ctrl-C (SIGINT) and SIGTERM during a long command (a codec command, `imesim run`): the library stops through an
// AbortSignal and removes what it had staged, and the command exits as a shell reports a process ended by that signal.

/** 128 + the signal's number, what a shell reports for a process ended by it. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/** An AbortSignal fired by the first SIGINT or SIGTERM; `release` stops listening. */
export interface StopListener {
  readonly signal: AbortSignal;
  /** The process signal that fired, if one did. */
  stoppedBy(): StopSignal | undefined;
  release(): void;
}

/** Listens for SIGINT and SIGTERM until released. */
export function listenForStop(): StopListener {
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const handlers = (Object.keys(SIGNAL_EXIT) as StopSignal[]).map((name) => {
    const handler = (): void => {
      stoppedBy ??= name;
      controller.abort(new Error(`stopped by ${name}`));
    };
    process.on(name, handler);
    return { name, handler };
  });
  return {
    signal: controller.signal,
    stoppedBy: () => stoppedBy,
    release() {
      for (const { name, handler } of handlers) process.off(name, handler);
    },
  };
}

/** The exit code of a command stopped by `signal`. */
export function stopExitCode(signal: StopSignal): number {
  return SIGNAL_EXIT[signal];
}

/**
 * Runs `task` listening for the stop signals: what it returned, or the signal that stopped it. Its error, when a
 * signal came first, is the stop's own, and a result it finished with all the same is dropped: the user asked to stop.
 */
export async function untilStopped<T>(
  task: (signal: AbortSignal) => Promise<T>,
): Promise<{ readonly done: T } | { readonly stoppedBy: StopSignal }> {
  const stop = listenForStop();
  try {
    const done = await task(stop.signal);
    const stoppedBy = stop.stoppedBy();
    return stoppedBy === undefined ? { done } : { stoppedBy };
  } catch (error) {
    const stoppedBy = stop.stoppedBy();
    if (stoppedBy === undefined) throw error;
    return { stoppedBy };
  } finally {
    stop.release();
  }
}
