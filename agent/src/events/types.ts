// The agent's one stream of facts. Every step of the IME's flow emits exactly one of these; the
// CMTrace writer, status reports, scenario expectations, `imesim explain` and any dashboard all read
// this stream, so they can never disagree about what happened.
import type { AppInstallStatusReport } from "@imesim/contracts/ime";
import type { InventoryEventBody } from "../inventory/inventory-events.ts";
import type { HealthEventBody } from "./health-events.ts";
import type { ScriptEventBody } from "./script-events.ts";

/** The Entra object id the IME uses for device (userless) state (ime.md §4.1). */
export const DEVICE_USER_ID = "00000000-0000-0000-0000-000000000000";

/** Why a check-in started, with the gateway's CheckinReason names (ime.md §6). */
export type CheckinReasonName =
  | "Unknown"
  | "UserLogOn"
  | "MaintenanceTimer"
  | "Notification"
  | "AgentRestart"
  | "APV2"
  | "OnDemand"
  | "ESP";

/** Which app list a check-in asks for (ime.md §1.3.1, §3.1). */
export type AppListKind = "required" | "available" | "selected";

/** The execution types the ExecutionActionHandler logs. */
export type ExecutionIntent = "install" | "uninstall";

/** The five ReturnCodes types by their log words (ime.md §2.7). */
export type ReturnCodeWord = "Success" | "SoftReboot" | "HardReboot" | "Retry" | "Failed";

/** Why a subgraph was not processed (ime.md §1.3.2). */
export type SubgraphSkipReason =
  | "assignmentFilters"
  | "reevaluationNotExpired"
  | "userNotLoggedIn"
  | "restartRequired";

/** The GRS gate's verdict for one app (ime.md §1.3.2, §5.2). */
export type GrsVerdict = "noValue" | "expired" | "notExpired" | "bypassedByIntent";

/** Delivery Optimization telemetry for one download (ime.md §1.3.6 `[DO TEL]` fields). */
export interface DeliveryTelemetry {
  readonly FileId: string;
  readonly FileSize: number;
  readonly TotalBytesDownloaded: number;
  readonly BytesFromPeers: number;
  readonly PercentPeerCaching: number;
  readonly BytesFromLanPeers: number;
  readonly BytesFromGroupPeers: number;
  readonly BytesFromInternetPeers: number;
  readonly BytesFromLinkLocalPeers: number;
  readonly BytesFromCacheServer: number;
  readonly CacheHost: string;
  readonly DownloadMode: number;
  /** A .NET TimeSpan string, e.g. `00:00:12.3400000`. */
  readonly DownloadDuration: string;
  readonly BytesFromHttp: number;
}

/** One delta of the ReportingManager's "Report delta" JSON (ime.md §1.3.9). */
export type ReportDelta = Readonly<
  Record<string, { readonly OldValue: unknown; readonly NewValue: unknown }>
>;

/** Every step the agent reports, by phase; `details` holds exactly what that step knows. */
export type ImeEventBody =
  | { phase: "service.started"; details: { agentVersion: string; reason: "start" | "restart" | "reboot" } }
  | { phase: "service.stopping"; details: { signal: "stop" | "shutdown" } }
  | { phase: "service.stopped"; details: Record<string, never> }
  /** Windows came back from a reboot without starting the IME: its start-up type is manual or disabled. */
  | { phase: "service.notStartedAtBoot"; details: Record<string, never> }
  | { phase: "service.startupDelay"; details: { allCheckinsMs: number; win32CheckinsMs: number } }
  | {
      phase: "checkin.scheduled";
      details: { intervalMs: number; source: "default" | "settingsInterval" | "server" };
    }
  | { phase: "checkin.started"; details: { reason: CheckinReasonName } }
  | { phase: "checkin.completed"; details: { reason: CheckinReasonName; failed: boolean } }
  | { phase: "token.acquired"; details: { expiresAt: number } }
  | { phase: "token.failed"; details: { errorCode: number; message: string } }
  | { phase: "poller.started"; details: Record<string, never> }
  | { phase: "poller.sessions"; details: { count: number } }
  | {
      phase: "poller.sessionStarted";
      details: { session: number; userId: string; userSid: string; accountName?: string };
    }
  | { phase: "poller.sessionCompleted"; details: { session: number; userId: string; userSid: string } }
  /** A session with nothing to do: one line and no Completed banner (ime.md §11a Sessions). */
  | { phase: "poller.sessionEmpty"; details: { session: number; userId: string } }
  | { phase: "poller.stopped"; details: Record<string, never> }
  | { phase: "apps.requesting"; details: { kind: AppListKind } }
  | { phase: "apps.received"; details: { count: number; session: number; policiesJson: string } }
  | { phase: "apps.requestFailed"; details: { kind: AppListKind; message: string; status?: number } }
  | { phase: "subgraphs.processing"; details: { count: number } }
  | { phase: "subgraph.processing"; details: { appIds: readonly string[]; hash: string } }
  | { phase: "subgraph.skipped"; details: { reason: SubgraphSkipReason; hash: string } }
  | { phase: "subgraph.done"; details: { hash: string } }
  | { phase: "subgraphs.done"; details: { count: number } }
  | { phase: "reevaluation.scheduled"; details: { hash: string; at: number } }
  | { phase: "reevaluation.found"; details: { hash: string; at: number } }
  | { phase: "grs.checked"; details: { hash: string; verdict: GrsVerdict; value?: number; keyPath?: string } }
  | { phase: "grs.blocked"; details: Record<string, never> }
  | { phase: "grs.recorded"; details: { hash: string; at: number } }
  | { phase: "grs.reset"; details: { earlyTermination: boolean } }
  | {
      phase: "desiredState.calculated";
      details: {
        targetedIntent: string;
        classification: string;
        desiredState: string;
        detection: string;
        applicability: string;
        grsExpired: boolean;
      };
    }
  | { phase: "desiredState.noAction"; details: Record<string, never> }
  | { phase: "desiredState.toInstall"; details: { appIds: readonly string[] } }
  | {
      phase: "detection.completed";
      details: { detected: boolean; version?: string; ruleLines: readonly string[]; afterExecution: boolean };
    }
  /** A user-context app met in a userless check-in: reported not applicable (ime.md §7.6). */
  | { phase: "applicability.userlessCheckin"; details: Record<string, never> }
  | {
      phase: "applicability.completed";
      details: { applicability: number; applicabilityName: string; ruleLines: readonly string[] };
    }
  | {
      phase: "download.started";
      details: {
        version: number;
        name: string;
        url: string;
        fileId: string;
        session: number;
        foreground: boolean;
        timeoutMs: number;
      };
    }
  | { phase: "download.progress"; details: { name: string; bytes: number; total: number } }
  | { phase: "download.resumed"; details: { fromByte: number } }
  | { phase: "download.doTimedOut"; details: { timeoutMs: number } }
  | { phase: "download.cdnFallback"; details: { url: string } }
  | {
      phase: "download.completed";
      details: {
        size: number;
        via: "DO" | "CDN";
        telemetry: DeliveryTelemetry;
        agentVersion: string;
        /** From the job's start to its last byte, simulated ms (`Downloaded file time`). */
        durationMs: number;
      };
    }
  /** `errorCode` is the one the enforcement records (0x87D30067), so log, registry and report agree. */
  | { phase: "download.failed"; details: { errorCode: number; message: string; fileId: string } }
  | { phase: "content.verified"; details: { size: number } }
  | { phase: "content.decrypted"; details: { via: "DO" | "CDN"; agentVersion: string } }
  | { phase: "content.unzipped"; details: { session: number; from: string; to: string } }
  | {
      phase: "content.failed";
      details: { stage: "contentInfo" | "verify" | "decrypt" | "unzip"; errorCode: number; message: string };
    }
  | {
      phase: "install.started";
      details: {
        intent: ExecutionIntent;
        /** The policy's Intent number, as the `===Step===` line prints it (ime.md §1.3.8, §2.2). */
        policyIntent: number;
        /** The policy's UninstallCommandLine, printed in the same line. */
        uninstallCommandLine: string;
        version: number;
        retry: number;
        commandLine: string;
        workingDirectory: string;
        account: "system" | "user";
        processId: number;
        timeoutMs: number;
      };
    }
  | { phase: "install.launched"; details: { processId: number; timeoutMs: number } }
  | { phase: "install.launchFailed"; details: { win32Error: number; message: string } }
  | {
      phase: "install.finished";
      details: {
        exitCode: number | undefined;
        timedOut: boolean;
        mapping: ReturnCodeWord | undefined;
        errorCode: number;
        deviceRestartBehavior: number;
      };
    }
  | { phase: "install.retryScheduled"; details: { retry: number; delayMs: number } }
  | { phase: "reboot.required"; details: { kind: "soft" | "hard" | "forced" } }
  | { phase: "reboot.blocking"; details: Record<string, never> }
  | { phase: "state.compliance"; details: { keyPath: string; message: Readonly<Record<string, unknown>> } }
  | { phase: "state.enforcement"; details: { keyPath: string; enforcementState: number; errorCode: number } }
  | {
      phase: "report.delta";
      details: {
        kind: "Detection" | "Execution" | "Applicability" | "Desired" | "Download";
        delta: ReportDelta;
      };
    }
  /** The ReportingManager loads the app's last report, or starts from initial values (ime.md §11a Reporting). */
  | { phase: "report.loaded"; details: { found: boolean; reportingState: Readonly<Record<string, unknown>> } }
  /** An app without intent of its own (a dependency) gets no Company Portal status (ime.md §11a Reporting). */
  | { phase: "report.withheld"; details: Record<string, never> }
  | {
      phase: "report.sent";
      details: {
        report: Readonly<Record<string, unknown>>;
        /** What the StatusService saved under StatusServiceReports (ime.md §4.5). */
        statusServiceReport: AppInstallStatusReport;
      };
    }
  | { phase: "report.uploadFailed"; details: { message: string } }
  | {
      phase: "cleanup.completed";
      details: { incomingPath: string; imeCachePath: string; keptImeCache: boolean };
    }
  | { phase: "toast.shown"; details: { toast: string; appName: string } }
  | {
      phase: "enforcement.completed";
      details: { enforcementState: number; errorCode: number; detected: boolean };
    }
  /** A session cut short by a pending restart: its last line (ime.md §11a GRS and re-evaluation wording). */
  | { phase: "poller.sessionInterrupted"; details: { session: number; userId: string } }
  /** The session's last check-in time, found before its subgraphs (ime.md §11a GRS and re-evaluation wording). */
  | { phase: "reevaluation.checkinFound"; details: { at: number } }
  // Platform scripts and remediations (issue 16), declared beside their workload.
  | ScriptEventBody
  /**
   * A Company Portal (or Settings) Sync asked Windows for an MDM check-in (ime.md §6); the OMA-DM session
   * itself is Windows', not the IME's, so no IME log line follows (issue 16, sync from outside).
   */
  | { phase: "mdm.syncRequested"; details: { source: "companyPortal" } }
  /**
   * The raw SideCar reply, emitted only while the agent config's switchValue is Verbose: the verbose-only
   * `Response from Intune = {` lines (ime.md §1.1, §3.2).
   */
  | { phase: "gateway.response"; details: { requestContentType: string; body: string } }
  | InventoryEventBody
  // The health evaluation task (issue 16, ime.md §8), declared beside its module.
  | HealthEventBody;

export type ImePhase = ImeEventBody["phase"];

/** Who and when, common to every event. */
export interface ImeEventEnvelope {
  /** 1, 2, 3… in emission order within one agent. */
  readonly seq: number;
  readonly deviceId: string;
  /** Entra object id, or DEVICE_USER_ID for device-context work; absent for service-level events. */
  readonly userId?: string;
  readonly appId?: string;
  /** Simulated time, epoch ms. */
  readonly simTime: number;
  /** Wall-clock time the event was emitted, epoch ms. */
  readonly wallTime: number;
  /** The managed thread id the IME would log this step on. */
  readonly thread: number;
}

/** One event on the stream. */
export type ImeEvent = ImeEventEnvelope & ImeEventBody;

/** The event of one phase, with its details narrowed. */
export type ImeEventOf<P extends ImePhase> = ImeEventEnvelope & Extract<ImeEventBody, { phase: P }>;
