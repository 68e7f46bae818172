/** Stable ImesimError codes of the IME policy and state-message parsers. */
export const ImeContractErrorCode = {
  /** A member has the wrong type, a value outside its enum, or is missing. */
  PolicyInvalid: "IME_POLICY_INVALID",
  /** A member that must hold JSON text (DetectionRule, InstallEx, ...) is not valid JSON. */
  PolicyMalformedJson: "IME_POLICY_MALFORMED_JSON",
  /** A `/Date(ms)/` value is malformed. */
  MsDateInvalid: "IME_MS_DATE_INVALID",
  /** A registry state message (ComplianceStateMessage, EnforcementStateMessage) is invalid. */
  StateMessageInvalid: "IME_STATE_MESSAGE_INVALID",
} as const;
export type ImeContractErrorCode = (typeof ImeContractErrorCode)[keyof typeof ImeContractErrorCode];
