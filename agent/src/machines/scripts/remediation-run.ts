// One remediation cycle (ime.md §11b; S12 "Remediations"): the detection script; any non-zero exit runs the
// remediation script (when the policy has one); a remediation that exited 0 is checked by the detection
// script again. Status: 4 without issues, 1 fixed, 2 recurred, 3 remediation failed (post-detection
// skipped). The service gets the last console line of each output, at most its last 2,048 characters.
import type { HealthScriptPolicy, ScriptResult } from "@imesim/contracts/gateway";
import type { RemediationStatusName, ScriptOutcome } from "../../events/script-events.ts";
import type { ScriptState } from "../../ime/scripts/script-state.ts";
import { healthScriptFolder } from "../../ime/scripts/script-state.ts";
import { decodeScriptBody } from "../../rules/script-check.ts";
import { executeScript, type ScriptExecutionDeps } from "./script-execution.ts";
import type { ScriptSession } from "./script-session.ts";

const OUTPUT_LIMIT = 2048;

/** The status numbers the device records (ime.md §11b). */
export const RemediationStatus = { Fixed: 1, Recurred: 2, RemediationFailed: 3, WithoutIssues: 4 } as const;

/** The last console line of an output, cut to its last 2,048 characters (ime.md §11b). */
export function reportedOutput(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line !== "");
  return (lines.at(-1) ?? "").slice(-OUTPUT_LIMIT);
}

const reportedError = (text: string): string | null =>
  text === "" ? null : text.trimEnd().slice(-OUTPUT_LIMIT);

export interface RemediationDeps extends ScriptExecutionDeps {
  readonly state: ScriptState;
}

/** Runs one cycle of `policy` for `session`, records it, and returns the result to upload. */
export async function runRemediation(
  deps: RemediationDeps,
  session: ScriptSession,
  policy: HealthScriptPolicy,
): Promise<ScriptResult> {
  const folder = healthScriptFolder(policy.PolicyId, policy.PolicyVersion);
  const base = {
    policyId: policy.PolicyId,
    version: policy.PolicyVersion,
    userId: session.userId,
    context: {
      account: policy.RunAsAccount,
      ...(policy.RunAsAccount === "user" ? { userSid: session.userSid } : {}),
      bitness: policy.RunAs32Bit ? (32 as const) : (64 as const),
    },
    enforceSignatureCheck: policy.EnforceSignatureCheck,
  };
  const subject = { userId: session.userId };
  const detect = async (stage: "pre" | "post"): Promise<ScriptOutcome> => {
    const outcome = await executeScript(deps, {
      ...base,
      stage: "detect",
      script: decodeScriptBody(policy.DetectionScript),
      scriptPath: `${folder}\\detect.ps1`,
    });
    deps.events.emit(
      {
        phase: "remediation.detected",
        details: {
          policyId: policy.PolicyId,
          version: policy.PolicyVersion,
          stage,
          compliant: outcome.exitCode === 0,
          output: reportedOutput(outcome.output),
        },
      },
      subject,
    );
    return outcome;
  };

  const pre = await detect("pre");
  let remediation: ScriptOutcome | undefined;
  let post: ScriptOutcome | undefined;
  let statusName: RemediationStatusName;
  if (pre.exitCode === 0) statusName = "WithoutIssues";
  // A detection killed at its timeout is a script error; the queue moves on without remediating (S12
  // REM-INSTALL-MODULE, ime.md §11b) [our null status, as for detect-only].
  else if (policy.RemediationScript === null || pre.timedOut === true) statusName = "DetectionOnly";
  else {
    remediation = await executeScript(deps, {
      ...base,
      stage: "remediate",
      script: decodeScriptBody(policy.RemediationScript),
      scriptPath: `${folder}\\remediate.ps1`,
    });
    deps.events.emit(
      {
        phase: "remediation.remediated",
        details: { policyId: policy.PolicyId, version: policy.PolicyVersion, exitCode: remediation.exitCode },
      },
      subject,
    );
    if (remediation.exitCode !== 0) statusName = "RemediationFailed";
    else {
      post = await detect("post");
      statusName = post.exitCode === 0 ? "Fixed" : "Recurred";
    }
  }
  // A detect-only policy that found drift has no status of the four (S12 REM-DETECTONLY) [our null].
  const status = statusName === "DetectionOnly" ? null : RemediationStatus[statusName];
  const result: ScriptResult = {
    PolicyType: "HealthScript",
    PolicyId: policy.PolicyId,
    PolicyVersion: policy.PolicyVersion,
    UserId: session.userId,
    Result: pre.exitCode === 0 ? "Success" : "Failed",
    ResultDetails: null,
    ErrorCode: remediation?.exitCode ?? pre.exitCode,
    RemediationStatus: status,
    PreRemediationDetectScriptOutput: reportedOutput(pre.output),
    PreRemediationDetectScriptError: reportedError(pre.error),
    RemediationScriptErrorDetails: remediation === undefined ? null : reportedError(remediation.error),
    PostRemediationDetectScriptOutput: post === undefined ? null : reportedOutput(post.output),
    PostRemediationDetectScriptError: post === undefined ? null : reportedError(post.error),
    // A crashed or killed detection has no exit code of its own: -1 (ime.md §7.5) → Graph scriptError.
    // Killed at its timeout: Graph scriptError too (S12 REM-INSTALL-MODULE).
    DetectionScriptError: pre.exitCode === -1 || pre.timedOut === true,
  };
  const keyPath = deps.state.writeRemediation(
    session.userId,
    policy.PolicyId,
    policy.PolicyVersion,
    deps.clock.now(),
    status,
    result,
  );
  deps.events.emit(
    {
      phase: "remediation.completed",
      details: { policyId: policy.PolicyId, version: policy.PolicyVersion, status, statusName, keyPath },
    },
    subject,
  );
  return result;
}
