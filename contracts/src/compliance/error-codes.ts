/** Stable ImesimError codes of the custom-compliance codecs and the rule evaluator. */
export const ComplianceErrorCode = {
  /** The rules JSON (a compliance policy's `rulesContent`) is not JSON or not the documented shape. */
  RulesInvalid: "COMPLIANCE_RULES_INVALID",
  /** A rule names an operator or data type the Graph enum lists but imesim does not evaluate. */
  RuleUnsupported: "COMPLIANCE_RULE_UNSUPPORTED",
} as const;
export type ComplianceErrorCode = (typeof ComplianceErrorCode)[keyof typeof ComplianceErrorCode];
