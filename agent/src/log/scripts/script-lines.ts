// The log lines of the script workloads: AgentExecutor.log for every script process (ime.md §1.5, real
// lines), IntuneManagementExtension.log for platform scripts and HealthScripts.log for remediations
// (ime.md §1.1). Only a few of the workload lines are known from real logs (ime.md §11b, S12 Findings:
// "After filter, get N policies", "has download count = 3", "Job is queued and will be scheduled to run
// at", "inspect daily schedule", "pre-remdiation detection script compliance result" with the IME's own
// typo); the rest is imesim's wording and marked `invented`, so `explain` says so.
import type { ScriptEventBody } from "../../events/script-events.ts";
import type { ImeEvent, ImeEventEnvelope } from "../../events/types.ts";
import type { CmtraceType } from "../cmtrace.ts";
import { formatDotNetDateTime, type RenderedLine } from "../lines.ts";

const line = (file: RenderedLine["file"], message: string, type: CmtraceType = 1): RenderedLine => ({
  file,
  message,
  type,
});
const ime = (message: string, type: CmtraceType = 1) => line("IntuneManagementExtension", message, type);
const hs = (message: string, type: CmtraceType = 1) => line("HealthScripts", message, type);
const executor = (message: string, type: CmtraceType = 1) => line("AgentExecutor", message, type);
const invented = (rendered: RenderedLine): RenderedLine => ({ ...rendered, invented: true });

/** `9:02:35 AM`, how HealthScripts.log prints a schedule's time of day. */
function timeOfDay(time: string): string {
  const [h = 0, m = 0, s = 0] = time.split(":").map(Number);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${h % 12 === 0 ? 12 : h % 12}:${pad(m)}:${pad(s)} ${h < 12 ? "AM" : "PM"}`;
}

/** An event of the script workloads. */
export type ScriptEvent = ImeEventEnvelope & ScriptEventBody;

const SCRIPT_PHASES: ReadonlySet<string> = new Set<ScriptEventBody["phase"]>([
  "scripts.requesting",
  "scripts.received",
  "scripts.requestFailed",
  "platformScript.skipped",
  "scripts.userContextSkipped",
  "script.launched",
  "script.exited",
  "platformScript.completed",
  "remediation.queued",
  "remediation.scheduled",
  "remediation.detected",
  "remediation.remediated",
  "remediation.completed",
  "compliance.evaluated",
  "scripts.reported",
  "scripts.reportFailed",
]);

/** True for the events this module renders. */
export function isScriptEvent(event: ImeEvent): event is ScriptEvent {
  return SCRIPT_PHASES.has(event.phase);
}

/** The lines of one script-workload event. */
export function renderScriptEvent(event: ScriptEvent): RenderedLine[] {
  const user = event.userId ?? "";
  switch (event.phase) {
    case "scripts.requesting":
      return event.details.workload === "platform"
        ? [invented(ime(`[PowerShell] Getting policies for user ${user}`))]
        : [invented(hs(`[HS] Getting policies for user ${user}`))];
    case "scripts.received": {
      const count = event.details.policyIds.length;
      return event.details.workload === "platform"
        ? [ime(`[PowerShell] After filter, get ${count} policies`)]
        : [
            invented(
              hs(`[HS] Get ${count} policies for user ${user}: ${event.details.policyIds.join(", ")}`),
            ),
          ];
    }
    case "scripts.requestFailed":
      return [
        invented(
          (event.details.workload === "platform" ? ime : hs)(
            `Failed to get script policies: ${event.details.message}`,
            3,
          ),
        ),
      ];
    case "platformScript.skipped":
      return event.details.reason === "downloadLimit"
        ? [
            invented(
              ime(
                `[PowerShell] Policy ${event.details.policyId} of user ${user} has download count = ${event.details.downloadCount}, skip it`,
              ),
            ),
          ]
        : [
            invented(
              ime(`[PowerShell] Policy ${event.details.policyId} of user ${user} already succeeded, skip it`),
            ),
          ];
    case "scripts.userContextSkipped":
      // The real line, for platform scripts and remediations alike (S12 "Join type", ime.md §11b).
      return [
        ime(`[PowerShell] This is not AADJ/HAADJ device, skip user context for ${event.details.policyId}`),
      ];
    case "script.launched": {
      const d = event.details;
      // The run as ime.md §1.5 shows it; the remediation option line is ours by analogy with the PowerShell one.
      const option =
        d.mode === "powershell"
          ? executor("Powershell option gets invoked")
          : invented(executor("RemediationScript option gets invoked"));
      return [
        executor("ExecutorLog AgentExecutor gets invoked"),
        executor("Creating command line parser, name delimiter is - and value separator is  ."),
        executor("Getting Ordered Parameters"),
        executor("Parsing Ordered Parameters."),
        executor(`Adding argument ${d.mode} with value ${d.scriptPath} to the named argument list.`),
        option,
        executor(`PowerShell path is ${d.powershellPath}`),
        executor(`[Executor] created powershell with process id ${d.processId}`),
        executor(
          `cmd line for running powershell is -NoProfile -executionPolicy bypass -file  "${d.scriptPath}"`,
        ),
      ];
    }
    case "script.exited": {
      const d = event.details;
      // The real line of a killed script (S12 REM-INSTALL-MODULE, ime.md §11b); the closing line is the usual one.
      if (d.timedOut === true)
        return [
          executor(`Error:Powershell script execution timed out. timeout = ${d.timeoutSeconds} seconds`, 3),
          executor("Agent executor completed."),
        ];
      return [
        executor(`Powershell exit code is ${d.exitCode}`),
        executor(`write output done. output = ${d.output.trimEnd()}, error = ${d.error.trimEnd()}`),
        d.exitCode === 0
          ? executor("Powershell script is successfully executed.")
          : invented(executor("Powershell script is failed to execute", 3)),
        executor("Agent executor completed."),
      ];
    }
    case "platformScript.completed":
      return [
        invented(
          ime(
            `[PowerShell] User Id = ${user}, Policy id = ${event.details.policyId}, policy result = ${event.details.result}`,
            event.details.result === "Success" ? 1 : 3,
          ),
        ),
      ];
    case "remediation.queued":
      return [hs(`Job is queued and will be scheduled to run at ${formatDotNetDateTime(event.details.at)}`)];
    case "remediation.scheduled": {
      const d = event.details;
      const kind = d.schedule === "Once" ? "once" : d.schedule === "Daily" ? "daily" : "hourly";
      const when =
        d.schedule === "Hourly"
          ? `Interval = ${d.interval}`
          : `Time = ${timeOfDay(d.time ?? "00:00:00")}${d.date === null ? "" : ` Date = ${d.date}`}`;
      return [
        invented(
          hs(
            `[HS] inspect ${kind} schedule for ${d.policyId}, UTC = ${d.useUtc ? "True" : "False"}, ${when}, next Run Time = ${
              d.nextRunAt === null ? "" : formatDotNetDateTime(d.nextRunAt)
            }`,
          ),
        ),
      ];
    }
    case "remediation.detected":
      return [
        invented(
          hs(
            `[HS] ${event.details.stage === "pre" ? "pre-remdiation" : "post-remediation"} detection script compliance result for ${event.details.policyId} is ${event.details.compliant ? "True" : "False"}`,
          ),
        ),
      ];
    case "remediation.remediated":
      return [
        invented(
          hs(
            `[HS] remediation script for ${event.details.policyId} exit code is ${event.details.exitCode}`,
            event.details.exitCode === 0 ? 1 : 3,
          ),
        ),
      ];
    case "remediation.completed":
      return [
        invented(hs(`[HS] Remediation status for ${event.details.policyId} is ${event.details.statusName}`)),
      ];
    case "compliance.evaluated": {
      // Custom compliance logs to HealthScripts.log beside the remediations (both run on the IME's HS
      // runner) [our choice: ime.md quotes no custom-compliance line]; every line here is ours.
      const d = event.details;
      return [
        invented(
          hs(
            `[HS] Compliance discovery result for policy ${d.policyId} is ${d.compliant ? "Compliant" : "NonCompliant"}`,
            d.compliant ? 1 : 2,
          ),
        ),
        ...d.settings
          .filter((s) => s.state !== "compliant")
          .map((s) =>
            invented(
              hs(
                `[HS] Setting ${s.settingName} = ${s.actualValue ?? "(missing)"} is ${s.state}: ${s.errorDetail ?? s.remediationTitle ?? ""}`,
                2,
              ),
            ),
          ),
      ];
    }
    case "scripts.reported":
      return [
        invented(
          (event.details.workload === "platform" ? ime : hs)(
            `Sending ${event.details.count} script results to the service for user ${user}`,
          ),
        ),
      ];
    case "scripts.reportFailed":
      return [
        invented(
          (event.details.workload === "platform" ? ime : hs)(
            `Failed to send script results: ${event.details.message}`,
            3,
          ),
        ),
      ];
  }
}
