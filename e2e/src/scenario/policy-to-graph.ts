// The Graph win32LobApp record of an app pasted as an IME policy from a real AppWorkload.log: the mock takes
// apps and their content the way admins create them, as Graph bodies. The record is only that — its name,
// commands and content. What the device receives is the pasted policy itself, through the mock's per-app
// policy override (run/service-setup.ts), because Graph has no field for several policy members.
import {
  allowedArchitectures,
  DetectionType,
  ExtendedRequirementType,
  ReturnCodeType,
  RunAs,
} from "@imesim/contracts/enums";
import {
  FILE_SYSTEM_OPERATION_TYPES,
  REGISTRY_OPERATION_TYPES,
  RESTART_BEHAVIORS,
  RULE_OPERATORS,
  SCRIPT_OPERATION_TYPES,
  WINDOWS_RELEASE_BUILDS,
} from "@imesim/contracts/graph";
import type { DecodedImePolicy, DetectionRule, ExtendedRequirementRule } from "@imesim/contracts/ime";

/** IME operator numbers (bit flags, ime.md §2.3) → Graph operator names. */
const OPERATOR_NAMES: Readonly<Record<number, string>> = {
  0: "notConfigured",
  1: "equal",
  2: "notEqual",
  4: "greaterThan",
  5: "greaterThanOrEqual",
  8: "lessThan",
  9: "lessThanOrEqual",
};

const RETURN_TYPES: Readonly<Record<number, string>> = {
  [ReturnCodeType.Failed]: "failed",
  [ReturnCodeType.Success]: "success",
  [ReturnCodeType.SoftReboot]: "softReboot",
  [ReturnCodeType.HardReboot]: "hardReboot",
  [ReturnCodeType.Retry]: "retry",
};

const operatorName = (value: number): string => OPERATOR_NAMES[value] ?? RULE_OPERATORS[0];
const flag = (value: boolean | 0 | 1): boolean => value === true || value === 1;

/** The release whose build is the policy's minimum build; the highest release at or below it otherwise. */
function releaseOf(build: string | null): string | undefined {
  if (build === null || build === "") return undefined;
  const wanted = Number(build.split(".")[2] ?? build);
  let best: string | undefined;
  for (const [release, releaseBuild] of Object.entries(WINDOWS_RELEASE_BUILDS)) {
    if (Number(releaseBuild.split(".")[2]) <= wanted) best = release;
  }
  return best;
}

function detectionRuleToGraph(rule: DetectionRule): Record<string, unknown> {
  switch (rule.DetectionType) {
    case DetectionType.Registry:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "detection",
        keyPath: rule.DetectionText.Path,
        valueName: rule.DetectionText.KeyName,
        check32BitOn64System: rule.DetectionText.Check32BitOn64System,
        operationType: REGISTRY_OPERATION_TYPES[rule.DetectionText.DetectionType],
        operator: operatorName(rule.DetectionText.Operator),
        comparisonValue: rule.DetectionText.DetectionValue,
      };
    case DetectionType.MsiProductCode:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppProductCodeRule",
        ruleType: "detection",
        productCode: rule.DetectionText.ProductCode,
        productVersionOperator: operatorName(rule.DetectionText.ProductVersionOperator),
        productVersion: rule.DetectionText.ProductVersion,
      };
    case DetectionType.FileSystem:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
        ruleType: "detection",
        path: rule.DetectionText.Path,
        fileOrFolderName: rule.DetectionText.FileOrFolderName,
        check32BitOn64System: rule.DetectionText.Check32BitOn64System,
        operationType: FILE_SYSTEM_OPERATION_TYPES[rule.DetectionText.DetectionType],
        operator: operatorName(rule.DetectionText.Operator),
        comparisonValue: rule.DetectionText.DetectionValue,
      };
    case DetectionType.Script:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
        ruleType: "detection",
        scriptContent: rule.DetectionText.ScriptBody,
        enforceSignatureCheck: flag(rule.DetectionText.EnforceSignatureCheck),
        runAs32Bit: flag(rule.DetectionText.RunAs32Bit),
        operationType: "notConfigured",
        operator: "notConfigured",
      };
  }
}

function requirementRuleToGraph(rule: ExtendedRequirementRule): Record<string, unknown> {
  switch (rule.Type) {
    case ExtendedRequirementType.Registry:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppRegistryRule",
        ruleType: "requirement",
        keyPath: rule.RequirementText.Path,
        valueName: rule.RequirementText.KeyName,
        check32BitOn64System: rule.RequirementText.Check32BitOn64System,
        operationType: REGISTRY_OPERATION_TYPES[rule.RequirementText.Type],
        operator: operatorName(rule.RequirementText.Operator),
        comparisonValue: rule.RequirementText.Value,
      };
    case ExtendedRequirementType.FileSystem:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppFileSystemRule",
        ruleType: "requirement",
        path: rule.RequirementText.Path,
        fileOrFolderName: rule.RequirementText.FileOrFolderName,
        check32BitOn64System: rule.RequirementText.Check32BitOn64System,
        operationType: FILE_SYSTEM_OPERATION_TYPES[rule.RequirementText.Type],
        operator: operatorName(rule.RequirementText.Operator),
        comparisonValue: rule.RequirementText.Value,
      };
    case ExtendedRequirementType.Script:
      return {
        "@odata.type": "#microsoft.graph.win32LobAppPowerShellScriptRule",
        ruleType: "requirement",
        displayName: "requirement.ps1",
        scriptContent: rule.RequirementText.ScriptBody,
        enforceSignatureCheck: flag(rule.RequirementText.EnforceSignatureCheck),
        runAs32Bit: flag(rule.RequirementText.RunAs32Bit),
        runAsAccount: rule.RequirementText.RunAsAccount === 0 ? "system" : "user",
        operationType: SCRIPT_OPERATION_TYPES[rule.RequirementText.Type],
        operator: operatorName(rule.RequirementText.Operator),
        comparisonValue: rule.RequirementText.Value,
      };
  }
}

/** The Graph win32LobApp body that makes the service send `policy` (with the given app id). */
export function policyToGraphApp(policy: DecodedImePolicy, id: string): Record<string, unknown> {
  const requirements = policy.RequirementRules;
  const architectures = requirements.RequiredOSArchitecture;
  const release = releaseOf(requirements.MinimumWindows10BuildNumer);
  return {
    "@odata.type": "#microsoft.graph.win32LobApp",
    id,
    displayName: policy.Name,
    installCommandLine: policy.InstallCommandLine,
    uninstallCommandLine: policy.UninstallCommandLine,
    setupFilePath: policy.SetUpFilePath,
    installExperience: {
      runAsAccount: policy.InstallEx.RunAs === RunAs.System ? "system" : "user",
      deviceRestartBehavior: RESTART_BEHAVIORS[policy.InstallEx.DeviceRestartBehavior],
      maxRunTimeInMinutes: policy.InstallEx.MaxRunTimeInMinutes,
    },
    returnCodes: policy.ReturnCodes.map((code) => ({
      returnCode: code.ReturnCode,
      type: RETURN_TYPES[code.Type],
    })),
    ...(architectures === null || architectures === 0
      ? { applicableArchitectures: "x64,x86" }
      : {
          applicableArchitectures: "none",
          allowedArchitectures: allowedArchitectures(architectures).join(","),
        }),
    ...(release === undefined ? {} : { minimumSupportedWindowsRelease: release }),
    minimumFreeDiskSpaceInMB: requirements.MinimumFreeDiskSpaceInMB,
    minimumMemoryInMB: requirements.MinimumMemoryInMB,
    minimumNumberOfProcessors: requirements.MinimumNumberOfProcessors,
    minimumCpuSpeedInMHz: requirements.MinimumCpuSpeed,
    runAs32bit: requirements.RunAs32Bit,
    rules: [
      ...policy.DetectionRule.map(detectionRuleToGraph),
      ...policy.ExtendedRequirementRules.map(requirementRuleToGraph),
    ],
  };
}
