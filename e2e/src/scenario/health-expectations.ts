// `health:` expectations (issue 16): what the health evaluation task's last HealthReport.json on the device
// says, and how often the task ran (its events), checked after the run.
import type { ImeEvent } from "@imesim/agent/events";
import { HEALTH_REPORT_PATH, type HealthReport, parseHealthReport } from "@imesim/agent/health";
import type { Host } from "@imesim/agent/host";
import type { HealthExpectation } from "./schema.ts";

function readReport(host: Host): HealthReport | undefined {
  if (host.fs.stat(HEALTH_REPORT_PATH)?.kind !== "file") return undefined;
  return parseHealthReport(Buffer.from(host.fs.readFile(HEALTH_REPORT_PATH)).toString("utf8"));
}

/** Checks one expectation; the verdict and what was found. */
export function checkHealth(
  expectation: HealthExpectation,
  device: { readonly host: Host; readonly events: readonly ImeEvent[] },
): { passed: boolean; subject: string; detail: string } {
  const subject = "health evaluation";
  const wanted = expectation.health;
  const problems: string[] = [];
  const runs = device.events.filter((event) => event.phase === "health.completed").length;
  if (wanted.runs !== undefined && wanted.runs !== runs)
    problems.push(`expected ${wanted.runs} runs, found ${runs}`);
  const report = readReport(device.host);
  if ((wanted.overallState !== undefined || wanted.remediated !== undefined) && report === undefined)
    problems.push(`no ${HEALTH_REPORT_PATH} on the device (the task never ran)`);
  if (report !== undefined) {
    if (wanted.overallState !== undefined && report.OverallState !== wanted.overallState)
      problems.push(`expected OverallState ${wanted.overallState}, found ${report.OverallState}`);
    const remediated = report.Checks.filter((check) => check.Result === "Remediated").map(
      (check) => check.ID,
    );
    const sorted = (list: readonly string[]) => [...list].sort().join(", ");
    if (wanted.remediated !== undefined && sorted(wanted.remediated) !== sorted(remediated))
      problems.push(`expected remediated [${sorted(wanted.remediated)}], found [${sorted(remediated)}]`);
  }
  if (problems.length > 0) return { passed: false, subject, detail: problems.join("; ") };
  return {
    passed: true,
    subject,
    detail: `${runs} runs; last report ${report === undefined ? "none" : `${report.OverallState} at ${report.EvaluationTimeUtc}`}`,
  };
}
