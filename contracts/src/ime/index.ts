export { type Flag, flagValue } from "../schema/index.ts";
export {
  APP_INSTALL_STATUS_REPORT_VALUE,
  AppInstallStatus,
  type AppInstallStatusReport,
  AppInstallStatusReportSchema,
  parseAppInstallStatusReport,
  serializeAppInstallStatusReport,
} from "./app-install-status.ts";
export {
  type DetectionRule,
  type DetectionRuleWire,
  DetectionRuleWireSchema,
  decodeDetectionRule,
  decodeDetectionRules,
  encodeDetectionRule,
  encodeDetectionRules,
  type FileDetectionRule,
  type FileDetectionText,
  FileDetectionTextSchema,
  type MsiDetectionRule,
  type MsiDetectionText,
  MsiDetectionTextSchema,
  type RegistryDetectionRule,
  type RegistryDetectionText,
  RegistryDetectionTextSchema,
  type ScriptDetectionRule,
  type ScriptDetectionText,
  ScriptDetectionTextSchema,
} from "./detection-rule.ts";
export { ImeContractErrorCode } from "./error-codes.ts";
export {
  decodeExtendedRequirementRule,
  decodeExtendedRequirementRules,
  type ExtendedRequirementRule,
  type ExtendedRequirementRuleWire,
  ExtendedRequirementRuleWireSchema,
  encodeExtendedRequirementRule,
  encodeExtendedRequirementRules,
  type FileRequirementRule,
  type FileRequirementText,
  FileRequirementTextSchema,
  type RegistryRequirementRule,
  type RegistryRequirementText,
  RegistryRequirementTextSchema,
  type ScriptRequirementRule,
  type ScriptRequirementText,
  ScriptRequirementTextSchema,
  ScriptRunAsAccount,
} from "./extended-requirement-rules.ts";
export { decodeInstallEx, encodeInstallEx, type InstallEx, InstallExSchema } from "./install-ex.ts";
export { escapeMsDates, formatMsDate, parseMsDate } from "./ms-date.ts";
export {
  type DecodedImePolicy,
  decodePolicy,
  encodePolicy,
  parsePolicies,
  parsePolicy,
  type StartDeadline,
  serializePolicies,
} from "./policy-codec.ts";
export {
  type EspConfiguration,
  EspConfigurationSchema,
  type FlatDependency,
  FlatDependencySchema,
  ImePoliciesSchema,
  type ImePolicy,
  ImePolicySchema,
  type RebootEx,
  RebootExSchema,
  type StartDeadlineExWire,
  StartDeadlineExWireSchema,
} from "./policy-schema.ts";
export {
  decodeRequirementRules,
  encodeRequirementRules,
  type RequirementRules,
  RequirementRulesSchema,
} from "./requirement-rules.ts";
export {
  decodeReturnCodes,
  encodeReturnCodes,
  type ReturnCodeEntry,
  ReturnCodeSchema,
  ReturnCodesSchema,
  returnCodeTypeOf,
} from "./return-codes.ts";
export {
  decodeScripts,
  encodeScripts,
  type PolicyScript,
  PolicyScriptSchema,
  PolicyScriptType,
} from "./scripts.ts";
export {
  type ComplianceStateMessage,
  ComplianceStateMessageSchema,
  type EnforcementStateMessage,
  EnforcementStateMessageSchema,
  parseComplianceStateMessage,
  parseEnforcementStateMessage,
  serializeComplianceStateMessage,
  serializeEnforcementStateMessage,
} from "./state-messages.ts";
