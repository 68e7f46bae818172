import {
  architectureFlags,
  DeliveryOptimizationPriority,
  DetectionType,
  DeviceRestartBehavior,
  ExtendedRequirementType,
  FileDetectionSubType,
  InstallContext,
  Intent,
  Operator,
  type ProcessorArchitecture,
  REBOOT_NOT_CONFIGURED,
  RegistryDetectionSubType,
  type ReturnCode,
  ReturnCodeType,
  RunAs,
  ScriptOutputType,
  TargetType,
  ToastState,
} from "../enums/index.ts";
import { ImesimError } from "../errors/index.ts";
import {
  type DecodedImePolicy,
  type DetectionRule,
  type ExtendedRequirementRule,
  type FlatDependency,
  type InstallEx,
  type RebootEx,
  type RequirementRules,
  ScriptRunAsAccount,
  type StartDeadline,
} from "../ime/index.ts";
import { appendSegment } from "../schema/index.ts";
import { parseArchitectureFlags } from "./architectures.ts";
import type { MobileAppAssignment, Win32LobAppAssignmentSettings } from "./assignment.ts";
import {
  FILE_SYSTEM_OPERATION_TYPES,
  GraphContractErrorCode,
  type GraphDeliveryOptimizationPriority,
  type GraphFileSystemOperationType,
  type GraphInstallIntent,
  type GraphNotifications,
  type GraphRegistryOperationType,
  type GraphRestartBehavior,
  type GraphReturnCodeType,
  type GraphRuleOperator,
  type GraphScriptOperationType,
  ODataType,
  REGISTRY_OPERATION_TYPES,
} from "./graph-enums.ts";
import type { FileSystemRule, PowerShellScriptRule, RegistryRule, Win32LobAppRule } from "./rules.ts";
import type { Win32LobApp } from "./win32-lob-app.ts";
import { buildFromMinimumOperatingSystem, WINDOWS_RELEASE_BUILDS } from "./windows-release.ts";

/** What the conversion needs beyond the app and the assignment. */
export interface GraphToImeOptions {
  /** Whether a group target is a user or a device group; all-users/all-devices targets say it themselves. */
  targetType?: "user" | "device";
  /** Content/metadata revision: the `_1` of `<appId>_1`; defaults to the committed content version, else 1. */
  version?: number;
  /** Subgraph re-evaluation interval in minutes (ime.md §5.3); default 480. */
  reevaluationIntervalMinutes?: number;
  /** The app's flattened relationship graph (see `flattenRelationships`); default none. */
  flatDependencies?: FlatDependency[] | null;
  /** Policy `MetadataVersion` (a revision counter, 4 in ime.md §2.1); default 1. */
  metadataVersion?: number;
  /** Policy `RelationVersion` (revision of the relationship set); default 0. */
  relationVersion?: number;
}

// Graph enum → IME number tables (ime.md §2.3–2.7, graph-win32.md §1.7).
const OPERATORS: Record<GraphRuleOperator, Operator> = {
  notConfigured: Operator.NotConfigured,
  equal: Operator.Equal,
  notEqual: Operator.NotEqual,
  greaterThan: Operator.GreaterThan,
  greaterThanOrEqual: Operator.GreaterThanOrEqual,
  lessThan: Operator.LessThan,
  lessThanOrEqual: Operator.LessThanOrEqual,
};
const FILE_OPERATIONS: Partial<Record<GraphFileSystemOperationType, FileDetectionSubType>> = {
  notConfigured: FileDetectionSubType.NotConfigured,
  exists: FileDetectionSubType.Exists,
  modifiedDate: FileDetectionSubType.DateModified,
  createdDate: FileDetectionSubType.DateCreated,
  version: FileDetectionSubType.Version,
  sizeInMB: FileDetectionSubType.SizeInMB,
  doesNotExist: FileDetectionSubType.DoesNotExist,
};
const REGISTRY_OPERATIONS: Partial<Record<GraphRegistryOperationType, RegistryDetectionSubType>> = {
  notConfigured: RegistryDetectionSubType.NotConfigured,
  exists: RegistryDetectionSubType.Exists,
  doesNotExist: RegistryDetectionSubType.DoesNotExist,
  string: RegistryDetectionSubType.StringComparison,
  integer: RegistryDetectionSubType.IntegerComparison,
  version: RegistryDetectionSubType.VersionComparison,
};
const SCRIPT_OUTPUT_TYPES: Record<GraphScriptOperationType, ScriptOutputType> = {
  notConfigured: ScriptOutputType.NotConfigured,
  string: ScriptOutputType.String,
  dateTime: ScriptOutputType.DateTime,
  integer: ScriptOutputType.Integer,
  float: ScriptOutputType.Float,
  version: ScriptOutputType.Version,
  boolean: ScriptOutputType.Boolean,
};
const RETURN_CODE_TYPES: Record<GraphReturnCodeType, ReturnCodeType> = {
  failed: ReturnCodeType.Failed,
  success: ReturnCodeType.Success,
  softReboot: ReturnCodeType.SoftReboot,
  hardReboot: ReturnCodeType.HardReboot,
  retry: ReturnCodeType.Retry,
};
const RESTART_BEHAVIORS: Record<GraphRestartBehavior, DeviceRestartBehavior> = {
  basedOnReturnCode: DeviceRestartBehavior.BasedOnReturnCode,
  allow: DeviceRestartBehavior.Allow,
  suppress: DeviceRestartBehavior.Suppress,
  force: DeviceRestartBehavior.Force,
};
const INTENTS: Partial<Record<GraphInstallIntent, Intent>> = {
  available: Intent.Available,
  required: Intent.Required,
  uninstall: Intent.Uninstall,
};
const TOAST_STATES: Record<GraphNotifications, ToastState> = {
  showAll: ToastState.ShowAll,
  showReboot: ToastState.ShowReboot,
  hideAll: ToastState.HideAll,
};
const DO_PRIORITIES: Record<GraphDeliveryOptimizationPriority, DeliveryOptimizationPriority> = {
  notConfigured: DeliveryOptimizationPriority.Background,
  foreground: DeliveryOptimizationPriority.Foreground,
};

// InstallEx members Graph has no field for: the portal's fixed values (ime.md §2.6, §5.1).
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_INTERVAL_MINUTES = 5;
const DEFAULT_MAX_RUN_TIME_MINUTES = 60;
/** `InstallProgramVisibility`: 3 is the only value observed (ime.md §2.6 [?]); we always write it. */
const INSTALL_PROGRAM_VISIBILITY = 3;
const DEFAULT_REEVALUATION_INTERVAL_MINUTES = 480;
/** `ContentMode` 1 = regular encrypted content, the only value observed (ime.md §2.2). */
const CONTENT_MODE_ENCRYPTED = 1;

/**
 * Converts a Graph win32LobApp and one of its assignments into the IME policy the service sends the
 * device (ime.md §2, graph-win32.md §1, §3). Pure: the app and assignment must already be parsed.
 * Values the IME has no number for (beta `sizeInBytes`, `availableWithoutEnrollment`, exclusion targets,
 * `arm` architecture) are rejected as GRAPH_UNSUPPORTED_FOR_IME with the member's path.
 */
export function graphAppToImePolicy(
  app: Win32LobApp,
  assignment: MobileAppAssignment,
  options: GraphToImeOptions = {},
): DecodedImePolicy {
  if (app.id === undefined)
    throw unsupported("id", "the app has no id yet (the service assigns one at create)");
  const intent = INTENTS[assignment.intent];
  if (intent === undefined) {
    throw unsupported(
      "assignment.intent",
      `intent "${assignment.intent}" does not reach the IME (it is for MAM)`,
    );
  }
  const targetType = targetTypeOf(assignment, options);
  const settings = assignment.settings ?? {};
  const runAs = app.installExperience?.runAsAccount === "user" ? RunAs.User : RunAs.System;
  const filterId = assignment.target.deviceAndAppManagementAssignmentFilterId ?? null;

  return {
    Id: app.id,
    Name: app.displayName,
    Version: options.version ?? contentVersionOf(app),
    Intent: intent,
    TargetType: targetType,
    AppApplicabilityStateDueToAssginmentFilters: null,
    AssignmentFilterIds: filterId === null ? null : [filterId],
    DetectionRule: app.rules.flatMap((rule, index) =>
      rule.ruleType === "detection" ? [detectionRuleOf(rule, appendSegment("rules", index))] : [],
    ),
    InstallCommandLine: app.installCommandLine,
    UninstallCommandLine: app.uninstallCommandLine,
    RequirementRules: requirementRulesOf(app),
    ExtendedRequirementRules: app.rules.flatMap((rule, index) =>
      rule.ruleType === "requirement" ? [extendedRequirementOf(rule, appendSegment("rules", index))] : [],
    ),
    InstallEx: installExOf(app, runAs, targetType),
    ReturnCodes: returnCodesOf(app),
    // 1 was observed on an available app, 0 in StatusService reports (ime.md §2.2 [?]): we write 1 for available.
    AvailableAppEnforcement: intent === Intent.Available ? 1 : 0,
    SetUpFilePath: app.setupFilePath ?? null,
    ToastState: TOAST_STATES[settings.notifications ?? "showAll"],
    Targeted: 1,
    FlatDependencies: options.flatDependencies ?? null,
    MetadataVersion: options.metadataVersion ?? 1,
    RelationVersion: options.relationVersion ?? 0,
    RebootEx: rebootExOf(settings),
    // 0 = RegularWin32App, the only value observed (ime.md §2.2).
    InstallBehavior: 0,
    StartDeadlineEx: startDeadlineOf(settings),
    RemoveUserData: false,
    DOPriority: DO_PRIORITIES[settings.deliveryOptimizationPriority ?? "notConfigured"],
    newFlatDependencies: true,
    AssignmentFilterIdToEvalStateMap: null,
    ContentCacheDuration: null,
    ESPConfiguration: null,
    ReevaluationInterval: options.reevaluationIntervalMinutes ?? DEFAULT_REEVALUATION_INTERVAL_MINUTES,
    SupportState: null,
    // The policy's InstallContext is not the state messages' (ime.md §2.2 [?]): 1 was seen on a
    // user-targeted system app, so we write the context of the target (user → 1, device → 2).
    InstallContext: targetType === TargetType.User ? InstallContext.User : InstallContext.System,
    InstallerData: null,
    AvailableAppRequestType: 0,
    ContentMode: CONTENT_MODE_ENCRYPTED,
    Scripts: null,
  };
}

function targetTypeOf(assignment: MobileAppAssignment, options: GraphToImeOptions): TargetType {
  switch (assignment.target["@odata.type"]) {
    case ODataType.AllDevicesAssignmentTarget:
      return TargetType.Device;
    case ODataType.AllLicensedUsersAssignmentTarget:
      return TargetType.User;
    case ODataType.ExclusionGroupAssignmentTarget:
      throw unsupported("assignment.target", "an exclusion target removes the app; it yields no policy");
    default:
      if (options.targetType === undefined) {
        throw new ImesimError(
          GraphContractErrorCode.Invalid,
          "A group assignment needs options.targetType ('user' or 'device') to know the policy's TargetType",
          { path: "assignment.target" },
        );
      }
      return options.targetType === "user" ? TargetType.User : TargetType.Device;
  }
}

function contentVersionOf(app: Win32LobApp): number {
  const committed = Number(app.committedContentVersion);
  return Number.isInteger(committed) && committed > 0 ? committed : 1;
}

/** The IME detection rule for one Graph detection rule (ime.md §2.3). */
export function detectionRuleOf(rule: Win32LobAppRule, path: string): DetectionRule {
  switch (rule["@odata.type"]) {
    case ODataType.FileSystemRule:
      return {
        DetectionType: DetectionType.FileSystem,
        DetectionText: {
          Path: rule.path,
          FileOrFolderName: rule.fileOrFolderName,
          Check32BitOn64System: rule.check32BitOn64System ?? false,
          DetectionType: fileOperation(rule, path),
          Operator: OPERATORS[rule.operator],
          DetectionValue: rule.comparisonValue ?? null,
        },
      };
    case ODataType.RegistryRule:
      return {
        DetectionType: DetectionType.Registry,
        DetectionText: {
          Path: rule.keyPath,
          // An empty value name means a key check (ime.md §2.3, §7.3).
          KeyName: rule.valueName ?? "",
          Check32BitOn64System: rule.check32BitOn64System ?? false,
          DetectionType: registryOperation(rule, path),
          Operator: OPERATORS[rule.operator],
          DetectionValue: rule.comparisonValue ?? null,
        },
      };
    case ODataType.ProductCodeRule:
      return {
        DetectionType: DetectionType.MsiProductCode,
        DetectionText: {
          ProductCode: rule.productCode,
          ProductVersion: rule.productVersion === "" ? null : (rule.productVersion ?? null),
          ProductVersionOperator: OPERATORS[rule.productVersionOperator ?? "notConfigured"],
        },
      };
    case ODataType.PowerShellScriptRule:
      return {
        DetectionType: DetectionType.Script,
        DetectionText: {
          ScriptBody: rule.scriptContent,
          EnforceSignatureCheck: rule.enforceSignatureCheck ?? false,
          RunAs32Bit: rule.runAs32Bit ?? false,
        },
      };
  }
}

/** The IME extended requirement for one Graph requirement rule (ime.md §2.5). */
export function extendedRequirementOf(rule: Win32LobAppRule, path: string): ExtendedRequirementRule {
  switch (rule["@odata.type"]) {
    case ODataType.FileSystemRule:
      return {
        Type: ExtendedRequirementType.FileSystem,
        RequirementText: {
          Path: rule.path,
          FileOrFolderName: rule.fileOrFolderName,
          Check32BitOn64System: rule.check32BitOn64System ?? false,
          Type: fileOperation(rule, path),
          Operator: OPERATORS[rule.operator],
          Value: rule.comparisonValue ?? null,
        },
      };
    case ODataType.RegistryRule:
      return {
        Type: ExtendedRequirementType.Registry,
        RequirementText: {
          Path: rule.keyPath,
          KeyName: rule.valueName ?? "",
          Check32BitOn64System: rule.check32BitOn64System ?? false,
          Type: registryOperation(rule, path),
          Operator: OPERATORS[rule.operator],
          Value: rule.comparisonValue ?? null,
        },
      };
    case ODataType.PowerShellScriptRule:
      return { Type: ExtendedRequirementType.Script, RequirementText: scriptRequirementText(rule) };
    case ODataType.ProductCodeRule:
      throw unsupported(path, "a product-code rule cannot be a requirement");
  }
}

function scriptRequirementText(rule: PowerShellScriptRule) {
  return {
    ScriptBody: rule.scriptContent,
    Type: SCRIPT_OUTPUT_TYPES[rule.operationType ?? "notConfigured"],
    Operator: OPERATORS[rule.operator ?? "notConfigured"],
    Value: rule.comparisonValue ?? null,
    RunAsAccount: rule.runAsAccount === "user" ? ScriptRunAsAccount.User : ScriptRunAsAccount.System,
    RunAs32Bit: rule.runAs32Bit ?? false,
    EnforceSignatureCheck: rule.enforceSignatureCheck ?? false,
  };
}

function fileOperation(rule: FileSystemRule, path: string): FileDetectionSubType {
  const subType = FILE_OPERATIONS[rule.operationType];
  if (subType === undefined) {
    throw unsupported(
      appendSegment(path, "operationType"),
      `file operation "${rule.operationType}" has no IME detection type (supported: ${FILE_SYSTEM_OPERATION_TYPES.slice(0, 7).join(", ")})`,
    );
  }
  return subType;
}

function registryOperation(rule: RegistryRule, path: string): RegistryDetectionSubType {
  const subType = REGISTRY_OPERATIONS[rule.operationType];
  if (subType === undefined) {
    throw unsupported(
      appendSegment(path, "operationType"),
      `registry operation "${rule.operationType}" has no IME detection type (supported: ${REGISTRY_OPERATION_TYPES.slice(0, 6).join(", ")})`,
    );
  }
  return subType;
}

/** The built-in requirements (ime.md §2.4): architecture bit flags, OS build, disk, memory, CPUs, CPU speed. */
export function requirementRulesOf(app: Win32LobApp): RequirementRules {
  return {
    RequiredOSArchitecture: requiredArchitectureOf(app),
    MinimumFreeDiskSpaceInMB: app.minimumFreeDiskSpaceInMB ?? null,
    MinimumWindows10BuildNumer: minimumBuildOf(app),
    MinimumMemoryInMB: app.minimumMemoryInMB ?? null,
    MinimumNumberOfProcessors: app.minimumNumberOfProcessors ?? null,
    MinimumCpuSpeed: app.minimumCpuSpeedInMHz ?? null,
    RunAs32Bit: app.runAs32bit ?? false,
  };
}

/**
 * `RequiredOSArchitecture` in the current bit-flag encoding: `allowedArchitectures` wins over the older
 * `applicableArchitectures` (which is "none" when the newer field is used, graph-win32.md §1.6);
 * `neutral` allows every architecture; no restriction at all gives null.
 */
function requiredArchitectureOf(app: Win32LobApp): number | null {
  for (const member of ["allowedArchitectures", "applicableArchitectures"] as const) {
    const flags = app[member];
    if (typeof flags !== "string") continue;
    const members = parseArchitectureFlags(flags, member).filter((m) => m !== "none");
    if (members.length === 0) continue;
    const allowed = new Set<ProcessorArchitecture>();
    for (const m of members) {
      if (m === "arm") throw unsupported(member, "32-bit ARM is not a Win32 app architecture the IME checks");
      if (m === "neutral") for (const a of ["x86", "x64", "arm64"] as const) allowed.add(a);
      else allowed.add(m);
    }
    return architectureFlags(allowed);
  }
  return null;
}

function minimumBuildOf(app: Win32LobApp): string | null {
  const release = app.minimumSupportedWindowsRelease;
  if (typeof release === "string") {
    const build = WINDOWS_RELEASE_BUILDS[release];
    if (build === undefined)
      throw unsupported("minimumSupportedWindowsRelease", `unknown release "${release}"`);
    return build;
  }
  const legacy = app.minimumSupportedOperatingSystem;
  return legacy === null || legacy === undefined ? null : (buildFromMinimumOperatingSystem(legacy) ?? null);
}

function installExOf(app: Win32LobApp, runAs: RunAs, targetType: TargetType): InstallEx {
  const experience = app.installExperience;
  return {
    RunAs: runAs,
    // true was observed on a user-targeted app (ime.md §2.1); the meaning is undocumented [?]. We write
    // true whenever a signed-in user is involved (user target or user context), false otherwise.
    RequiresLogon: targetType === TargetType.User || runAs === RunAs.User,
    InstallProgramVisibility: INSTALL_PROGRAM_VISIBILITY,
    MaxRetries: DEFAULT_MAX_RETRIES,
    RetryIntervalInMinutes: DEFAULT_RETRY_INTERVAL_MINUTES,
    MaxRunTimeInMinutes: experience?.maxRunTimeInMinutes ?? DEFAULT_MAX_RUN_TIME_MINUTES,
    DeviceRestartBehavior: RESTART_BEHAVIORS[experience?.deviceRestartBehavior ?? "basedOnReturnCode"],
  };
}

/** The app's return codes; the service adds no defaults when a client sends none (graph-win32.md §1.4 [inferred]). */
function returnCodesOf(app: Win32LobApp): ReturnCode[] {
  return (app.returnCodes ?? []).map((code) => ({
    ReturnCode: code.returnCode,
    Type: RETURN_CODE_TYPES[code.type],
  }));
}

function rebootExOf(settings: Win32LobAppAssignmentSettings): RebootEx {
  const restart = settings.restartSettings;
  if (restart === null || restart === undefined) {
    return {
      GracePeriod: REBOOT_NOT_CONFIGURED,
      Countdown: REBOOT_NOT_CONFIGURED,
      Snooze: REBOOT_NOT_CONFIGURED,
    };
  }
  return {
    GracePeriod: restart.gracePeriodInMinutes,
    Countdown: restart.countdownDisplayBeforeRestartInMinutes,
    Snooze: restart.restartNotificationSnoozeDurationInMinutes ?? REBOOT_NOT_CONFIGURED,
  };
}

/**
 * `StartDeadlineEx` from `installTimeSettings`. Unset → `TimeFormat` "" and MinValue dates (ime.md §2.1).
 * When set, the ime.md §2.2 guess applies [I]: `TimeFormat` "UTC" for UTC times, "Local" for
 * `useLocalTime` (the device then reads the instant's wall-clock time as its own local time).
 */
function startDeadlineOf(settings: Win32LobAppAssignmentSettings): StartDeadline {
  const time = settings.installTimeSettings;
  if (time === null || time === undefined) return { TimeFormat: "", StartTime: null, Deadline: null };
  const path = "assignment.settings.installTimeSettings";
  return {
    TimeFormat: time.useLocalTime === true ? "Local" : "UTC",
    StartTime: instantOf(time.startDateTime, appendSegment(path, "startDateTime")),
    Deadline: instantOf(time.deadlineDateTime, appendSegment(path, "deadlineDateTime")),
  };
}

function instantOf(text: string | null | undefined, path: string): number | null {
  if (text === null || text === undefined) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new ImesimError(
      GraphContractErrorCode.Invalid,
      `Invalid date at ${path}: "${text}" is not an ISO-8601 date`,
      {
        path,
      },
    );
  }
  return ms;
}

function unsupported(path: string, reason: string): ImesimError {
  return new ImesimError(GraphContractErrorCode.Unsupported, `Cannot convert to an IME policy: ${reason}`, {
    path,
  });
}
