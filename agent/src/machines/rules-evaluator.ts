// The AppEvaluator over the rule engine (agent/src/rules): detection and requirements evaluated against
// the device in the app's install context, scripts through the device's ScriptRunner.
import { RunAs } from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import type { DeviceProfile, Host, ScriptRunner } from "../host/index.ts";
import { evaluateDetection, evaluateRequirements, type RuleContext } from "../rules/index.ts";
import type { AppEvaluator, EvaluationContext } from "./ports.ts";

/** Detection and requirement evaluation by the rule engine, for one device profile. */
export function createRulesEvaluator(options: {
  profile: DeviceProfile;
  scripts: ScriptRunner;
}): AppEvaluator {
  const contextOf = (policy: DecodedImePolicy, host: Host, evaluation: EvaluationContext): RuleContext => {
    const system = policy.InstallEx.RunAs === RunAs.System;
    return {
      host,
      profile: options.profile,
      account: system ? "system" : "user",
      ...(system || evaluation.userSid === undefined ? {} : { userSid: evaluation.userSid }),
      scripts: options.scripts,
      appId: policy.Id,
    };
  };
  return {
    detect(policy, host, evaluation) {
      const outcome = evaluateDetection(policy.DetectionRule, contextOf(policy, host, evaluation));
      return {
        detected: outcome.state === "Detected",
        ...(outcome.detectedVersion === undefined ? {} : { version: outcome.detectedVersion }),
        ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
        lines: outcome.lines,
      };
    },
    checkApplicability(policy, host, evaluation) {
      const outcome = evaluateRequirements(
        policy.RequirementRules,
        policy.ExtendedRequirementRules,
        contextOf(policy, host, evaluation),
      );
      return { applicability: outcome.applicability, lines: outcome.lines };
    },
  };
}
