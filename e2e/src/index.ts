// @imesim/e2e: the composition root — scenarios, their runner and reports, the packaging test, the CLI.
export { buildProgram, main } from "./cli/main.ts";
export { type ExplainStep, formatNarration, narrate, writeMermaidCharts } from "./explain/narrate.ts";
export { type Finding, type LintInput, lintApp, type PackageListing } from "./lint/index.ts";
export {
  formatPackagingReport,
  type PackagingTestReport,
  runPackagingTest,
} from "./package-test/index.ts";
export { fleetSummary, formatFleetSummary } from "./run/fleet-summary.ts";
export { formatRunReport, type ReportFormat } from "./run/reports.ts";
export type { RunResult } from "./run/result.ts";
export { type RunOptions, runScenario } from "./run/run-scenario.ts";
export { checkExpectations, type DeviceOutcome, type ExpectationResult } from "./scenario/expectations.ts";
export { type LoadedScenario, loadScenarioFile, parseScenario, ScenarioError } from "./scenario/index.ts";
