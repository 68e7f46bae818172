// Platform scripts at a policy fetch (ime.md §11b, S12 "Platform scripts" and "platform-script retries"):
// each policy instance runs at most three times in total, only at a fetch; a success is final; a failure
// is tried again at the next fetches until `DownloadCount` reaches 3. A new version (the admin changed the
// script) starts over, and so does an instance whose `Policies\<userId>\<policyId>` key was deleted (the
// admin's reset, as for Win32 apps in ime.md §4.6).
import type { PlatformScriptPolicy, ScriptResult } from "@imesim/contracts/gateway";
import type { ImeEventStream } from "../../events/stream.ts";
import type { ScriptState } from "../../ime/scripts/script-state.ts";
import { platformScriptPath } from "../../ime/scripts/script-state.ts";
import { decodeScriptBody } from "../../rules/script-check.ts";
import { executeScript, type ScriptExecutionDeps } from "./script-execution.ts";
import type { ScriptSession } from "./script-session.ts";

/** Runs per policy instance, first run included (S12 PS-FAIL: "three runs in total"). */
export const PLATFORM_RUN_LIMIT = 3;

export interface PlatformScriptDeps extends ScriptExecutionDeps {
  readonly events: ImeEventStream;
  readonly state: ScriptState;
}

/** What should happen to one policy at this fetch: run it, or skip it and why. */
export function platformDecision(
  policy: PlatformScriptPolicy,
  record: ReturnType<ScriptState["readPlatform"]>,
):
  | { run: true; downloadCount: number }
  | { run: false; reason: "succeeded" | "downloadLimit"; downloadCount: number } {
  if (record === undefined || record.version !== policy.PolicyVersion) return { run: true, downloadCount: 0 };
  if (record.result === "Success")
    return { run: false, reason: "succeeded", downloadCount: record.downloadCount };
  if (record.downloadCount >= PLATFORM_RUN_LIMIT)
    return { run: false, reason: "downloadLimit", downloadCount: record.downloadCount };
  return { run: true, downloadCount: record.downloadCount };
}

/** Runs the session's due platform scripts one after another and returns the results to upload. */
export async function runPlatformScripts(
  deps: PlatformScriptDeps,
  session: ScriptSession,
  policies: readonly PlatformScriptPolicy[],
): Promise<ScriptResult[]> {
  const results: ScriptResult[] = [];
  for (const policy of policies) {
    const decision = platformDecision(policy, deps.state.readPlatform(session.userId, policy.PolicyId));
    if (!decision.run) {
      deps.events.emit(
        {
          phase: "platformScript.skipped",
          details: {
            policyId: policy.PolicyId,
            version: policy.PolicyVersion,
            reason: decision.reason,
            downloadCount: decision.downloadCount,
          },
        },
        { userId: session.userId },
      );
      continue;
    }
    const scriptPath = platformScriptPath(session.userId, policy.PolicyId);
    const outcome = await executeScript(deps, {
      stage: "platform",
      policyId: policy.PolicyId,
      version: policy.PolicyVersion,
      userId: session.userId,
      script: decodeScriptBody(policy.PolicyBody),
      scriptPath,
      context: {
        account: policy.RunAsAccount,
        ...(policy.RunAsAccount === "user" ? { userSid: session.userSid } : {}),
        bitness: policy.RunAs32Bit ? 32 : 64,
      },
      enforceSignatureCheck: policy.EnforceSignatureCheck,
    });
    // The script file goes once it ran [our choice: S12 saw it on disk during the run, not after].
    deps.host.fs.remove(scriptPath);
    const result = outcome.exitCode === 0 ? "Success" : "Failed";
    const downloadCount = decision.downloadCount + 1;
    const keyPath = deps.state.writePlatform(session.userId, policy.PolicyId, {
      version: policy.PolicyVersion,
      result,
      errorCode: outcome.exitCode,
      downloadCount,
    });
    deps.events.emit(
      {
        phase: "platformScript.completed",
        details: { policyId: policy.PolicyId, version: policy.PolicyVersion, result, downloadCount, keyPath },
      },
      { userId: session.userId },
    );
    // resultMessage holds all output lines; on failure the error text (ime.md §11b).
    const details = result === "Success" ? outcome.output : `${outcome.output}${outcome.error}`;
    results.push({
      PolicyType: "PlatformScript",
      PolicyId: policy.PolicyId,
      PolicyVersion: policy.PolicyVersion,
      UserId: session.userId,
      Result: result,
      ResultDetails: details.trimEnd(),
      ErrorCode: outcome.exitCode,
      RemediationStatus: null,
      PreRemediationDetectScriptOutput: null,
      PreRemediationDetectScriptError: null,
      RemediationScriptErrorDetails: null,
      PostRemediationDetectScriptOutput: null,
      PostRemediationDetectScriptError: null,
      DetectionScriptError: false,
    });
  }
  return results;
}
