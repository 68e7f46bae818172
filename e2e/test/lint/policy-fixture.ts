// A decoded IME policy to lint: the real 7-Zip policy of ime.md §2.1 (made a system, required app),
// with whatever a test overrides.
import type { DetectionRule, ExtendedRequirementRule } from "@imesim/contracts/ime";
import { type DecodedImePolicy, parsePolicy } from "@imesim/contracts/ime";
import type { LintInput, PackageListing } from "../../src/lint/index.ts";

const REAL_POLICY = String.raw`{"Id":"6e0911dd-6755-4eb7-8a75-ba02e685232b","Name":"GBL-WIN11-7z2501-x64","Version":1,"Intent":3,"TargetType":2,"AppApplicabilityStateDueToAssginmentFilters":null,"AssignmentFilterIds":null,"DetectionRule":"[{\"DetectionType\":2,\"DetectionText\":\"{\\\"Path\\\":\\\"C:\\\\\\\\Program Files\\\\\\\\7-zip\\\",\\\"FileOrFolderName\\\":\\\"7z.exe\\\",\\\"Check32BitOn64System\\\":false,\\\"DetectionType\\\":4,\\\"Operator\\\":5,\\\"DetectionValue\\\":\\\"25.01.00.0\\\"}\"}]","InstallCommandLine":"msiexec /i \"7z2501-x64.msi\" /qn","UninstallCommandLine":"msiexec /x \"{23170F69-40C1-2702-2501-000001000000}\" /qn","RequirementRules":"{\"RequiredOSArchitecture\":32,\"MinimumFreeDiskSpaceInMB\":null,\"MinimumWindows10BuildNumer\":\"10.0.26100\",\"MinimumMemoryInMB\":null,\"MinimumNumberOfProcessors\":null,\"MinimumCpuSpeed\":null,\"RunAs32Bit\":false}","ExtendedRequirementRules":"[]","InstallEx":"{\"RunAs\":1,\"RequiresLogon\":true,\"InstallProgramVisibility\":3,\"MaxRetries\":3,\"RetryIntervalInMinutes\":5,\"MaxRunTimeInMinutes\":60,\"DeviceRestartBehavior\":1}","ReturnCodes":"[{\"ReturnCode\":0,\"Type\":1},{\"ReturnCode\":1707,\"Type\":1},{\"ReturnCode\":3010,\"Type\":2},{\"ReturnCode\":1641,\"Type\":3},{\"ReturnCode\":1618,\"Type\":4}]","AvailableAppEnforcement":1,"SetUpFilePath":"7z2501-x64.msi","ToastState":0,"Targeted":1,"FlatDependencies":null,"MetadataVersion":4,"RelationVersion":0,"RebootEx":{"GracePeriod":-1,"Countdown":-1,"Snooze":-1},"InstallBehavior":0,"StartDeadlineEx":{"TimeFormat":"","StartTime":"\/Date(-62135596800000)\/","Deadline":"\/Date(-62135596800000)\/"}}`;

/** The real policy, decoded, with `overrides` applied. */
export function policyWith(overrides: Partial<DecodedImePolicy> = {}): DecodedImePolicy {
  return { ...parsePolicy(REAL_POLICY), ...overrides };
}

/** A package listing over in-memory files. */
export function packageOf(files: Readonly<Record<string, string>>): PackageListing {
  return {
    files: Object.keys(files),
    readText: (path) => {
      const key = Object.keys(files).find(
        (name) =>
          name.replaceAll("\\", "/").toLowerCase() ===
          path.replaceAll("\\", "/").replace(/^\.\//, "").toLowerCase(),
      );
      return key === undefined ? undefined : files[key];
    },
  };
}

/** Base64 of a script as the policy carries it. */
export function scriptBody(text: string, bom = false): string {
  return Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, "utf8")]).toString(
    "base64",
  );
}

/** A file detection rule. */
export function fileRule(path: string, name: string, subType: 1 | 4 | 6, check32 = false): DetectionRule {
  return {
    DetectionType: 2,
    DetectionText: {
      Path: path,
      FileOrFolderName: name,
      Check32BitOn64System: check32,
      DetectionType: subType,
      Operator: subType === 4 ? 5 : 0,
      DetectionValue: subType === 4 ? "1.0" : null,
    },
  };
}

/** A registry detection rule (value exists). */
export function registryRule(path: string, valueName: string, check32 = false): DetectionRule {
  return {
    DetectionType: 0,
    DetectionText: {
      Path: path,
      KeyName: valueName,
      Check32BitOn64System: check32,
      DetectionType: 1,
      Operator: 0,
      DetectionValue: null,
    },
  };
}

/** A script requirement rule. */
export function scriptRequirement(
  script: string,
  outputType: 1 | 2 | 3 | 4 | 5 | 6,
  value: string,
): ExtendedRequirementRule {
  return {
    Type: 3,
    RequirementText: {
      ScriptBody: scriptBody(script),
      Type: outputType,
      Operator: 1,
      Value: value,
      RunAsAccount: 0,
      RunAs32Bit: false,
      EnforceSignatureCheck: false,
    },
  };
}

/** Lint input from a policy and optional package. */
export function inputOf(policy: DecodedImePolicy, pkg?: PackageListing, msi?: LintInput["msi"]): LintInput {
  return { policy, ...(pkg === undefined ? {} : { package: pkg }), ...(msi === undefined ? {} : { msi }) };
}
