// The Graph shapes of platform scripts and remediations (beta `deviceManagementScript`,
// `deviceHealthScript`, their assignments and device run states) and the one conversion to what the
// gateway hands the IME (contracts/gateway/script-policies.ts). graph-win32.md does not describe these
// resources; the member names are Graph beta's, the defaults those S12 observed (ime.md §11b: Graph stores
// `runAsAccount=system`, `runAs32Bit=false` when omitted).

import { ImesimError } from "@imesim/contracts/errors";
import type {
  HealthScriptPolicy,
  HealthScriptSchedule,
  PlatformScriptPolicy,
  ScriptResult,
} from "@imesim/contracts/gateway";
import type { JsonObject } from "../store/records.ts";
import type { ScriptKind, ScriptPolicyRecord } from "./script-store.ts";

/** The members an admin writes; anything else in a body (ids, times) is ignored. */
export const WRITABLE: Readonly<Record<ScriptKind, readonly string[]>> = {
  platform: [
    "displayName",
    "description",
    "scriptContent",
    "runAsAccount",
    "enforceSignatureCheck",
    "fileName",
    "runAs32Bit",
    "roleScopeTagIds",
  ],
  health: [
    "publisher",
    "version",
    "displayName",
    "description",
    "detectionScriptContent",
    "remediationScriptContent",
    "runAsAccount",
    "enforceSignatureCheck",
    "runAs32Bit",
    "roleScopeTagIds",
    "deviceHealthScriptType",
  ],
};

/** Members whose change makes a new script version: the device reruns it (ime.md §11b, once per version). */
const VERSIONED: Readonly<Record<ScriptKind, readonly string[]>> = {
  platform: ["scriptContent", "runAsAccount", "runAs32Bit", "enforceSignatureCheck"],
  health: [
    "detectionScriptContent",
    "remediationScriptContent",
    "runAsAccount",
    "runAs32Bit",
    "enforceSignatureCheck",
  ],
};

const ODATA_TYPE: Readonly<Record<ScriptKind, string>> = {
  platform: "#microsoft.graph.deviceManagementScript",
  health: "#microsoft.graph.deviceHealthScript",
};

function bad(member: string, message: string): never {
  throw new ImesimError("GRAPH_SCRIPT_INVALID", `${message} (member '${member}').`);
}

/** Picks and checks the writable members of `input` over `base`, with Graph's defaults filled in. */
export function scriptBody(kind: ScriptKind, input: JsonObject, base: JsonObject = {}): JsonObject {
  const body: JsonObject = { ...base };
  for (const key of WRITABLE[kind]) if (key in input) body[key] = input[key] ?? null;
  const content = kind === "platform" ? "scriptContent" : "detectionScriptContent";
  if (typeof body.displayName !== "string" || body.displayName === "")
    bad("displayName", "displayName is required");
  if (typeof body[content] !== "string" || body[content] === "")
    bad(content, `${content} (base64) is required`);
  for (const key of ["scriptContent", "detectionScriptContent", "remediationScriptContent"]) {
    const value = body[key];
    if (typeof value === "string" && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) bad(key, `${key} is not base64`);
  }
  body.runAsAccount ??= "system";
  if (body.runAsAccount !== "system" && body.runAsAccount !== "user")
    bad("runAsAccount", "runAsAccount must be system or user");
  body.runAs32Bit ??= false;
  body.enforceSignatureCheck ??= false;
  if (kind === "platform") body.fileName ??= `${String(body.displayName)}.ps1`;
  else body.remediationScriptContent ??= null;
  return body;
}

/** The version after a change from `before` to `after`. */
export function nextVersion(
  kind: ScriptKind,
  version: number,
  before: JsonObject,
  after: JsonObject,
): number {
  return VERSIONED[kind].some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    ? version + 1
    : version;
}

/** The Graph entity of a stored script. */
export function renderScript(record: ScriptPolicyRecord): Record<string, unknown> {
  return {
    "@odata.type": ODATA_TYPE[record.kind],
    id: record.id,
    ...record.body,
    createdDateTime: record.createdAt,
    lastModifiedDateTime: record.modifiedAt,
    ...(record.kind === "health"
      ? { isGlobalScript: false, highestAvailableVersion: String(record.version) }
      : {}),
  };
}

const SCHEDULE_TYPES: Readonly<Record<string, HealthScriptSchedule["Type"]>> = {
  "#microsoft.graph.deviceHealthScriptRunOnceSchedule": "Once",
  "#microsoft.graph.deviceHealthScriptHourlySchedule": "Hourly",
  "#microsoft.graph.deviceHealthScriptDailySchedule": "Daily",
};

/** A remediation assignment's `runSchedule` as the device's schedule; none set means hourly every 1 (our default). */
export function scheduleOf(runSchedule: unknown, path: string): HealthScriptSchedule {
  if (runSchedule === undefined || runSchedule === null)
    return { Type: "Hourly", Interval: 1, Time: null, Date: null, UseUtc: false };
  const schedule = runSchedule as Record<string, unknown>;
  const type = SCHEDULE_TYPES[String(schedule["@odata.type"])];
  if (type === undefined)
    bad(`${path}.@odata.type`, `runSchedule must be a deviceHealthScriptRunOnce/Hourly/DailySchedule`);
  const interval = schedule.interval ?? 1;
  if (typeof interval !== "number" || !Number.isInteger(interval) || interval < 1)
    bad(`${path}.interval`, "interval must be a whole number of at least 1");
  const time = typeof schedule.time === "string" ? schedule.time.slice(0, 8) : null;
  if (type !== "Hourly" && (time === null || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)))
    bad(`${path}.time`, "time (HH:mm:ss) is required for daily and run-once schedules");
  const date = typeof schedule.date === "string" ? schedule.date : null;
  if (type === "Once" && (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)))
    bad(`${path}.date`, "date (yyyy-MM-dd) is required for a run-once schedule");
  return {
    Type: type,
    Interval: type === "Once" ? 1 : interval,
    Time: type === "Hourly" ? null : time,
    Date: type === "Once" ? date : null,
    UseUtc: schedule.useUtc === true,
  };
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** A platform script as the IME receives it with PolicyRequest. */
export function toPlatformPolicy(record: ScriptPolicyRecord): PlatformScriptPolicy {
  return {
    PolicyId: record.id,
    PolicyVersion: record.version,
    FileName: text(record.body.fileName),
    PolicyBody: text(record.body.scriptContent),
    RunAsAccount: record.body.runAsAccount === "user" ? "user" : "system",
    RunAs32Bit: record.body.runAs32Bit === true,
    EnforceSignatureCheck: record.body.enforceSignatureCheck === true,
  };
}

/** A remediation (with its assignment's schedule) as the IME receives it with GetScript. */
export function toHealthPolicy(record: ScriptPolicyRecord, assignment: JsonObject): HealthScriptPolicy {
  const remediation = record.body.remediationScriptContent;
  return {
    PolicyId: record.id,
    PolicyVersion: record.version,
    DetectionScript: text(record.body.detectionScriptContent),
    RemediationScript: typeof remediation === "string" && remediation !== "" ? remediation : null,
    RunAsAccount: record.body.runAsAccount === "user" ? "user" : "system",
    RunAs32Bit: record.body.runAs32Bit === true,
    EnforceSignatureCheck: record.body.enforceSignatureCheck === true,
    Schedule: scheduleOf(assignment.runSchedule, "runSchedule"),
  };
}

/**
 * A device's run state as Graph shows it (`deviceRunStates`). Platform scripts: success when the script
 * succeeded, else fail, with all of its output (ime.md §11b "resultMessage holds all output lines").
 * Remediations: the detectionState / remediationState mapping S12 observed (ime.md §11b).
 */
export function runStateOf(kind: ScriptKind, result: ScriptResult, updatedAt: string): JsonObject {
  if (kind === "platform") {
    return {
      runState: result.Result === "Success" ? "success" : "fail",
      resultMessage: result.ResultDetails ?? "",
      lastStateUpdateDateTime: updatedAt,
      errorCode: result.ErrorCode,
      errorDescription: "",
    };
  }
  // `Result` says whether the first detection found the device compliant; a detect-only remediation that
  // found drift has no RemediationStatus and reports `fail` / `skipped` (S12 REM-DETECTONLY).
  const status = result.RemediationStatus;
  const detectionState = result.DetectionScriptError
    ? "scriptError"
    : result.Result === "Success"
      ? "success"
      : "fail";
  const remediationState =
    status === 1 ? "success" : status === 2 ? "remediationFailed" : status === 3 ? "scriptError" : "skipped";
  return {
    detectionState,
    remediationState,
    lastStateUpdateDateTime: updatedAt,
    expectedStateUpdateDateTime: null,
    lastSyncDateTime: updatedAt,
    preRemediationDetectionScriptOutput: result.PreRemediationDetectScriptOutput,
    preRemediationDetectionScriptError: result.PreRemediationDetectScriptError,
    remediationScriptError: result.RemediationScriptErrorDetails,
    postRemediationDetectionScriptOutput: result.PostRemediationDetectScriptOutput,
    postRemediationDetectionScriptError: result.PostRemediationDetectScriptError,
  };
}
