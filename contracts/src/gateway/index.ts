export {
  decodeAppListPayload,
  decodePolicyListPayload,
  encodeAppListPayload,
  encodePolicyListPayload,
  MAX_APP_LIST_BYTES,
} from "./app-list-payload.ts";
export {
  ComplianceRequestType,
  type ComplianceScriptPolicy,
  ComplianceScriptPolicySchema,
  type ComplianceScriptResult,
  ComplianceScriptResultSchema,
  type ComplianceSettingResult,
  parseComplianceScriptPolicies,
  parseComplianceScriptResults,
} from "./compliance-policies.ts";
export {
  type ContentInfo,
  type ContentInfoPayload,
  ContentInfoPayloadSchema,
  ContentInfoSchema,
  type DecryptInfo,
  DecryptInfoSchema,
  encodeContentInfo,
  encodeContentInfoPayload,
  encodeDecryptInfo,
  encodeDecryptInfoEnvelope,
  parseContentInfo,
  parseContentInfoPayload,
  parseDecryptInfo,
  parseDecryptInfoEnvelope,
} from "./content-info.ts";
export {
  APP_LIST_CONTENT_TYPES,
  isAppListContentType,
  RequestContentType,
  ResponseContentType,
} from "./content-types.ts";
export { GatewayContractErrorCode } from "./error-codes.ts";
export {
  type HealthScriptPolicy,
  HealthScriptPolicySchema,
  type HealthScriptSchedule,
  type PlatformScriptPolicy,
  PlatformScriptPolicySchema,
  parseHealthScriptPolicies,
  parsePlatformScriptPolicies,
  parseScriptResults,
  type ScriptResult,
  ScriptResultSchema,
} from "./script-policies.ts";
export {
  createServiceAddresses,
  SERVICE_DISCOVERY_PATH,
  type ServiceAddresses,
  ServiceAddressesSchema,
  SIDECAR_SERVICE_NAME,
  sideCarGatewayUrl,
} from "./service-discovery.ts";
export {
  type ClientInfo,
  ClientInfoSchema,
  createSideCarSessionRequest,
  createSideCarSessionResponse,
  encodeClientInfo,
  parseClientInfo,
  parseSideCarSession,
  SIDECAR_API_VERSION,
  type SideCarSession,
  type SideCarSessionResponse,
  SideCarSessionSchema,
  serializeSideCarSession,
  sideCarSessionPath,
} from "./session.ts";
export {
  type AppStatusReport,
  AppStatusReportSchema,
  encodeWin32AppResultPayload,
  type ImpactingApp,
  ImpactingAppSchema,
  parseAppStatusReport,
  parseWin32AppResultPayload,
  ReportingImpactSchema,
  serializeAppStatusReport,
  type Win32AppResult,
  Win32AppResultSchema,
} from "./status-report.ts";
