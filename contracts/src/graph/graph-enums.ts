// Graph string enums (graph-win32.md §1.3–1.8, §3; ime.md §2.9), in Graph's declaration order.

export const RULE_TYPES = ["detection", "requirement"] as const;
export type GraphRuleType = (typeof RULE_TYPES)[number];

export const RULE_OPERATORS = [
  "notConfigured",
  "equal",
  "notEqual",
  "greaterThan",
  "greaterThanOrEqual",
  "lessThan",
  "lessThanOrEqual",
] as const;
export type GraphRuleOperator = (typeof RULE_OPERATORS)[number];

/** `win32LobAppFileSystemOperationType`; the beta-only tail has no known IME number. */
export const FILE_SYSTEM_OPERATION_TYPES = [
  "notConfigured",
  "exists",
  "modifiedDate",
  "createdDate",
  "version",
  "sizeInMB",
  "doesNotExist",
  "sizeInBytes",
  "appVersion",
  "unknownFutureValue",
] as const;
export type GraphFileSystemOperationType = (typeof FILE_SYSTEM_OPERATION_TYPES)[number];

/** `win32LobAppRegistryRuleOperationType`; the beta-only tail has no known IME number. */
export const REGISTRY_OPERATION_TYPES = [
  "notConfigured",
  "exists",
  "doesNotExist",
  "string",
  "integer",
  "version",
  "appVersion",
  "unknownFutureValue",
] as const;
export type GraphRegistryOperationType = (typeof REGISTRY_OPERATION_TYPES)[number];

/** `win32LobAppPowerShellScriptRuleOperationType` (legacy: `…ScriptDetectionType`). */
export const SCRIPT_OPERATION_TYPES = [
  "notConfigured",
  "string",
  "dateTime",
  "integer",
  "float",
  "version",
  "boolean",
] as const;
export type GraphScriptOperationType = (typeof SCRIPT_OPERATION_TYPES)[number];

export const RETURN_CODE_TYPES = ["failed", "success", "softReboot", "hardReboot", "retry"] as const;
export type GraphReturnCodeType = (typeof RETURN_CODE_TYPES)[number];

export const RUN_AS_ACCOUNTS = ["system", "user"] as const;
export type GraphRunAsAccount = (typeof RUN_AS_ACCOUNTS)[number];

export const RESTART_BEHAVIORS = ["basedOnReturnCode", "allow", "suppress", "force"] as const;
export type GraphRestartBehavior = (typeof RESTART_BEHAVIORS)[number];

export const MSI_PACKAGE_TYPES = ["perMachine", "perUser", "dualPurpose"] as const;
export type GraphMsiPackageType = (typeof MSI_PACKAGE_TYPES)[number];

export const NOTIFICATIONS = ["showAll", "showReboot", "hideAll"] as const;
export type GraphNotifications = (typeof NOTIFICATIONS)[number];

export const DELIVERY_OPTIMIZATION_PRIORITIES = ["notConfigured", "foreground"] as const;
export type GraphDeliveryOptimizationPriority = (typeof DELIVERY_OPTIMIZATION_PRIORITIES)[number];

export const INSTALL_INTENTS = ["available", "required", "uninstall", "availableWithoutEnrollment"] as const;
export type GraphInstallIntent = (typeof INSTALL_INTENTS)[number];

export const FILTER_TYPES = ["none", "include", "exclude"] as const;
export type GraphFilterType = (typeof FILTER_TYPES)[number];

export const AUTO_UPDATE_STATES = ["notConfigured", "enabled", "unknownFutureValue"] as const;

export const DEPENDENCY_TYPES = ["detect", "autoInstall"] as const;
export type GraphDependencyType = (typeof DEPENDENCY_TYPES)[number];

export const SUPERSEDENCE_TYPES = ["update", "replace"] as const;
export type GraphSupersedenceType = (typeof SUPERSEDENCE_TYPES)[number];

/** `windowsArchitecture` flag members (beta adds arm64). */
export const WINDOWS_ARCHITECTURES = ["none", "x86", "x64", "arm", "neutral", "arm64"] as const;
export type GraphWindowsArchitecture = (typeof WINDOWS_ARCHITECTURES)[number];

/** Canonical `@odata.type` values, with the leading `#` the service writes. */
export const ODataType = {
  Win32LobApp: "#microsoft.graph.win32LobApp",
  Win32CatalogApp: "#microsoft.graph.win32CatalogApp",
  FileSystemRule: "#microsoft.graph.win32LobAppFileSystemRule",
  RegistryRule: "#microsoft.graph.win32LobAppRegistryRule",
  ProductCodeRule: "#microsoft.graph.win32LobAppProductCodeRule",
  PowerShellScriptRule: "#microsoft.graph.win32LobAppPowerShellScriptRule",
  FileSystemDetection: "#microsoft.graph.win32LobAppFileSystemDetection",
  RegistryDetection: "#microsoft.graph.win32LobAppRegistryDetection",
  ProductCodeDetection: "#microsoft.graph.win32LobAppProductCodeDetection",
  PowerShellScriptDetection: "#microsoft.graph.win32LobAppPowerShellScriptDetection",
  FileSystemRequirement: "#microsoft.graph.win32LobAppFileSystemRequirement",
  RegistryRequirement: "#microsoft.graph.win32LobAppRegistryRequirement",
  PowerShellScriptRequirement: "#microsoft.graph.win32LobAppPowerShellScriptRequirement",
  MobileAppAssignment: "#microsoft.graph.mobileAppAssignment",
  Win32LobAppAssignmentSettings: "#microsoft.graph.win32LobAppAssignmentSettings",
  GroupAssignmentTarget: "#microsoft.graph.groupAssignmentTarget",
  ExclusionGroupAssignmentTarget: "#microsoft.graph.exclusionGroupAssignmentTarget",
  AllDevicesAssignmentTarget: "#microsoft.graph.allDevicesAssignmentTarget",
  AllLicensedUsersAssignmentTarget: "#microsoft.graph.allLicensedUsersAssignmentTarget",
  ConfigurationManagerCollectionAssignmentTarget:
    "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
  MobileAppDependency: "#microsoft.graph.mobileAppDependency",
  MobileAppSupersedence: "#microsoft.graph.mobileAppSupersedence",
} as const;
export type ODataType = (typeof ODataType)[keyof typeof ODataType];

/** Stable ImesimError codes of the Graph parsers and the Graph → IME conversion. */
export const GraphContractErrorCode = {
  /** A member has the wrong type or value, or is missing. */
  Invalid: "GRAPH_INVALID",
  /** `rules` and a legacy collection were both sent (graph-win32.md §1.7.3). */
  ConflictingRules: "GRAPH_CONFLICTING_RULES",
  /** The app has no detection rule (graph-win32.md §1.7.3). */
  NoDetectionRule: "GRAPH_NO_DETECTION_RULE",
  /** A valid Graph value the IME policy has no number for (e.g. beta `sizeInBytes`). */
  Unsupported: "GRAPH_UNSUPPORTED_FOR_IME",
} as const;
export type GraphContractErrorCode = (typeof GraphContractErrorCode)[keyof typeof GraphContractErrorCode];
