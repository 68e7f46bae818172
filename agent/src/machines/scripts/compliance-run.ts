// Custom compliance on the device: each compliance policy's discovery script runs on the PowerShell
// runner (or the scenario's scripted result), its JSON output is checked against the policy's rules
// (contracts/compliance) and the evaluation goes back to the service, which shows the device's state.
// When it runs is imesim's choice, ime.md being silent beyond the moniker (§8): with the script
// workload's fetches (start-up + 147 s, then every 8 h) and at once on `synccompliance`. Discovery
// scripts run in the device session only (the compliance state is the device's) and every time — there
// is no once-per-version rule: drift must be seen.
import { evaluateCompliance, parseComplianceRules } from "@imesim/contracts/compliance";
import type { ComplianceScriptPolicy, ComplianceScriptResult } from "@imesim/contracts/gateway";
import { healthScriptFolder } from "../../ime/scripts/script-state.ts";
import { decodeScriptBody } from "../../rules/script-check.ts";
import { executeScript, type ScriptExecutionDeps } from "./script-execution.ts";
import type { ScriptSession } from "./script-session.ts";

/** The custom-compliance moniker (ime.md §8 Monikers). */
export const SYNCCOMPLIANCE_MONIKER = "intunemanagementextension://synccompliance";

/** Runs and evaluates each policy's discovery script; the results to upload. */
export async function runComplianceScripts(
  deps: ScriptExecutionDeps,
  session: ScriptSession,
  policies: readonly ComplianceScriptPolicy[],
): Promise<ComplianceScriptResult[]> {
  const results: ComplianceScriptResult[] = [];
  for (const policy of policies) {
    // The IME keeps discovery scripts beside the remediation scripts, per policy and version [our choice].
    const scriptPath = `${healthScriptFolder(policy.PolicyId, policy.PolicyVersion)}\\discovery.ps1`;
    const outcome = await executeScript(deps, {
      stage: "discover",
      policyId: policy.PolicyId,
      version: policy.PolicyVersion,
      userId: session.userId,
      script: decodeScriptBody(policy.DetectionScript),
      scriptPath,
      context: { account: "system", bitness: policy.RunAs32Bit ? 32 : 64 },
      enforceSignatureCheck: policy.EnforceSignatureCheck,
    });
    deps.host.fs.remove(scriptPath);
    // The service checked the rules when the admin saved them; a policy that still fails to parse is a bug.
    const evaluation = evaluateCompliance(parseComplianceRules(policy.Rules), outcome.output);
    deps.events.emit(
      {
        phase: "compliance.evaluated",
        details: {
          policyId: policy.PolicyId,
          version: policy.PolicyVersion,
          compliant: evaluation.compliant,
          settings: evaluation.settings.map((s) => ({
            settingName: s.settingName,
            state: s.state,
            actualValue: s.actualValue,
            remediationTitle: s.remediationTitle,
            errorDetail: s.errorDetail,
          })),
        },
      },
      { userId: session.userId },
    );
    results.push({
      PolicyId: policy.PolicyId,
      PolicyVersion: policy.PolicyVersion,
      UserId: session.userId,
      Compliant: evaluation.compliant,
      ErrorCode: outcome.exitCode,
      DiscoveryOutput: outcome.output.trimEnd(),
      Settings: evaluation.settings.map((s) => ({
        SettingName: s.settingName,
        State: s.state,
        ActualValue: s.actualValue,
        RemediationTitle: s.remediationTitle,
        RemediationDescription: s.remediationDescription,
        MoreInfoUrl: s.moreInfoUrl,
        ErrorDetail: s.errorDetail,
      })),
    });
  }
  return results;
}
