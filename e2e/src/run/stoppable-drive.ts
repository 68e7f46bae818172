// Stopping a run part-way (`imesim run` on Ctrl-C or SIGTERM, cli/commands/stop-signals.ts): its AbortSignal ends the
// clock's drive, and the run unwinds through its finally blocks, which dispose the devices, close the mock and remove
// its temp folder.
import type { VirtualClock } from "@imesim/agent";

/** Drives `clock` to `endMs` with `drive`, or until `signal` aborts: then it rejects with the abort's reason. */
export async function driveUntilStopped(
  clock: VirtualClock,
  endMs: number,
  drive: (clock: VirtualClock, endMs: number) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) return drive(clock, endMs);
  signal.throwIfAborted();
  let stop = (): void => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = () => {
      // A timer due now fires before any later one, and its throw ends runUntil's loop: nothing more of the run is
      // simulated behind the stop. The race covers a drive that waits on a person (the dashboard, paused).
      clock.setTimeout(() => {
        throw signal.reason;
      }, 0);
      reject(signal.reason);
    };
  });
  signal.addEventListener("abort", stop, { once: true });
  try {
    await Promise.race([drive(clock, endMs), stopped]);
  } finally {
    signal.removeEventListener("abort", stop);
  }
}
