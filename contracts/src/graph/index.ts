export { normalizeArchitectureFlags, parseArchitectureFlags } from "./architectures.ts";
export {
  type AssignmentTarget,
  AssignmentTargetSchema,
  type InstallTimeSettings,
  InstallTimeSettingsSchema,
  type MobileAppAssignment,
  MobileAppAssignmentSchema,
  parseMobileAppAssignment,
  type RestartSettings,
  RestartSettingsSchema,
  type Win32LobAppAssignmentSettings,
  Win32LobAppAssignmentSettingsSchema,
} from "./assignment.ts";
export { DEFAULT_GRAPH_RETURN_CODES, graphReturnCodeType } from "./default-return-codes.ts";
export * from "./graph-enums.ts";
export {
  flattenRelationships,
  type MobileAppRelationship,
  MobileAppRelationshipSchema,
  parseMobileAppRelationship,
  relationAction,
} from "./relationships.ts";
export {
  type FileSystemRule,
  FileSystemRuleSchema,
  type LegacyDetection,
  type LegacyRequirement,
  type PowerShellScriptRule,
  PowerShellScriptRuleSchema,
  type ProductCodeRule,
  ProductCodeRuleSchema,
  parseLegacyDetections,
  parseLegacyRequirements,
  parseRules,
  type RegistryRule,
  RegistryRuleSchema,
  ruleFromLegacyDetection,
  ruleFromLegacyRequirement,
  type Win32LobAppRule,
} from "./rules.ts";
export {
  detectionRuleOf,
  extendedRequirementOf,
  type GraphToImeOptions,
  graphAppToImePolicy,
  requirementRulesOf,
} from "./to-ime-policy.ts";
export {
  type GraphReturnCode,
  GraphReturnCodeSchema,
  type InstallExperience,
  InstallExperienceSchema,
  type MsiInformation,
  MsiInformationSchema,
  parseWin32LobApp,
  type Win32LobApp,
  Win32LobAppSchema,
} from "./win32-lob-app.ts";
export {
  buildFromMinimumOperatingSystem,
  canonicalWindowsRelease,
  WINDOWS_RELEASE_BUILDS,
} from "./windows-release.ts";
