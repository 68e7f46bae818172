import { formatHex } from "@imesim/contracts/enums";
import type { PackagingTestReport } from "./packaging-test.ts";
import type { CommandRun } from "./simulate.ts";

const MARK = { error: "✗", warning: "!", info: "i" } as const;

const VERDICT_WORDS = {
  PASS: "PASS — the package should install in Intune",
  FAIL: "FAIL — the package would fail in Intune",
  INCONCLUSIVE:
    "INCONCLUSIVE — the simulated install used something imesim does not model (a program, a download), so it cannot tell whether the package installs",
} as const;

/** The human-readable `imesim test` report. */
export function formatPackagingReport(report: PackagingTestReport): string {
  const lines: string[] = [];
  lines.push(`imesim test — ${report.app.name} (${report.app.form} definition, app id ${report.app.id})`);
  lines.push("");
  lines.push(
    `Package: ${report.package.path} (${report.package.kind}, ${report.package.files.length} files, setup file ${report.package.setupFile ?? "not set"})`,
  );
  if (report.package.findings.length === 0) lines.push("  ✓ no package findings");
  for (const finding of report.package.findings)
    lines.push(`  ${MARK[finding.severity]} ${finding.code}: ${finding.message}`);
  lines.push("");
  lines.push("App definition:");
  if (report.lint.length === 0) lines.push("  ✓ no findings");
  for (const finding of report.lint) {
    const where = finding.path === undefined ? "" : ` [${finding.path}]`;
    lines.push(`  ${MARK[finding.severity]} ${finding.code}${where}: ${finding.message}`);
  }
  lines.push("");
  lines.push(
    `Detection on a fresh device: ${report.freshDevice.detected ? "DETECTED (the installer would never run)" : "not detected, as it should be before the install"}`,
  );
  for (const line of report.freshDevice.lines) lines.push(`  ${line}`);
  lines.push("");
  const sim = report.simulation;
  if (sim === undefined) lines.push("Simulated install: not run (the package itself has errors)");
  else {
    const code = sim.errorCode === undefined || sim.errorCode === 0 ? "" : ` ${formatHex(sim.errorCode)}`;
    lines.push(`Simulated install on a fresh device${sim.conclusive ? "" : " (inconclusive)"}:`);
    lines.push(
      `  detection before: ${sim.detectedBefore === undefined ? "not run" : sim.detectedBefore ? "detected" : "not detected"}`,
    );
    lines.push(`  install: exit code ${sim.exitCode ?? "none"} → ${sim.mapping ?? "not run"}`);
    lines.push(
      `  detection after: ${sim.detectedAfter === undefined ? "not run" : sim.detectedAfter ? "detected" : "not detected"}`,
    );
    lines.push(
      `  the IME would show: ${sim.enforcementState ?? "nothing"} ${sim.enforcementStateName ?? ""}${code}`,
    );
    if (sim.note !== "") lines.push(`  ${sim.note}`);
    lines.push(...commandLines(sim.commands));
  }
  lines.push("");
  lines.push("Return codes — what the IME does with each exit code:");
  for (const outcome of report.returnCodes) {
    const code = outcome.errorCode === 0 ? "" : ` ${formatHex(outcome.errorCode)}`;
    lines.push(
      `  ${String(outcome.exitCode).padStart(6)}  ${outcome.type.padEnd(10)} → ${outcome.enforcementState}${code}: ${outcome.explanation}`,
    );
  }
  lines.push("");
  lines.push(`Verdict: ${VERDICT_WORDS[report.verdict.outcome]}`);
  for (const reason of report.verdict.reasons) lines.push(`  - ${reason}`);
  return `${lines.join("\n")}\n`;
}

/** The most a command's output shows, from its end (where installers say what went wrong). */
const OUTPUT_LINES_SHOWN = 20;

/** Each command line the IME ran, its exit code and the end of its console output. */
function commandLines(commands: readonly CommandRun[]): string[] {
  if (commands.length === 0) return ["  commands run: none"];
  const lines = ["  commands run:"];
  for (const command of commands) {
    const retry = command.attempt > 1 ? ` (try ${command.attempt})` : "";
    lines.push(`    ${command.intent}${retry}: ${command.commandLine}`);
    lines.push(`      exit code ${command.exitCode ?? "none (still running at the time-out)"}`);
    const output = command.output
      .replace(/\r\n/g, "\n")
      .split("\n")
      .filter((line) => line.trim() !== "");
    if (output.length === 0) lines.push("      (no console output)");
    if (output.length > OUTPUT_LINES_SHOWN)
      lines.push(`      … ${output.length - OUTPUT_LINES_SHOWN} earlier lines of output not shown`);
    for (const line of output.slice(-OUTPUT_LINES_SHOWN)) lines.push(`      | ${line}`);
  }
  return lines;
}
