import { resolve } from "node:path";
import { isImesimError } from "@imesim/contracts/errors";
import type { Command } from "commander";
import { uiPort } from "./run-ui.ts";

/** `imesim ui <out folder>`: a finished run's saved outputs in the dashboard, on loopback, until interrupted. */
export function registerUi(program: Command): void {
  program
    .command("ui")
    .description(
      "Open a finished run's outputs (`imesim run --out <dir>` or `imesim agent --out <dir>`) in the web dashboard on 127.0.0.1: timeline, logs, portal",
    )
    .argument("<out>", "the run's output folder")
    .option("-p, --port <port>", "port on 127.0.0.1 (0: any free port)", uiPort, 0)
    .action(async (out: string, options: { port: number }) => {
      const [{ loadSavedRun }, { startDashboardServer }] = await Promise.all([
        import("../../dashboard/saved-run.ts"),
        import("../../dashboard/server.ts"),
      ]);
      let source: ReturnType<typeof loadSavedRun>;
      try {
        source = loadSavedRun(resolve(out));
      } catch (error) {
        if (!isImesimError(error)) throw error;
        console.error(`imesim ui: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      const server = await startDashboardServer(source, { port: options.port });
      console.log(`dashboard for ${resolve(out)}: ${server.url}  (Ctrl-C to stop)`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
