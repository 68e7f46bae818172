// What the real IME does at each step of its flow, and why — the narration `imesim explain` adds to
// every event. Each note names the reference section it rests on, so a learner can read further.
import type { ImePhase } from "@imesim/agent/events";
import { HEALTH_PHASE_NOTES } from "./health-notes.ts";
import { INVENTORY_PHASE_NOTES } from "./inventory-notes.ts";
import { SCRIPT_PHASE_NOTES } from "./script-notes.ts";

/** A short title and the explanation of one phase. */
export interface PhaseNote {
  readonly title: string;
  readonly why: string;
}

/**
 * A note per event phase. Partial on purpose: the agent's event vocabulary grows while this table is
 * written; a phase without a note is narrated by `noteFor` from its own name.
 */
export const PHASE_NOTES: Readonly<Record<string, PhaseNote>> = {
  "service.started": {
    title: "The IME service starts",
    why: "Microsoft.Management.Services.IntuneWindowsAgent.exe (a 32-bit process) starts with Windows or after Restart-Service; a start always leads to an AgentRestart check-in (ime.md §6).",
  },
  "service.startupDelay": {
    title: "Start-up delay",
    why: "Right after starting, the IME waits before checking in: 36 s for all check-ins and 147 s for the Win32 app workload (ime.md §1.3.11).",
  },
  "service.stopping": {
    title: "The IME service is asked to stop",
    why: "Stop-Service or a shutdown signals the service; it finishes its step and stops (ime.md §1.3.11).",
  },
  "service.stopped": {
    title: "The IME service stopped",
    why: "Nothing runs until the service starts again; timers are gone, state stays in the registry (ime.md §4).",
  },
  "service.notStartedAtBoot": {
    title: "Windows booted without starting the IME",
    why: "Windows starts a service at boot only when its start-up type is Automatic; a manual or disabled IME stays down, writes nothing and checks in for nothing until someone — the daily health evaluation task — starts it (ime.md §8).",
  },
  "checkin.scheduled": {
    title: "Next check-in scheduled",
    why: "The app poller runs about hourly (the timer alternates 58/62 min); Settings\\Interval overrides it when set — a value the reference marks unconfirmed on current builds (ime.md §1.3.11, §4.5, §6, §11).",
  },
  "checkin.started": {
    title: "Check-in starts",
    why: "A timer (MaintenanceTimer), a service restart or reboot (AgentRestart), a user logon (UserLogOn), the syncapp moniker or a Company Portal sync (OnDemand) makes the IME ask the service for its apps; the reason is sent as CheckinReason (ime.md §6).",
  },
  "mdm.syncRequested": {
    title: "MDM sync requested",
    why: "A Company Portal (or Settings) Sync starts an MDM check-in with Windows' own OMA-DM client, and an IME check-in beside it (ime.md §6). The MDM session is logged by Windows, not in the IME's files.",
  },
  "gateway.response": {
    title: "Raw gateway reply (verbose logging)",
    why: "With switchValue=Verbose in the agent's .exe.config (read at service start), the IME logs every SideCar reply as `Response from Intune = {` with the JSON below it, DecryptInfo included (ime.md §1.1, §3.2).",
  },
  "checkin.completed": {
    title: "Check-in done",
    why: "All sessions were processed; the IME waits for the next trigger (ime.md §1.3.1).",
  },
  "token.acquired": {
    title: "Entra token",
    why: "The IME authenticates to the SideCar gateway with a token for the Intune Windows Agent resource, cached until it expires (ime.md §3.1, graph-win32.md §5.4).",
  },
  "token.failed": {
    title: "No token",
    why: "Without a token the gateway cannot be called; the check-in fails and is retried later (ime.md §1.3.11 'Failed to get AAD token').",
  },
  "poller.started": {
    title: "Application poller starts",
    why: "The long dashed banner (type 2 in CMTrace) opens every app check-in in the log (ime.md §1.3.1).",
  },
  "poller.sessions": {
    title: "Sessions counted",
    why: "The IME processes the device session and every logged-on user's session separately (ime.md §1.3.1).",
  },
  "poller.sessionStarted": {
    title: "Processing a session",
    why: "Device-targeted apps are evaluated in the device context (user id 00000000-…), user-targeted apps in the user's (ime.md §1.3.1, §4.1).",
  },
  "poller.sessionEmpty": {
    title: "Nothing to do in this session",
    why: "The session got no apps to process; the IME says so in one line and writes no Completed banner (ime.md §11a Sessions).",
  },
  "poller.sessionCompleted": {
    title: "Session done",
    why: "Every app of this session was processed (ime.md §1.3.1).",
  },
  "poller.sessionInterrupted": {
    title: "Session cut short by a restart",
    why: "A hard reboot is pending: the IME stops processing apps and ends the session with its reboot line, whose end ('to complete to complete the check in process.', doubled as the IME writes it) is all that is known (ime.md §11a, §5.4).",
  },
  "reevaluation.checkinFound": {
    title: "Last check-in time found",
    why: "The ReevaluationScheduleManager reads when this session last checked in before it looks at each subgraph's own re-evaluation time (ime.md §11a, §5.3).",
  },
  "poller.stopped": {
    title: "Application poller stopped",
    why: "The closing banner of the check-in (ime.md §1.3.1).",
  },
  "apps.requesting": {
    title: "Asking for the app list",
    why: "A PUT to SideCarGatewaySessions with RequestContentType RequestApplication (required) or GetAvailableApp (available) (ime.md §3.1).",
  },
  "apps.received": {
    title: "Policies received",
    why: "The reply is gzip + length-prefixed base64; the IME logs the decoded array as 'Get policies = [...]' — the exact JSON scenarios can paste (ime.md §2, §3.1).",
  },
  "apps.requestFailed": {
    title: "App list request failed",
    why: "The gateway did not answer usefully; the check-in ends and the next one tries again (ime.md §3.1).",
  },
  "subgraphs.processing": {
    title: "Subgraphs",
    why: "The V3 processor groups each app with its dependencies and supersedence relations into a subgraph and handles them in dependency order (ime.md §0, §1.3.2).",
  },
  "subgraph.processing": {
    title: "Processing a subgraph",
    why: "The apps of one subgraph are evaluated together; its hash names its GRS key (ime.md §1.3.2, §4.4).",
  },
  "subgraph.skipped": {
    title: "Subgraph skipped",
    why: "Assignment filters, an unexpired re-evaluation interval (480 min), a user who is not logged on, or a pending restart stop processing (ime.md §1.3.2, §5.3).",
  },
  "subgraph.done": {
    title: "Subgraph done",
    why: "Every app of the subgraph reached its final state for this check-in (ime.md §1.3.2).",
  },
  "subgraphs.done": {
    title: "All subgraphs done",
    why: "The V3 processor finished this session's apps (ime.md §1.3.2).",
  },
  "reevaluation.scheduled": {
    title: "Re-evaluation scheduled",
    why: "A processed subgraph is not looked at again until its ReevaluationInterval (480 min) passes, unless something overrides it (ime.md §5.3).",
  },
  "grs.checked": {
    title: "GRS gate",
    why: "After a failure a required app waits about 24 h (Global Re-evaluation Schedule) before it is enforced again; no value means expired; available installs bypass it (ime.md §5.2).",
  },
  "grs.blocked": {
    title: "In GRS: not enforced",
    why: "'App with id: … to install is in GRS. The app will not be enforced.' — the 24 h have not passed (ime.md §1.3.2, §5.2).",
  },
  "grs.recorded": {
    title: "GRS timestamp written",
    why: "A failed attempt records GRS\\<hash>\\<appId> = MM/dd/yyyy HH:mm:ss; deleting it (admin reset) makes the app retry (ime.md §4.4, §4.6).",
  },
  "grs.reset": {
    title: "GRS cleared",
    why: "Early subgraph termination (a reboot, a logoff) clears GRS so the app is retried at the next check-in (ime.md §5.2).",
  },
  "desiredState.calculated": {
    title: "Desired state",
    why: "The ActionProcessor compares what the assignment wants (Present/NotPresent) with detection and applicability and classifies the app (ime.md §1.3.3).",
  },
  "desiredState.noAction": {
    title: "Nothing to do",
    why: "The app is already as the assignment wants it (ime.md §1.3.3).",
  },
  "desiredState.toInstall": {
    title: "Apps to install",
    why: "These apps need an install (or uninstall) to reach their desired state (ime.md §1.3.3).",
  },
  "detection.completed": {
    title: "Detection",
    why: "Every detection rule must match (AND). It runs before requirements, and again after the install to confirm it (ime.md §1.3.4, §7.1).",
  },
  "applicability.completed": {
    title: "Requirements",
    why: "Architecture, OS build, disk, memory, CPUs and custom rules decide applicability; the first unmet one names the code (1000–1008) (ime.md §1.3.5, §7.6).",
  },
  "download.started": {
    title: "Download",
    why: "GetContentInfo gives the .intunewin.bin URL and the keys (DecryptInfo, CMS-encrypted to the device certificate); Delivery Optimization downloads it to Content\\Incoming (ime.md §1.3.6, §3.2, §3.4).",
  },
  "download.progress": {
    title: "Downloading",
    why: "Progress reported to the Company Portal through the StatusService (ime.md §1.3.6).",
  },
  "download.doTimedOut": {
    title: "Delivery Optimization timed out",
    why: "DO did not finish within its wait (10 or 30 min in the background, 12 h in the foreground); the IME falls back to a direct download (ime.md §1.3.6, §3.4).",
  },
  "download.cdnFallback": {
    title: "CDN fallback",
    why: "After a DO error or timeout the IME downloads the .bin directly over HTTP: 'CDN mode, content raw URL is …' (ime.md §1.3.6, §3.4).",
  },
  "download.resumed": {
    title: "Download resumed",
    why: "After a dropped connection the download continues with an HTTP Range from the bytes it has (ime.md §3.4).",
  },
  "download.completed": {
    title: "Downloaded",
    why: "The encrypted blob is complete; DO telemetry reports where the bytes came from (ime.md §1.3.6).",
  },
  "download.failed": {
    title: "Download failed",
    why: "The IME reports ErrorDownloadingContent (5003, 0x87D30067) and tries again later (ime.md §5.5).",
  },
  "content.cached": {
    title: "Content cache hit",
    why: "The content is still cached from an earlier download, so it is not fetched again (ime.md §1.3.6).",
  },
  "content.verified": {
    title: "Hash verified",
    why: "HMAC-SHA256 over IV ‖ ciphertext with MacKey must equal Mac before anything is decrypted (ime.md §1.3.7, §3.3).",
  },
  "content.decrypted": {
    title: "Decrypted",
    why: "AES-256-CBC with EncryptionKey and the IV; the plaintext's SHA-256 must equal FileDigest (ime.md §3.3).",
  },
  "content.unzipped": {
    title: "Unzipped",
    why: "The inner zip is extracted to C:\\Windows\\IMECache\\<appId>_<version>, the installer's working folder (ime.md §1.3.7, §3.5).",
  },
  "content.failed": {
    title: "Content step failed",
    why: "A MAC, decryption or unzip failure ends the attempt with 0x87D30065 (ime.md §1.3.7, §5.5).",
  },
  "install.started": {
    title: "Installer started",
    why: "CreateProcess runs the command line in IMECache as SYSTEM or the user, from the 32-bit IME: SysWOW64 cmd, %ProgramFiles% = Program Files (x86), HKLM\\SOFTWARE = WOW6432Node (ime.md §1.3.8, §1.5).",
  },
  "install.finished": {
    title: "Installer finished",
    why: "The exit code is mapped through ReturnCodes: Success, SoftReboot, HardReboot, Retry or Failed; an unmapped code becomes Error with HRESULT_FROM_WIN32; a timeout is 0x87D300C9 (ime.md §1.3.8, §5.1).",
  },
  "install.retryScheduled": {
    title: "Retry scheduled",
    why: "A Retry code (1618 by default) is tried again MaxRetries times, RetryIntervalInMinutes apart (ime.md §5.1).",
  },
  "reboot.required": {
    title: "Restart required",
    why: "SoftReboot (3010) notifies; HardReboot (1641) or force stop further app processing until the device restarts (ime.md §5.4).",
  },
  "reboot.blocking": {
    title: "Waiting for a restart",
    why: "'A restart is required to continue processing apps. Stop processing.' (ime.md §1.3.2, §5.4).",
  },
  "state.compliance": {
    title: "ComplianceStateMessage written",
    why: "Win32Apps\\<user>\\<appId>_<ver>\\ComplianceStateMessage holds applicability, compliance and desired state as JSON (ime.md §4.1, §4.3).",
  },
  "state.enforcement": {
    title: "EnforcementStateMessage written",
    why: "The enforcement state moves 2000 (in progress) → 2009 (downloaded) → 1000/5000… with the error code, in the registry (ime.md §4.1, §4.2, §10.2).",
  },
  "report.delta": {
    title: "Report delta",
    why: "The ReportingManager logs what changed since the last report (ime.md §1.3.9).",
  },
  "report.loaded": {
    title: "Reporting state loaded",
    why: "Before it works on an app the IME loads the app's last report, or starts from initial values for an app it has never reported (ime.md §11a Reporting).",
  },
  "report.withheld": {
    title: "No portal status for a dependency",
    why: "An app that is only a dependency has no intent of its own, so the IME sends the Company Portal no status for it (ime.md §11a Reporting).",
  },
  "report.sent": {
    title: "Status sent",
    why: "The state goes to the Company Portal and, as Win32AppResult, to the service — what the portal shows per device (ime.md §1.3.9, §9).",
  },
  "report.uploadFailed": {
    title: "Status upload failed",
    why: "The report stays queued in Reporting and is sent at a later check-in (ime.md §4.5, §9).",
  },
  "cleanup.completed": {
    title: "Cleanup",
    why: "Content\\Incoming and IMECache are removed after the install; IMECache is kept after a timeout (ime.md §1.4, §3.5, §5.1).",
  },
  "toast.shown": {
    title: "Toast",
    why: "Notifications are raised through AgentExecutor as the assignment's ToastState asks (ime.md §1.3.8, §2.9).",
  },
  "enforcement.completed": {
    title: "App done",
    why: "The app's final state for this check-in: what the registry and the portal now show (ime.md §4.2, §9).",
  },
  ...SCRIPT_PHASE_NOTES,
  ...INVENTORY_PHASE_NOTES,
  ...HEALTH_PHASE_NOTES,
};

/** The note of a phase, or one made from the phase's name (`download.resumed` → "download resumed"). */
export function noteFor(phase: ImePhase): PhaseNote {
  return (
    PHASE_NOTES[phase] ?? {
      title: phase
        .replace(".", " ")
        .replace(/([A-Z])/g, " $1")
        .toLowerCase(),
      why: "A step of the IME's flow.",
    }
  );
}
