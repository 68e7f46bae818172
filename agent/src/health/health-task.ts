// One run of ClientHealthEval.exe (ime.md §8): read HealthCheck.xml, run each check in order, remediate what
// failed and check it again, write HealthReport.json. Every step is an event (ClientHealth.log is rendered from
// them). The process is not the IME service: it runs while the service is stopped, which is its point.
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { Host } from "../host/types.ts";
import { HEALTH_CHECK_XML_PATH, type HealthCheck, parseHealthCheckXml } from "./health-check-xml.ts";
import { evaluateCheck, remediate, type ServiceControl } from "./health-checks.ts";
import {
  formatHealthReport,
  HEALTH_REPORT_PATH,
  type HealthReport,
  type HealthReportCheck,
  overallStateOf,
} from "./health-report.ts";

export const HEALTH_TASK_NAME = "Intune Management Extension Health Evaluation";
/** ClientHealthEval.exe's main thread [our choice: one process, one thread]. */
const THREAD = { thread: 1 } as const;

export interface HealthTaskDeps {
  readonly host: Host;
  readonly events: ImeEventStream;
  readonly clock: Clock;
  readonly control: ServiceControl;
  readonly agentVersion: string;
}

function readChecks(host: Host): HealthCheck[] {
  if (host.fs.stat(HEALTH_CHECK_XML_PATH)?.kind !== "file")
    throw new Error(`${HEALTH_CHECK_XML_PATH} was not found`);
  return parseHealthCheckXml(new TextDecoder().decode(host.fs.readFile(HEALTH_CHECK_XML_PATH)));
}

/** Runs every check and its remediation; writes and returns the report. */
export function runHealthEvaluation(deps: HealthTaskDeps): HealthReport {
  const { host, events } = deps;
  let checks: HealthCheck[] = [];
  let error: string | undefined;
  try {
    checks = readChecks(host);
  } catch (caught) {
    error = (caught as Error).message;
  }
  events.emit(
    {
      phase: "health.started",
      details: { taskName: HEALTH_TASK_NAME, checks: checks.length, configPath: HEALTH_CHECK_XML_PATH },
    },
    THREAD,
  );
  if (error !== undefined)
    events.emit(
      { phase: "health.configInvalid", details: { configPath: HEALTH_CHECK_XML_PATH, message: error } },
      THREAD,
    );

  const results: HealthReportCheck[] = checks.map((check) => {
    const verdict = evaluateCheck(host, check);
    const base = { checkId: check.id, type: check.type, description: check.description };
    events.emit({ phase: "health.checked", details: { ...base, ...verdict } }, THREAD);
    const entry = { ID: check.id, Type: check.type, Expected: verdict.expected, Observed: verdict.observed };
    if (verdict.passed) return { ...entry, Result: "Passed", Remediation: null };
    const outcome = remediate(host, deps.control, check);
    if (outcome === undefined) return { ...entry, Result: "Failed", Remediation: null };
    events.emit({ phase: "health.remediated", details: { checkId: check.id, ...outcome } }, THREAD);
    // A restart on excess memory leaves a fresh process: the check passes again only if the memory dropped.
    const after = evaluateCheck(host, check);
    return {
      ...entry,
      Result: outcome.succeeded && after.passed ? "Remediated" : "Failed",
      Remediation: { Action: outcome.action, Succeeded: outcome.succeeded, Message: outcome.message },
    };
  });

  const report: HealthReport = {
    Schema: "imesim-health-report/1",
    EvaluationTimeUtc: new Date(deps.clock.now()).toISOString(),
    AgentVersion: deps.agentVersion,
    OverallState: overallStateOf(results, error),
    ...(error === undefined ? {} : { Error: error }),
    Checks: results,
  };
  host.fs.writeFile(HEALTH_REPORT_PATH, formatHealthReport(report));
  events.emit(
    {
      phase: "health.completed",
      details: {
        overallState: report.OverallState,
        reportPath: HEALTH_REPORT_PATH,
        failed: results.filter((r) => r.Result === "Failed").length,
        remediated: results.filter((r) => r.Result === "Remediated").length,
      },
    },
    THREAD,
  );
  return report;
}
