// The rule engine behind the enforcement flow's AppEvaluator port (agent/src/machines/ports.ts): detection and
// applicability of one policy on one device, in the context the policy's InstallEx asks for.
import { RunAs } from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import type { DeviceProfile, Host, ScriptRunner } from "../host/index.ts";
import type { AppEvaluator, EvaluationContext } from "../machines/ports.ts";
import type { RuleContext } from "./context.ts";
import { evaluateDetection } from "./detection.ts";
import { evaluateRequirements } from "./requirements.ts";

export interface AppEvaluatorOptions {
  /** Runs detection and requirement scripts (scripted results, or a real pwsh). */
  readonly scripts: ScriptRunner;
  /** The device's profile when the hosts passed in are not Devices (a Device carries its own). */
  readonly profile?: DeviceProfile;
}

/** An AppEvaluator over the rule engine. */
export function createAppEvaluator(options: AppEvaluatorOptions): AppEvaluator {
  const contextFor = (policy: DecodedImePolicy, host: Host, evaluation: EvaluationContext): RuleContext => {
    const profile = (host as Host & { profile?: DeviceProfile }).profile ?? options.profile;
    if (profile === undefined)
      throw new TypeError("createAppEvaluator needs a profile when the host is not a Device");
    // InstallEx.RunAs 1 is System; any other value is User (ime.md §2.6).
    const asUser = policy.InstallEx.RunAs !== RunAs.System && evaluation.userSid !== undefined;
    return {
      host,
      profile,
      account: asUser ? "user" : "system",
      userSid: asUser ? evaluation.userSid : undefined,
      scripts: options.scripts,
      appId: policy.Id,
    };
  };
  return {
    async detect(policy, host, evaluation) {
      const outcome = evaluateDetection(policy.DetectionRule, contextFor(policy, host, evaluation));
      return {
        detected: outcome.state === "Detected",
        ...(outcome.detectedVersion === undefined ? {} : { version: outcome.detectedVersion }),
        ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
        lines: outcome.lines,
      };
    },
    async checkApplicability(policy, host, evaluation) {
      const outcome = evaluateRequirements(
        policy.RequirementRules,
        policy.ExtendedRequirementRules,
        contextFor(policy, host, evaluation),
      );
      return { applicability: outcome.applicability, lines: outcome.lines };
    },
  };
}
