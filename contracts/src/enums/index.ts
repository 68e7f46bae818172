export {
  ArchitectureFlag,
  allowedArchitectures,
  architectureFlags,
  formatAllowedArchitectures,
  LegacyArchitecture,
  type ProcessorArchitecture,
} from "./architecture.ts";
export { CHECKIN_REASON_NAMES, CheckinReason, type CheckinReasonName } from "./checkin.ts";
export {
  Applicability,
  ComplianceState,
  DesiredState,
  InstallContext,
  TargetingMethod,
  TargetType,
} from "./compliance.ts";
export { EnforcementBand, EnforcementState, enforcementBand } from "./enforcement-state.ts";
export { ImeErrorCode } from "./error-codes.ts";
export { formatHex, formatHexBare, hresultFromWin32, toSigned32, toUnsigned32 } from "./hresult.ts";
export { type EnumValue, type NumericEnum, nameOf } from "./lookup.ts";
export {
  DATETIME_MIN_VALUE_MS,
  DeliveryOptimizationPriority,
  DeviceRestartBehavior,
  Intent,
  REBOOT_NOT_CONFIGURED,
  RelationAction,
  RelationType,
  RunAs,
  ToastState,
} from "./policy.ts";
export {
  ConflictReason,
  GRAPH_INSTALL_STATES,
  type GraphInstallState,
  graphInstallStateOf,
  ReportDetectionState,
  ResultantAppState,
  resultantAppStateOf,
} from "./reporting.ts";
export { DEFAULT_RETURN_CODES, type ReturnCode, ReturnCodeType } from "./return-code.ts";
export {
  DetectionType,
  ExtendedRequirementType,
  FileDetectionSubType,
  Operator,
  RegistryDetectionSubType,
  ScriptOutputType,
} from "./rules.ts";
