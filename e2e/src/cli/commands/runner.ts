import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isImesimError } from "@imesim/contracts/errors";
import { type Command, InvalidArgumentError } from "commander";
import { parseDuration } from "../../scenario/duration.ts";
import { loadScenarioOrExit } from "./scenario-file.ts";

interface RunnerCommandOptions {
  server: string;
  outputs: string;
  agents: number;
  tenant?: string;
  clientId: string;
  clientSecret: string;
  adminToken?: string;
  published?: string;
  speed: number;
  timeout?: number;
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("must be a positive number");
  return number;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError("must be a duration such as 90s, 10m or 1h");
  }
}

/** Start-up, enrollment and the last report take real time whatever the speed: the wait allows this much more. */
const WAIT_MARGIN_MS = 5 * 60_000;

/** `imesim runner`: the compose runner (publish a scenario to a running mock, wait for its agents, judge). */
export function registerRunner(program: Command): void {
  program
    .command("runner")
    .description(
      "Publish a scenario's users and apps to a running mock through Graph, wait for the agents (imesim agent --out) " +
        "to finish, and judge its expectations from Graph and their outputs; exits 0 / 1 / 2 like `imesim run`",
    )
    .argument("<scenario>", "scenario file (YAML)")
    .requiredOption("--server <url>", "base URL of the service, e.g. https://mock:8443")
    .requiredOption("--outputs <dir>", "folder holding one `imesim agent --out` folder per agent")
    .option("--agents <n>", "how many agents to wait for", positive, 1)
    .option("--tenant <id>", "tenant id (default: the mock's default tenant)")
    .option("--client-id <id>", "admin app's client id", "imesim-runner")
    .option("--client-secret <secret>", "admin app's client secret", "imesim-runner-secret")
    .option("--admin-token <token>", "the mock's admin-plane token (or IMESIM_ADMIN_TOKEN)")
    .option(
      "--published <file>",
      "write this file once everything is published (compose starts the agents on it)",
    )
    .option("--speed <factor>", "the agents' clock speed, to size the wait", positive, 1)
    .option(
      "--timeout <duration>",
      "longest wait for the agents (default: scenario duration / speed + 5m)",
      duration,
    )
    .action(async (file: string, options: RunnerCommandOptions) => {
      const scenario = await loadScenarioOrExit(file);
      if (scenario === undefined) return;
      const [
        { runInContainers, unsupportedInContainers },
        { createHttpChannel },
        { formatTextReport, formatJsonReport },
        { defaultTenantId },
      ] = await Promise.all([
        import("../../containers/runner.ts"),
        import("../../containers/http-channel.ts"),
        import("../../run/reports.ts"),
        import("@imesim/mock-service"),
      ]);
      const unsupported = unsupportedInContainers(scenario);
      if (unsupported.length > 0) {
        for (const problem of unsupported)
          process.stderr.write(`imesim runner: not runnable in containers: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      const log = (line: string) => process.stdout.write(`runner: ${line}\n`);
      // In a container the runner is PID 1, which the kernel spares from signals it has no handler for.
      for (const signal of ["SIGINT", "SIGTERM"] as const)
        process.once(signal, () => {
          process.stderr.write(`imesim runner: stopped by ${signal} before the verdict\n`);
          process.exit(1);
        });
      try {
        mkdirSync(options.outputs, { recursive: true });
        const result = await runInContainers(scenario, {
          channel: createHttpChannel({
            server: options.server,
            tenantId: options.tenant ?? defaultTenantId,
            clientId: options.clientId,
            clientSecret: options.clientSecret,
          }),
          adminToken: options.adminToken ?? process.env.IMESIM_ADMIN_TOKEN,
          outputs: options.outputs,
          agents: options.agents,
          publishedMarker: options.published,
          timeoutMs: options.timeout ?? scenario.durationMs / options.speed + WAIT_MARGIN_MS,
          log,
        });
        const text = formatTextReport(result);
        writeFileSync(join(options.outputs, "report.txt"), text);
        writeFileSync(join(options.outputs, "report.json"), formatJsonReport(result));
        process.stdout.write(text);
        process.exitCode = result.passed ? 0 : 1;
      } catch (error) {
        if (!isImesimError(error)) throw error;
        process.stderr.write(`imesim runner: ${error.message} [${error.code}]\n`);
        process.exitCode = 1;
      }
    });
}
