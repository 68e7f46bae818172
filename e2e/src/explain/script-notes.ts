// `imesim explain` for the PowerShell workloads (issue 16): what the IME does at each step of a platform
// script or a remediation, and why, with the reference section each rests on. Where the reference is silent
// the note says what imesim chose.
import type { ImeEvent } from "@imesim/agent/events";
import type { PhaseNote } from "./phase-notes.ts";

export const SCRIPT_PHASE_NOTES: Readonly<Record<string, PhaseNote>> = {
  "scripts.requesting": {
    title: "Script policies requested",
    why: "The PowerShell workload asks the gateway for platform scripts (PolicyRequest) or remediations (GetScript), for the device and each logged-on user, at a service start (after the 147 s workload delay) and every 8 hours; the hourly app check-ins fetch none (ime.md §3.1, §11b). The payload members are imesim's choice: no public source shows them. Custom compliance asks with GetComplianceScript, a request type imesim invented (ime.md lists none for it).",
  },
  "scripts.received": {
    title: "Script policies received",
    why: "The scripts assigned to this session: system-context ones in the device session, the user's and user-context ones in a user's session (imesim's choice, mirroring app sessions, ime.md §11a).",
  },
  "scripts.requestFailed": {
    title: "Script policies not received",
    why: "Nothing runs this time; the next fetch (8 hours, or a service restart) tries again (ime.md §11b).",
  },
  "platformScript.skipped": {
    title: "Platform script not run",
    why: "A platform script runs once per version: a success is final, a failure is retried at the next fetches until it ran three times in total (DownloadCount 3, S12 in ime.md §11b). Deleting Policies\\<user>\\<policy> and restarting the service runs it again.",
  },
  "scripts.userContextSkipped": {
    title: "User-context script skipped",
    why: "An Entra-registered (not joined) device downloads user-context platform scripts and remediations but never runs them; SYSTEM-context ones run (S12 'Join type' in ime.md §11b).",
  },
  "script.launched": {
    title: "AgentExecutor starts PowerShell",
    why: "The IME writes the script (Policies\\Scripts\\<user>_<policy>.ps1, or IMECache\\HealthScripts\\<policy>_<version>\\detect.ps1|remediate.ps1) and launches AgentExecutor.exe -powershell / -remediationScript, which runs powershell.exe -NoProfile -executionPolicy bypass -file, 64-bit unless RunAs32Bit, as SYSTEM or the user (ime.md §1.5, §11b).",
  },
  "script.exited": {
    title: "PowerShell exited",
    why: "AgentExecutor logs the exit code and both output streams; the timeout is 1800 s for platform scripts and 3600 s for remediations (ime.md §11b). A script still running then is killed: 'Error:Powershell script execution timed out', exit code 2147483647, a script error in Graph, and the remediations queued behind it wait the whole time (S12 in ime.md §11b).",
  },
  "platformScript.completed": {
    title: "Platform script result recorded",
    why: "Exit 0 is Success, anything else Failed; Result, ErrorCode and DownloadCount go under Policies\\<user>\\<policy> (ime.md §4.5; PolicyVersion beside them is imesim's, to notice a changed script). Graph's resultMessage gets all output lines (ime.md §11b).",
  },
  "remediation.queued": {
    title: "Remediation run queued",
    why: "After each policy fetch the remediation runner queues a run 5 minutes later; a service restart before then discards it (ime.md §11b).",
  },
  "remediation.scheduled": {
    title: "Remediation schedule inspected",
    why: "Run-once at its date and time; hourly every N hours counted from the previous run and rounded up to the runner's next poll, so hourly cycles come 60–66 minutes apart as on real devices (the 6-minute poll is imesim's choice); daily a few seconds after its time, or at once when the policy arrived after the time (ime.md §11b).",
  },
  "remediation.detected": {
    title: "Detection script result",
    why: "Exit 0 means no issue; any non-zero exit runs the remediation (not only exit 1). After a remediation the detection runs again to check the fix (ime.md §11b).",
  },
  "remediation.remediated": {
    title: "Remediation script ran",
    why: "A non-zero exit is 'remediation failed' and the post-remediation detection is skipped (ime.md §11b).",
  },
  "remediation.completed": {
    title: "Remediation status recorded",
    why: "4 without issues, 1 fixed, 2 recurred, 3 remediation failed; the result JSON is cached under SideCarPolicies\\Scripts\\Reports\\<user>\\<policy>_<version>\\Result, and Graph shows detectionState/remediationState (recurred is remediationFailed there) with the last output line, at most 2,048 characters (ime.md §11b).",
  },
  "compliance.evaluated": {
    title: "Custom compliance evaluated",
    why: "The compliance policy's discovery script ran (AgentExecutor, as SYSTEM) and its JSON output was checked against the policy's rules: each setting compared with its operand as its data type (IsEquals, NotEquals, GreaterThan, GreaterEquals, LessThan, LessEquals on Boolean, Int64, Double, String, DateTime, Version). A failing rule reports its remediation text (the en_US Title with {ActualValue} filled in) and the device is non-compliant until a later evaluation finds the drift fixed. ime.md names only the synccompliance moniker (§8); when else it runs (with the script fetches: start-up + 147 s, every 8 h), a missing or mistyped setting counting as an error, the HealthScripts.log lines and the gateway exchange are imesim's choices.",
  },
  "scripts.reported": {
    title: "Script results sent",
    why: "The results go to the gateway (PolicyResult) and become Graph's deviceRunStates for the portal (ime.md §3.1, §11b; the payload shape is imesim's choice). Custom compliance results go as ComplianceScriptResult (imesim's request type) and become the policy's deviceStatuses and the device's deviceCompliancePolicyStates.",
  },
  "scripts.reportFailed": {
    title: "Script results not sent",
    why: "The upload failed after its retries; the portal keeps the previous state (imesim's choice: the result is not queued again).",
  },
};

/** The registry values a script event says it wrote. */
export function scriptRegistryWrites(event: ImeEvent): string[] {
  if (event.phase === "platformScript.completed")
    return [
      `${event.details.keyPath}  Result = ${event.details.result}, DownloadCount = ${event.details.downloadCount}, PolicyVersion = ${event.details.version}`,
    ];
  if (event.phase === "remediation.completed")
    return [`${event.details.keyPath}  Result = {"RemediationStatus":${event.details.status ?? "null"},…}`];
  return [];
}
