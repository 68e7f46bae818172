// ClientHealth.log, written by ClientHealthEval.exe (ime.md §1.1, §8). Its lines come from two components: the
// checks from `ClientHealth` and the task's generic steps from `IntuneManagementExtension` [C*: S22]. No real
// line of this log is quoted in any public source we have, so every message here is imesim's wording and
// marked `invented` (explain says so), as the script workloads mark theirs (log/scripts/script-lines.ts).
import type { HealthEventBody } from "../events/health-events.ts";
import type { ImeEvent, ImeEventEnvelope } from "../events/types.ts";
import type { CmtraceType } from "./cmtrace.ts";
import type { RenderedLine } from "./lines.ts";

/** An event of the health evaluation. */
export type HealthEvent = ImeEventEnvelope & HealthEventBody;

const check = (message: string, type: CmtraceType = 1): RenderedLine => ({
  file: "ClientHealth",
  message,
  type,
  invented: true,
});
const generic = (message: string, type: CmtraceType = 1): RenderedLine => ({
  ...check(message, type),
  component: "IntuneManagementExtension",
});

/** True for the events this module renders. */
export function isHealthEvent(event: ImeEvent): event is HealthEvent {
  return event.phase.startsWith("health.");
}

/** The lines of one health event (none for the task's scheduling, which is Task Scheduler's, not the log's). */
export function renderHealthEvent(event: HealthEvent): RenderedLine[] {
  switch (event.phase) {
    case "health.scheduled":
      return [];
    case "health.started":
      return [
        generic(`ClientHealthEval started by scheduled task '${event.details.taskName}'`),
        check(`Loaded ${event.details.checks} health checks from ${event.details.configPath}`),
      ];
    case "health.configInvalid":
      return [
        check(`Failed to load health checks from ${event.details.configPath}: ${event.details.message}`, 3),
      ];
    case "health.checked": {
      const d = event.details;
      return [
        check(
          `[${d.type}] ${d.checkId}: expected ${d.expected}, found ${d.observed}. Result: ${d.passed ? "Passed" : "Failed"}`,
          d.passed ? 1 : 2,
        ),
      ];
    }
    case "health.remediated": {
      const d = event.details;
      return [
        check(
          `[Remediation] ${d.checkId}: ${d.action} ${d.succeeded ? "succeeded" : "failed"}: ${d.message}`,
          d.succeeded ? 1 : 3,
        ),
      ];
    }
    case "health.completed": {
      const d = event.details;
      return [
        check(
          `Health evaluation completed. OverallState = ${d.overallState}, remediated = ${d.remediated}, failed = ${d.failed}`,
          d.overallState === "Unhealthy" ? 3 : 1,
        ),
        generic(`Health report written to ${d.reportPath}`),
      ];
    }
  }
}
