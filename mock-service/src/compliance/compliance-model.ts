// The Graph shapes of custom compliance (beta `deviceComplianceScript`, a compliance policy's
// `deviceCompliancePolicyScript` {deviceComplianceScriptId, rulesContent}) and the conversions to what the
// gateway hands the IME and what Graph shows afterwards. Member names are Graph beta's; graph-win32.md does
// not describe these resources. The policy's rules are checked when it is written (a bad rules file is a
// 400 naming the rule), so the device never receives rules it cannot evaluate.
import { parseComplianceRules } from "@imesim/contracts/compliance";
import { ImesimError, isImesimError } from "@imesim/contracts/errors";
import type { ComplianceScriptPolicy, ComplianceScriptResult } from "@imesim/contracts/gateway";
import type { ScriptPolicyRecord } from "../scripts/script-store.ts";
import type { JsonObject } from "../store/records.ts";

const SCRIPT_WRITABLE = [
  "displayName",
  "description",
  "publisher",
  "version",
  "detectionScriptContent",
  "runAsAccount",
  "enforceSignatureCheck",
  "runAs32Bit",
  "roleScopeTagIds",
] as const;
const SCRIPT_VERSIONED = ["detectionScriptContent", "runAsAccount", "runAs32Bit", "enforceSignatureCheck"];
const POLICY_WRITABLE = [
  "@odata.type",
  "displayName",
  "description",
  "deviceCompliancePolicyScript",
] as const;

function bad(member: string, message: string): never {
  throw new ImesimError("GRAPH_COMPLIANCE_INVALID", `${message} (member '${member}').`);
}

const isBase64 = (value: unknown): value is string =>
  typeof value === "string" && value !== "" && /^[A-Za-z0-9+/]*={0,2}$/.test(value);

/** A `deviceComplianceScript` body over `base`, checked, with Graph's defaults filled in. */
export function complianceScriptBody(input: JsonObject, base: JsonObject = {}): JsonObject {
  const body: JsonObject = { ...base };
  for (const key of SCRIPT_WRITABLE) if (key in input) body[key] = input[key] ?? null;
  if (typeof body.displayName !== "string" || body.displayName === "")
    bad("displayName", "displayName is required");
  if (!isBase64(body.detectionScriptContent))
    bad("detectionScriptContent", "detectionScriptContent (base64) is required");
  body.runAsAccount ??= "system";
  if (body.runAsAccount !== "system" && body.runAsAccount !== "user")
    bad("runAsAccount", "runAsAccount must be system or user");
  body.runAs32Bit ??= false;
  body.enforceSignatureCheck ??= false;
  return body;
}

/**
 * A compliance policy body over `base`. Any Windows compliance `@odata.type` is kept as sent; only its
 * `deviceCompliancePolicyScript` matters here, and its rules must parse (issue 16: one rule set per policy).
 */
export function compliancePolicyBody(input: JsonObject, base: JsonObject = {}): JsonObject {
  const body: JsonObject = { ...base };
  for (const key of POLICY_WRITABLE) if (key in input) body[key] = input[key] ?? null;
  body["@odata.type"] ??= "#microsoft.graph.windows10CompliancePolicy";
  if (typeof body.displayName !== "string" || body.displayName === "")
    bad("displayName", "displayName is required");
  const script = body.deviceCompliancePolicyScript as JsonObject | null | undefined;
  if (script === undefined || script === null) {
    body.deviceCompliancePolicyScript = null;
    return body;
  }
  if (typeof script.deviceComplianceScriptId !== "string" || script.deviceComplianceScriptId === "")
    bad("deviceCompliancePolicyScript.deviceComplianceScriptId", "deviceComplianceScriptId is required");
  if (!isBase64(script.rulesContent))
    bad("deviceCompliancePolicyScript.rulesContent", "rulesContent (base64 of the rules JSON) is required");
  try {
    parseComplianceRules(Buffer.from(script.rulesContent, "base64").toString("utf8"));
  } catch (error) {
    if (!isImesimError(error)) throw error;
    bad(`deviceCompliancePolicyScript.rulesContent ${error.path ?? ""}`.trim(), error.message);
  }
  return body;
}

/** Whether a script change makes a new version the device must evaluate. */
export function scriptChanged(before: JsonObject, after: JsonObject): boolean {
  return SCRIPT_VERSIONED.some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** Whether a policy change makes a new version (its script or rules changed). */
export function policyChanged(before: JsonObject, after: JsonObject): boolean {
  return (
    JSON.stringify(before.deviceCompliancePolicyScript) !== JSON.stringify(after.deviceCompliancePolicyScript)
  );
}

/** The Graph entity of a stored compliance script or policy. */
export function renderCompliance(record: ScriptPolicyRecord<"complianceScript" | "compliancePolicy">) {
  return {
    ...(record.kind === "complianceScript"
      ? { "@odata.type": "#microsoft.graph.deviceComplianceScript" }
      : {}),
    id: record.id,
    ...record.body,
    createdDateTime: record.createdAt,
    lastModifiedDateTime: record.modifiedAt,
    version: record.version,
  };
}

/** A policy and its discovery script as the IME receives them; undefined when the policy has no script. */
export function toCompliancePolicy(
  policy: ScriptPolicyRecord<"compliancePolicy">,
  script: ScriptPolicyRecord<"complianceScript"> | undefined,
): ComplianceScriptPolicy | undefined {
  const ref = policy.body.deviceCompliancePolicyScript as JsonObject | null;
  if (ref === null || script === undefined) return undefined;
  return {
    PolicyId: policy.id,
    // Both versions only grow; their sum grows whenever either changes [our choice].
    PolicyVersion: policy.version + script.version - 1,
    ScriptId: script.id,
    DetectionScript: String(script.body.detectionScriptContent),
    Rules: Buffer.from(String(ref.rulesContent), "base64").toString("utf8"),
    RunAsAccount: script.body.runAsAccount === "user" ? "user" : "system",
    RunAs32Bit: script.body.runAs32Bit === true,
    EnforceSignatureCheck: script.body.enforceSignatureCheck === true,
  };
}

/**
 * The device's state for a policy as Graph shows it: `deviceStatuses` status (Graph's complianceStatus
 * names: compliant, noncompliant, error) and `deviceCompliancePolicyStates` settingStates. Where the
 * portal puts a custom setting's remediation text is not documented: imesim puts the rule's Title and
 * Description in the setting state's `errorDescription` [our choice].
 */
export function complianceStateOf(result: ComplianceScriptResult, updatedAt: string): JsonObject {
  const status = result.Compliant
    ? "compliant"
    : result.Settings.some((s) => s.State === "nonCompliant")
      ? "noncompliant"
      : "error";
  return {
    status,
    lastReportedDateTime: updatedAt,
    discoveryOutput: result.DiscoveryOutput,
    settingStates: result.Settings.map((s) => ({
      setting: s.SettingName,
      settingName: s.SettingName,
      state: s.State === "nonCompliant" ? "nonCompliant" : s.State,
      currentValue: s.ActualValue,
      errorDescription:
        s.State === "compliant"
          ? null
          : (s.ErrorDetail ?? [s.RemediationTitle, s.RemediationDescription].filter(Boolean).join(" ")),
      moreInfoUrl: s.MoreInfoUrl,
    })),
  };
}
