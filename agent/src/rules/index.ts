// @imesim/agent/rules: detection and requirement evaluation, pure functions of (rule, host, context).
export { type CheckResult, installExRunAs, type RuleContext } from "./context.ts";
export { type DetectionOutcome, type DetectionState, evaluateDetection } from "./detection.ts";
export { checkFile, type FileCheck, type FileCheckResult } from "./file-check.ts";
export { checkMsi, type MsiCheck, type MsiCheckResult } from "./msi-check.ts";
export { compareNumbers, operatorName, parseInteger, parseUtcDate, satisfies } from "./operators.ts";
export { checkRegistry, type RegistryCheck } from "./registry-check.ts";
export { type ApplicabilityOutcome, evaluateRequirements } from "./requirements.ts";
export {
  checkDetectionScript,
  checkRequirementScript,
  type DetectionScriptCheck,
  decodeScriptBody,
  type RequirementScriptCheck,
  type RequirementScriptResult,
  SCRIPT_TIMEOUT_MS,
} from "./script-check.ts";
export {
  compareTextIgnoreCase,
  compareVersions,
  compareVersionText,
  parseVersion,
  type Version,
} from "./version.ts";
