// What the IME writes for each step, as the real lines of ime.md §1.3 (V3 era, AppWorkload.log split).
// Only this module knows the wording; it reads events and nothing else.
import { createHash } from "node:crypto";
import { Applicability, formatHexBare, InstallContext, nameOf, toSigned32 } from "@imesim/contracts/enums";
import { AppInstallStatus } from "@imesim/contracts/ime";
import { DEVICE_USER_ID, type ImeEvent } from "../events/types.ts";
import { isInventoryEvent, renderInventoryEvent } from "../inventory/inventory-lines.ts";
import type { CmtraceType } from "./cmtrace.ts";
import { isHealthEvent, renderHealthEvent } from "./health-lines.ts";
import { isScriptEvent, renderScriptEvent } from "./scripts/script-lines.ts";
import { renderGatewayResponse } from "./verbose-lines.ts";

/** The three log files the agent writes (ime.md §1.1). */
export type ImeLogFile =
  | "AppWorkload"
  | "IntuneManagementExtension"
  | "AgentExecutor"
  | "HealthScripts"
  | "Win32AppInventory"
  | "Sensor"
  | "ClientHealth";

/** One log entry before it gets its time and thread from the event. */
export interface RenderedLine {
  readonly file: ImeLogFile;
  readonly message: string;
  readonly type: CmtraceType;
  /** The CMTrace component when it is not the file's name (ClientHealth.log mixes two, health-lines.ts). */
  readonly component?: string;
  /** True for imesim's own wording of a step whose real line is not known ([I] below); `explain` marks these. */
  readonly invented?: true;
}

// The poller banners' dash runs are 53 dashes on each side in the real lines (ime.md §1.3.1).
const DASHES = "-".repeat(53);
const DOTS = ".".repeat(21);
/** .NET DateTime.MinValue in en-US format, how unset times print (ime.md §1.3.3). */
const DATETIME_MIN = "1/1/0001 12:00:00 AM";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** `MM/dd/yyyy HH:mm:ss` (UTC), the GRS and Reporting timestamp format (ime.md §4.4, §4.5). */
export function formatRegistryTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())}`;
}

/** .NET `M/d/yyyy h:mm:ss tt` en-US, how the IME prints DateTime values inside messages. */
export function formatDotNetDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad2(d.getUTCMinutes())}:${pad2(
    d.getUTCSeconds(),
  )} ${hours < 12 ? "AM" : "PM"}`;
}

/** A .NET TimeSpan string `hh:mm:ss.fffffff` for DO telemetry durations. */
export function formatTimeSpan(durationMs: number): string {
  const totalSeconds = Math.floor(durationMs / 1000);
  const fraction = String(Math.round((durationMs % 1000) * 10_000)).padStart(7, "0");
  return `${pad2(Math.floor(totalSeconds / 3600))}:${pad2(Math.floor(totalSeconds / 60) % 60)}:${pad2(
    totalSeconds % 60,
  )}.${fraction}`;
}

/** `37,187,491.00`: how the IME prints the downloaded size (ime.md §1.3.7). */
export function formatSize(size: number): string {
  return `${groupThousands(size)}.00`;
}

/**
 * `size.toLocaleString("en-US")` for a whole number: groups of three digits split by commas. Written out because
 * the ICU call costs more than the rest of a download's lines (issue 18); anything but a safe integer still uses it.
 */
function groupThousands(size: number): string {
  if (!Number.isSafeInteger(size) || Object.is(size, -0)) return size.toLocaleString("en-US");
  const digits = String(Math.abs(size));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let index = grouped.length; index < digits.length; index += 3) {
    grouped += `,${digits.slice(index, index + 3)}`;
  }
  return size < 0 ? `-${grouped}` : grouped;
}

const app = (message: string, type: CmtraceType = 1): RenderedLine => ({
  file: "AppWorkload",
  message,
  type,
});
const ime = (message: string, type: CmtraceType = 1): RenderedLine => ({
  file: "IntuneManagementExtension",
  message,
  type,
});
const executor = (message: string): RenderedLine => ({ file: "AgentExecutor", message, type: 1 });
/** Marks a line as our wording: the log files carry it unmarked, as the IME's own lines. */
const invented = (line: RenderedLine): RenderedLine => ({ ...line, invented: true });

const SKIP_MESSAGES = {
  assignmentFilters:
    "All apps in the subgraph are not applicable due to assignment filters. Skipping processing.",
  userNotLoggedIn:
    "All of the apps in the subgraph require user-context processing, and the target user is not logged in. Skipping processing.",
  restartRequired: "A restart is required to continue processing apps. Stop processing.",
} as const;

/** The restart kinds in our invented reboot line [I]: a DeviceRestartBehavior force restart is not a 1641 one. */
const REBOOT_WORDS = { soft: "Soft", hard: "Hard", forced: "Forced" } as const;

/**
 * Rule lines whose real wording is not known (ime.md §11a Other): real logs show requirement checks only as
 * `result of requirementMet: …` and never the compared values (only `applicationRequirementMetadata.RequiredMemory
 * is , skip check.` is verbatim), and MSI product-code detection only as the detection manager's completion line.
 */
const INVENTED_RULE_LINE =
  /^\[Win32App\] (ProductCode: |applicationRequirementMetadata\.(?!RequiredMemory is , skip check\.$))/;
/** A rule engine's line, marked as ours where §11a says the IME does not write it so. */
const ruleLine = (message: string): RenderedLine =>
  INVENTED_RULE_LINE.test(message) ? invented(app(message)) : app(message);
/** The toast names real logs show (ime.md §11a Other); any other is ours. */
const SEEN_TOASTS: ReadonlySet<string> = new Set(["ToastDependencyAppInstall"]);

/** The device session's banner leaves the SID empty (ime.md §11a Sessions). */
const sidOf = (session: { userId: string; userSid: string }): string =>
  session.userId === DEVICE_USER_ID ? "" : session.userSid;

/**
 * `DOMAIN\user` of an impersonated Entra user: Entra accounts sign in to Windows as `AzureAD\<name>`. Without
 * a known name we print the object id in its place [I].
 */
function impersonatedAccount(details: { userId: string; accountName?: string }): string {
  return `AzureAD\\${details.accountName ?? details.userId}`;
}

/**
 * The DO job's GUID. DO invents it; we derive it from the FileId so a run's lines are reproducible and the
 * start and completion lines of one job name the same job.
 */
export function doJobId(fileId: string): string {
  // A download writes its job's id on three lines, and every device downloads the same files: hashed once each.
  let id = jobIds.get(fileId);
  if (id === undefined) {
    id = hashJobId(fileId);
    if (jobIds.size >= JOB_IDS_SIZE) jobIds.clear();
    jobIds.set(fileId, id);
  }
  return id;
}

/** doJobId's results by FileId; past this many files the memo starts over. */
const jobIds = new Map<string, string>();
const JOB_IDS_SIZE = 4096;

function hashJobId(fileId: string): string {
  const hex = createHash("sha1").update(fileId).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/** The first IME build that dropped the `[DO TEL]` line for `DO download and decryption is successfully done` (ime.md §0). */
const DO_DONE_LINE_SINCE = [1, 101] as const;

/** True when an IME of `agentVersion` (e.g. `1.98.103.0`) still writes the `[DO TEL]` telemetry line. */
export function writesDoTelemetryLine(agentVersion: string): boolean {
  const [major = 0, minor = 0] = agentVersion.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return major < DO_DONE_LINE_SINCE[0] || (major === DO_DONE_LINE_SINCE[0] && minor < DO_DONE_LINE_SINCE[1]);
}

/** The log entries one event produces, in order; most events produce one, some none, a few several. */
export function renderEvent(event: ImeEvent): RenderedLine[] {
  if (isScriptEvent(event)) return renderScriptEvent(event);
  if (isInventoryEvent(event)) return renderInventoryEvent(event);
  if (isHealthEvent(event)) return renderHealthEvent(event);
  const id = event.appId ?? "";
  const user = event.userId ?? "";
  switch (event.phase) {
    case "service.started":
      return [ime("EMS Agent Started"), ime(`Agent version is: ${event.details.agentVersion}`)];
    case "service.stopping":
      return [ime(`EMS Agent received ${event.details.signal === "stop" ? "stop" : "shutdown"} signal`)];
    case "service.stopped":
      return [ime("EMS Agent Stopped")];
    case "service.notStartedAtBoot":
      // The IME is not running: it writes nothing.
      return [];
    case "service.startupDelay":
      return [
        ime(`Delaying all checkins by ${Math.round(event.details.allCheckinsMs / 1000)} s`),
        ime(
          `Delaying PS and Win32 app workload checkins by ${Math.round(event.details.win32CheckinsMs / 1000)} s`,
        ),
      ];
    case "checkin.scheduled":
      return [
        app(
          `[Win32App][CheckinIntervalManager] UpdateTimerIntervalForNextCheckin. Current interval of timer is ${event.details.intervalMs}`,
        ),
      ];
    case "checkin.started":
      return [ime(`checkinReason = ${event.details.reason}`)];
    case "gateway.response":
      return renderGatewayResponse(event);
    case "mdm.syncRequested":
      // Windows' OMA-DM session logs to its own event channel, not to the IME's files.
      return [];
    case "checkin.completed":
      return [];
    case "token.acquired":
      return [ime("Successfully get the token")];
    case "token.failed":
      return [
        ime(`Failed to get AAD token. ${event.details.message} errorCode = ${event.details.errorCode}`, 3),
      ];
    case "poller.started":
      return [app(`[Win32App] ${DASHES} application poller starts. ${DASHES}`, 2)];
    case "poller.sessions":
      return [app(`[Win32App] Got ${event.details.count} active user sessions`)];
    case "poller.sessionStarted":
      // The device session's SID is empty (two spaces before the dots), and the banner and the ESP line are
      // type 2 (ime.md §11a Sessions).
      return [
        app(
          `[Win32App] ${DOTS} Processing user session ${event.details.session}, userId: ${event.details.userId}, userSID: ${sidOf(event.details)} ${DOTS}`,
          2,
        ),
        app("[Win32App] The EspPhase: NotInEsp in session", 2),
        // A userless check-in takes no user token; a user's processing starts impersonated as the user, with
        // the co-management workload's status (ime.md §11a Sessions).
        ...(event.details.userId === DEVICE_USER_ID
          ? [app("Userless session, skip UserToken for device check-in")]
          : [
              app(`After impersonation: ${impersonatedAccount(event.details)}`),
              app("Comgt app workload status False"),
            ]),
      ];
    case "poller.sessionEmpty":
      return [
        app(
          `[Win32App] Get 0 apps for user session ${event.details.session}, user id = ${event.details.userId}`,
        ),
      ];
    case "poller.sessionCompleted":
      return [
        app(
          `[Win32App] ${DOTS} Completed user session ${event.details.session}, userId: ${event.details.userId}, userSID: ${sidOf(event.details)} ${DOTS}`,
        ),
      ];
    case "poller.sessionInterrupted":
      // Only the end, with its doubled "to complete", is known (ime.md §11a [C*: S10]); the start is ours [I].
      return [
        invented(
          app("[Win32App] A device restart is required to complete to complete the check in process.", 2),
        ),
      ];
    case "reevaluation.checkinFound":
      return [
        app(
          `[Win32App][ReevaluationScheduleManager] Found previous reevaluation check-in time value: ${formatDotNetDateTime(event.details.at)}.`,
        ),
      ];
    case "poller.stopped":
      return [app(`[Win32App] ${DASHES} application poller stopped. ${DASHES}`, 2)];
    case "apps.requesting": {
      const words = {
        required: "Requesting required apps",
        available: "Requesting available apps only",
        selected: "Requesting selected apps for ESP",
      } as const;
      // `Requesting required apps` is type 2 in real logs (ime.md §11a Sessions).
      return [app(`[Win32App] ${words[event.details.kind]}`, event.details.kind === "required" ? 2 : 1)];
    }
    case "apps.received":
      return [
        app(
          `[Win32App] Got ${event.details.count} Win32App(s) for user ${user} in session ${event.details.session}`,
        ),
        app(`Get policies = ${event.details.policiesJson}`),
      ];
    case "apps.requestFailed":
      // [I] Not a line of ime.md: the real wording of a failed app-list request is not known.
      return [invented(app(`[Win32App] Failed to get app policies: ${event.details.message}`, 3))];
    case "subgraphs.processing":
      return [app(`[Win32App][V3Processor] Processing ${event.details.count} subgraphs.`)];
    case "subgraph.processing":
      return [
        app(`[Win32App][V3Processor] Processing subgraph with app ids: ${event.details.appIds.join(", ")}`),
      ];
    case "subgraph.skipped":
      if (event.details.reason === "reevaluationNotExpired") {
        return [
          app("[Win32App][ReevaluationScheduleManager] Subgraph reevaluation interval is not expired"),
          app(
            `[Win32App][V3Processor] Reevaluation interval is not expired for subgraph ${event.details.hash} and no override condition applies. Skipping processing.`,
          ),
        ];
      }
      return [app(`[Win32App][V3Processor] ${SKIP_MESSAGES[event.details.reason]}`)];
    case "subgraph.done":
      return [app("[Win32App][V3Processor] Done processing subgraph.")];
    case "subgraphs.done":
      return [app(`[Win32App][V3Processor] Done processing ${event.details.count} subgraphs.`)];
    case "reevaluation.found":
      return [
        app(
          `[Win32App][ReevaluationScheduleManager] Found previous subgraph reevaluation time value: ${formatDotNetDateTime(event.details.at)} at key ${event.details.hash}.`,
        ),
      ];
    case "reevaluation.scheduled":
      return [
        app(
          `[Win32App][ReevaluationScheduleManager] Setting subgraph reevaluation time with value: ${formatDotNetDateTime(
            event.details.at,
          )} for subgraph with hash ${event.details.hash}`,
        ),
      ];
    case "grs.checked": {
      const { hash, verdict, value, keyPath } = event.details;
      const found =
        value === undefined
          ? []
          : [
              app(
                `[Win32App][GRSManager] Found GRS value: ${formatRegistryTimestamp(value)} at key ${keyPath ?? ""}.`,
              ),
            ];
      const verdicts = {
        noValue: `App with id: ${id} has no recorded GRS value which will be treated as expired.`,
        expired: `App with id: ${id} is expired.`,
        notExpired: `App with id: ${id} is not expired.`,
        bypassedByIntent: `App with id: ${id} is not expired but will be enforced due to targeting intent on the subgraph.`,
      } as const;
      return [...found, app(`[Win32App][GRSManager] ${verdicts[verdict]} | Hash = ${hash}`)];
    }
    case "grs.blocked":
      return [
        app(
          `[Win32App][ActionProcessor] App with id: ${id} to install is in GRS. The app will not be enforced.`,
        ),
      ];
    case "grs.recorded":
      return [];
    case "grs.reset":
      return event.details.earlyTermination
        ? [
            app(
              `[Win32App][ExecutionActionHandler] Encountered early subgraph termination. Clearing GRS for app with id: ${id} so it can be retried during the next check-in.`,
            ),
            app(`[GRSManager] Reset GRS value for app: ${id}`),
          ]
        : [app(`[GRSManager] Reset GRS value for app: ${id}`)];
    case "desiredState.calculated": {
      const d = event.details;
      return [
        app("[Win32App][ActionProcessor] Calculating desired states for all subgraphs"),
        app(
          `[Win32App][ActionProcessor] App with id: ${id}, targeted intent: ${d.targetedIntent}, and enforceability: Enforceable has projected enforcement classification: ${d.classification} with desired state: ${d.desiredState}. Current state is:\n` +
            `Detection = ${d.detection}\nApplicability =  ${d.applicability}\nReboot = Clean\n` +
            `Local start time = ${DATETIME_MIN}\nLocal deadline time = ${DATETIME_MIN}\nGRS expired = ${d.grsExpired ? "True" : "False"}`,
        ),
      ];
    }
    case "desiredState.noAction":
      return [app(`[Win32App][ActionProcessor] No action required for app with id: ${id}.`)];
    case "desiredState.toInstall":
      return [
        app(
          `[Win32App][ActionProcessor] Found: ${event.details.appIds.length} apps with intent to install: [${event.details.appIds.join(", ")}].`,
        ),
      ];
    case "detection.completed":
      return [
        app("[Win32App] ProcessDetectionRules starts"),
        ...event.details.ruleLines.map(ruleLine),
        app(
          `[Win32App][DetectionActionHandler] Detection for policy with id: ${id} resulted in action status: Success and detection state: ${
            event.details.detected ? "Detected" : "NotDetected"
          }.`,
        ),
      ];
    case "applicability.userlessCheckin":
      return [
        app(
          `[Win32Apps] App policy with id: ${id} will not be evaluated as it has user install context and this is a userless check-in. The app will be reported as not applicable.`,
        ),
      ];
    case "applicability.completed":
      return [
        ...event.details.ruleLines.map(ruleLine),
        app(
          `[Win32App][ApplicabilityActionHandler] Applicability check for policy with id: ${id} resulted in action status: Success and applicability state: ${event.details.applicabilityName}.`,
        ),
      ];
    case "download.started": {
      const d = event.details;
      const priority = d.foreground ? "BG_JOB_PRIORITY_FOREGROUND" : "BG_JOB_PRIORITY_NORMAL";
      return [
        app(
          `[Win32App][DownloadActionHandler] Handler invoked for policy with id: ${id} and version: ${d.version}`,
        ),
        app(`[Win32App] Downloading app on session ${d.session}. App: ${id}`),
        app(`[Win32App] Content cache miss for app (id = ${id}, name = ${d.name}), start downloading...`),
        app(`[Win32App] DownloadType = 2, DownloadUrl = ${d.url}`),
        app(`[Win32App DO] start creating a new download job, FileId = ${d.fileId}`),
        app(`[Win32App DO] DO Job set priority is ${priority} == time out is ${d.timeoutMs} ms`),
        // The job lines carry no tag (ime.md §11a Delivery Optimization); `bytes 0/0` marks the start.
        app(`Starting job ${doJobId(d.fileId)}...`),
        app(`...job ${doJobId(d.fileId)} started`),
        app(`Waiting ${d.timeoutMs} ms for 1 jobs to complete`),
        app(
          `[StatusService] Downloading app (id = ${id}, name ${d.name}) via DO, bytes 0/0 for user ${user}`,
        ),
      ];
    }
    case "download.progress":
      return [
        app(
          `[StatusService] Downloading app (id = ${id}, name ${event.details.name}) via DO, bytes ${event.details.bytes}/${event.details.total} for user ${user}`,
        ),
      ];
    case "download.resumed":
      // [I] Not a line of ime.md: the IME's wording for a resumed (Range) download is not known.
      return [invented(app(`[Win32App DO] Resuming download from byte ${event.details.fromByte}`, 2))];
    case "download.doTimedOut":
      return [app("[Win32App DO] DO downloading is not finished within timeout", 2)];
    case "download.cdnFallback":
      return [app(`[Win32App] CDN mode, content raw URL is ${event.details.url}`)];
    case "download.completed":
      if (event.details.via === "CDN") return [app("[Win32App] CDN mode, download completes.")];
      return [
        app("Notified DO Service the job is complete."),
        app(`Completing job ${doJobId(event.details.telemetry.FileId)}...`),
        // One era per run (ime.md §0): IME < 1.101 writes the [DO TEL] line here; later builds write
        // `DO download and decryption is successfully done` once the hash check and decryption are done.
        ...(writesDoTelemetryLine(event.details.agentVersion)
          ? [app(`[DO TEL] = ${JSON.stringify(event.details.telemetry)}`)]
          : []),
        // The unit of `Downloaded file time` is not known (ime.md §11a); we print milliseconds [I].
        app(`[Win32App] Downloaded file time ${event.details.durationMs.toFixed(2)}`),
      ];
    case "download.failed":
      return [
        app(
          `JobError callback (Context: BG_ERROR_CONTEXT_REMOTE_FILE; ErrorCode: ${formatHexBare(event.details.errorCode)}) for job ${doJobId(event.details.fileId)}`,
          3,
        ),
        app(`Job has failed. Error: ${formatHexBare(event.details.errorCode)}`, 3),
      ];
    case "content.verified":
      return [
        app(`[Win32App] Downloaded file size ${formatSize(event.details.size)}`),
        app("[Win32App] Starts verifying encrypted hash"),
        app("[Win32App] file hash validation pass, starts decrypting"),
      ];
    case "content.decrypted":
      // After the hash check and decryption, never before (ime.md §11a): IME ≥ 1.101 after a DO download.
      return [
        app("[Win32App] Decryption is done successfully."),
        ...(event.details.via === "DO" && !writesDoTelemetryLine(event.details.agentVersion)
          ? [app("[Win32App DO] DO download and decryption is successfully done")]
          : []),
      ];
    case "content.unzipped":
      return [
        app("[Win32App] Start unzipping."),
        app(
          `[Win32App] Unzipping file on session ${event.details.session} from ${event.details.from} to ${event.details.to}`,
        ),
        // Untagged in real logs (ime.md §11a Delivery Optimization).
        app("Cleaning up staging content ..."),
      ];
    case "content.failed":
      if (event.details.stage === "decrypt") return [app(`Decryption is failed for appId ${id}`, 3)];
      if (event.details.stage === "verify") {
        // Only the start `[Win32App] file hash validation` is known (ime.md §11a); the rest is ours [I].
        return [
          app("[Win32App] Starts verifying encrypted hash"),
          invented(app(`[Win32App] file hash validation failed: ${event.details.message}`, 3)),
        ];
      }
      return [app(`[Win32App] ${event.details.message}`, 3)];
    case "install.started": {
      const d = event.details;
      const executionType = d.intent === "install" ? "Install" : "Uninstall";
      return [
        app(
          `[Win32App][ExecutionActionHandler] Handler invoked with execution type: ${executionType} for policy with id: ${id} and version: ${d.version}.`,
        ),
        app(`[Win32App] ===Step=== Execute retry ${d.retry}`),
        app(
          // ime.md §1.3.8 elides the uninstall command with "..."; the IME prints the policy's own.
          `[Win32App] ===Step=== InstallBehavior RegularWin32App, Intent ${d.policyIntent}, UninstallCommandLine ${d.uninstallCommandLine}\n${d.commandLine}`,
        ),
        app(`[Win32App] SetCurrentDirectory: ${d.workingDirectory}`),
        ...(d.account === "user" ? [app("Trying to get elevated token for user.")] : []),
        app(`[Win32App] Launch Win32AppInstaller in ${d.account === "system" ? "machine" : "user"} session`),
      ];
    }
    case "install.launched":
      return [
        app("[Win32App] lastWin32Error 0 after CreateProcess"),
        app("[Win32App] Create installer process successfully."),
        app(`[Win32App] process id = ${event.details.processId}`),
        app(`[Win32App] Installer process timeout milliseconds: ${event.details.timeoutMs}.`),
      ];
    case "install.launchFailed":
      return [
        app(`[Win32App] lastWin32Error ${event.details.win32Error} after CreateProcess`),
        app(`[Win32App] Failed to create installer process. Error code = ${event.details.win32Error}`, 3),
      ];
    case "install.finished": {
      const d = event.details;
      if (d.timedOut || d.exitCode === undefined) {
        return [
          app("[Win32App] Installation is timeout, collecting result", 2),
          app("[Win32App] installer is running timeout, skip staged content clean up.", 2),
        ];
      }
      const lines = [
        app("[Win32App] Installation is done, collecting result"),
        app(`[Win32App] lpExitCode ${d.exitCode}`),
      ];
      if (d.mapping === undefined) {
        const signed = toSigned32(d.errorCode);
        lines.push(
          app(`[Win32App] hResultFromWin32 ${signed}`),
          app(`[Win32App] Set EnforcementStateMessage.ErrorCode ${signed}`),
          app(`[Win32App] Admin did NOT set mapping for lpExitCode: ${d.exitCode} of app: ${id}`, 2),
          app(
            `[Win32App] Setting enforcementState as: Error with lpExitCode: ${d.exitCode} without mapping`,
            3,
          ),
        );
      } else {
        lines.push(app(`[Win32App] lpExitCode is defined as ${d.mapping}`));
      }
      lines.push(app(`[Win32App] DeviceRestartBehavior: ${d.deviceRestartBehavior}`));
      return lines;
    }
    case "install.retryScheduled":
      // [I] Not a line of ime.md: the real log only shows the next `===Step=== Execute retry N` (§5.1).
      return [
        invented(
          app(
            `[Win32App] Retry code returned, retry ${event.details.retry} will start in ${Math.round(event.details.delayMs / 60_000)} minutes`,
          ),
        ),
      ];
    case "reboot.required":
      // [I] Not a line of ime.md (§5.4 gives only the V3Processor stop line and `DeviceRestartBehavior: N`).
      return [
        invented(app(`[Win32App] ${REBOOT_WORDS[event.details.kind]} reboot is required for app ${id}`, 2)),
      ];
    case "reboot.blocking":
      return [app(`[Win32App][V3Processor] ${SKIP_MESSAGES.restartRequired}`)];
    case "state.compliance":
    case "state.enforcement":
    case "enforcement.completed":
      return [];
    case "report.delta":
      return [
        app(
          `[Win32App][ReportingManager] ${event.details.kind} state for app with id: ${id} has been updated. Report delta: ${JSON.stringify(event.details.delta)}`,
        ),
      ];
    case "report.loaded":
      return [
        app(
          event.details.found
            ? `[Win32App][ReportingManager] App with id: ${id} and prior AppAuthority: V3 has been loaded and reporting state initialized. ReportingState: ${JSON.stringify(event.details.reportingState)}`
            : `[Win32App][ReportingManager] App with id: ${id} and prior AppAuthority: V3 could not be loaded from store. Reporting state initialized with initial values. ReportingState: ${JSON.stringify(event.details.reportingState)}`,
        ),
      ];
    case "report.withheld":
      return [
        app(
          `[Win32App][ReportingManager] Not sending status update for user with id: ${user} and app: ${id} because the app does not have available, required, or uninstall intent.`,
        ),
      ];
    case "report.sent": {
      const status = event.details.statusServiceReport;
      const user = status.UserId;
      // ime.md §1.3.9: the StatusService answers with the report it then saves under StatusServiceReports.
      const returning =
        status.Status === AppInstallStatus.Unknown
          ? "[StatusService] Returning AppInstallStatus as Unknown since Compliance State is 2."
          : `[StatusService] Returning status to user with id: ${user} for V3-managed app with id: ${id} and install context: ${nameOf(InstallContext, status.InstallContext)}. Applicability: ${nameOf(Applicability, status.Applicability) ?? status.Applicability}, Status: ${nameOf(AppInstallStatus, status.Status)}, ErrorCode: ${status.ErrorCode}`;
      return [
        app(
          `[Win32App][ReportingManager] Sending status to company portal based on report: ${JSON.stringify(event.details.report)}`,
        ),
        app(returning),
        app(
          `[StatusService] Saved AppInstallStatusReport for user ${user} for app ${id} in the StatusServiceReports registry.`,
        ),
      ];
    }
    case "report.uploadFailed":
      // [I] Not a line of ime.md: the wording of a failed status upload is not known.
      return [
        invented(app(`[Win32App][ReportingManager] Failed to send status: ${event.details.message}`, 3)),
      ];
    case "cleanup.completed": {
      const lines = [app(`[Win32App] removing content from cache ${event.details.incomingPath}`)];
      if (!event.details.keptImeCache)
        lines.push(app(`[Win32App] Cleaning up staged content ${event.details.imeCachePath}`));
      return lines;
    }
    case "toast.shown": {
      // Three arguments: the toast name, the app name and a base64 JSON (ime.md §11a Other); what the JSON
      // holds is not known, ours carries the app's name [I].
      const json64 = Buffer.from(JSON.stringify({ AppName: event.details.appName }), "utf8").toString(
        "base64",
      );
      const exe = "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\agentexecutor.exe";
      const toastLine = app(
        `[Win32App] Toast message with: "${exe}"  -toast "${event.details.toast}" "${event.details.appName}" "${json64}"`,
      );
      return [
        SEEN_TOASTS.has(event.details.toast) ? toastLine : invented(toastLine),
        executor("ExecutorLog AgentExecutor gets invoked"),
        // [I] These two lines are ours, by analogy with the `Powershell option gets invoked` run of ime.md §1.5.
        invented(executor("Toast option gets invoked")),
        invented(executor(`Showing toast ${event.details.toast}`)),
        executor("Agent executor completed."),
      ];
    }
  }
}
