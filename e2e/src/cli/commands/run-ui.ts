// `imesim run --ui`: the live dashboard for a run in this process. The run's clock is paced by the dashboard
// (paused at the start, then Play / Step / 1× / 60× / max), its devices' event streams feed the page, and once
// the run is over the dashboard stays open on the finished run until Ctrl-C.
import { InvalidArgumentError } from "commander";
import type { RunOptions } from "../../run/run-scenario.ts";

/** Parses --ui-port. */
export function uiPort(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new InvalidArgumentError("must be a port number (0-65535)");
  return number;
}

/**
 * Starts the dashboard for a live run: the options to hand `runScenario`, a wait for Ctrl-C after it, and a close for
 * a run stopped part-way.
 */
export async function startLiveDashboard(
  title: string,
  startMs: number,
  port: number,
): Promise<{
  runOptions: Pick<RunOptions, "onDevice" | "driveClock" | "workers" | "recordChanges">;
  keepOpen(): Promise<void>;
  close(): Promise<void>;
}> {
  const [{ createClockPacer }, { createLiveRunSource }, { startDashboardServer }] = await Promise.all([
    import("../../dashboard/clock-pacer.ts"),
    import("../../dashboard/live-run.ts"),
    import("../../dashboard/server.ts"),
  ]);
  const pacer = createClockPacer(startMs);
  const source = createLiveRunSource(title, pacer);
  const server = await startDashboardServer(source, { port });
  process.stderr.write(`dashboard: ${server.url}  (the run waits, paused: press Play or Step there)\n`);
  return {
    // One thread: the devices' event streams must live in this process to reach the page.
    runOptions: {
      onDevice: (device) => source.addDevice(device),
      driveClock: pacer.drive,
      workers: 1,
      // The registry and folder views read each device's change journal.
      recordChanges: true,
    },
    keepOpen: async () => {
      process.stderr.write(`run finished; the dashboard stays open at ${server.url} until Ctrl-C\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.close();
    },
    close: () => server.close(),
  };
}
