import { writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { isImesimError } from "@imesim/contracts/errors";
import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { ReportFormat } from "../../run/reports.ts";
import { startLiveDashboard, uiPort } from "./run-ui.ts";
import { loadScenarioOrExit } from "./scenario-file.ts";
import { stopExitCode, untilStopped } from "./stop-signals.ts";

interface RunCommandOptions {
  devices?: number;
  workers?: number;
  report: ReportFormat;
  verbose?: boolean;
  out?: string;
  ui?: boolean;
  uiPort: number;
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError("must be a positive whole number");
  return number;
}

/** `imesim run`: a scenario with the mock and its agents in one process on virtual time; exit 0 only when every expectation holds. */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "Run a scenario: the mock service and the simulated device(s) in one process on virtual time, then check its expectations.\n" +
        "Exit code 0 when every expectation holds, 1 when one breaks or the run fails, 2 when the scenario file is invalid;\n" +
        "130 / 143 when Ctrl-C / SIGTERM stops it (nothing is reported then).",
    )
    .argument("<scenario>", "scenario file (YAML)")
    .option(
      "--devices <n>",
      "run a fleet of n devices against one mock and print the portal-style summary",
      positive,
    )
    .option(
      "--workers <n>",
      "worker threads the fleet runs on, each with its own mock and a share of the devices (default: one per core, for fleets of 1,000 devices or more)",
      positive,
    )
    .addOption(
      new Option("--report <format>", "report format").choices(["text", "json", "junit"]).default("text"),
    )
    .option("--verbose", "with --devices, list every expectation on every device, not only the broken ones")
    .option(
      "--out <dir>",
      "write each device's IME logs, a .reg export of its IME registry state, and the reports here",
    )
    .option(
      "--ui",
      "serve the live dashboard on 127.0.0.1 during the run (it starts paused: press Play or Step there) and keep it open until Ctrl-C",
    )
    .option("--ui-port <port>", "port of --ui's dashboard (0: any free port)", uiPort, 0)
    .action(async (file: string, options: RunCommandOptions) => {
      const scenario = await loadScenarioOrExit(file);
      if (scenario === undefined) return;
      // The service and agents load when the command runs (see commands/index.ts).
      const [{ runScenario }, { formatJsonReport, formatJunitReport, formatRunReport, formatTextReport }] =
        await Promise.all([import("../../run/run-scenario.ts"), import("../../run/reports.ts")]);
      const total = options.devices ?? scenario.devices;
      const bar =
        total > 1 && process.stderr.isTTY
          ? new SingleBar({ format: "devices {bar} {value}/{total}", stream: process.stderr })
          : undefined;
      bar?.start(total, 0);
      const outDir = options.out === undefined ? undefined : resolve(options.out);
      const ui =
        options.ui === true
          ? await startLiveDashboard(basename(file), scenario.startMs, options.uiPort)
          : undefined;
      // Ctrl-C or SIGTERM stops the run, which removes its temp folders (its workers' too) before it ends.
      const outcome = await untilStopped((signal) =>
        runScenario(scenario, {
          ...(ui === undefined ? {} : ui.runOptions),
          ...(options.devices === undefined ? {} : { devices: options.devices }),
          ...(options.workers === undefined ? {} : { workers: options.workers }),
          ...(outDir === undefined ? {} : { outDir }),
          onProgress: (ready) => bar?.update(ready),
          signal,
        }),
      ).catch(async (error: unknown) => {
        // A run that cannot go on (a fleet worker failed, the mock refused an enrollment) says why in one line.
        bar?.stop();
        await ui?.close();
        if (!isImesimError(error)) throw error;
        process.stderr.write(`imesim run: ${error.message} [${error.code}]\n`);
        process.exitCode = 1;
        return undefined;
      });
      if (outcome === undefined) return;
      bar?.stop();
      if ("stoppedBy" in outcome) {
        await ui?.close();
        process.stderr.write(
          `imesim run: stopped by ${outcome.stoppedBy}; the run did not finish and nothing was reported\n`,
        );
        process.exitCode = stopExitCode(outcome.stoppedBy);
        return;
      }
      const result = outcome.done;
      if (outDir !== undefined) {
        writeFileSync(join(outDir, "report.txt"), formatTextReport(result, { verbose: true }));
        writeFileSync(join(outDir, "report.json"), formatJsonReport(result));
        writeFileSync(join(outDir, "junit.xml"), formatJunitReport(result));
      }
      process.stdout.write(formatRunReport(result, options.report, { verbose: options.verbose === true }));
      process.exitCode = result.passed ? 0 : 1;
      if (ui !== undefined) await ui.keepOpen();
    });
}
