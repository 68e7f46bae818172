import type { Command } from "commander";
import { loadScenarioOrExit } from "./scenario-file.ts";

interface ExplainOptions {
  mermaid?: string;
}

/** `imesim explain`: a scenario run told step by step for learners, with the statecharts as Mermaid. */
export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description(
      "Run a scenario on one device and narrate it step by step: what the real IME does at each step and why, " +
        "the log lines it writes there and the registry values it changes.",
    )
    .argument("<scenario>", "scenario file (YAML)")
    .option(
      "--mermaid <dir>",
      "also write the IME's four statecharts (service, check-in, subgraph, enforcement) as Mermaid files",
    )
    .action(async (file: string, options: ExplainOptions) => {
      const scenario = await loadScenarioOrExit(file);
      if (scenario === undefined) return;
      // The service and agent load when the command runs (see commands/index.ts).
      const [{ runScenario }, { formatNarration, narrate, writeMermaidCharts }] = await Promise.all([
        import("../../run/run-scenario.ts"),
        import("../../explain/narrate.ts"),
      ]);
      const result = await runScenario(scenario, { devices: 1 });
      const device = result.devices[0];
      const appName = (id: string | undefined) =>
        id === undefined
          ? undefined
          : result.scenario.apps.find((app) => app.id.toLowerCase() === id.toLowerCase())?.name;
      process.stdout.write(`${result.scenario.name}: the IME's steps on one device\n\n`);
      if (device !== undefined)
        process.stdout.write(
          formatNarration(narrate(device.outcome.events, result.scenario.startMs, appName)),
        );
      if (options.mermaid !== undefined) {
        const files = writeMermaidCharts(options.mermaid);
        process.stdout.write(`\nStatecharts written as Mermaid: ${files.join(", ")}\n`);
      }
    });
}
