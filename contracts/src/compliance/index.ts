export { ComplianceErrorCode } from "./error-codes.ts";
export {
  type ComplianceEvaluation,
  evaluateCompliance,
  readDiscoveryOutput,
  type SettingResult,
  type SettingState,
} from "./evaluate.ts";
export {
  type ComplianceRule,
  parseComplianceRules,
  RULE_DATA_TYPES,
  RULE_OPERATORS,
  type RuleDataType,
  type RuleOperator,
} from "./rules.ts";
