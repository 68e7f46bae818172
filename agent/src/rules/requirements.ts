// Evaluating an app's requirements (ime.md §1.3.5, §2.4, §2.5, §7.6): the built-in ones of RequirementRules,
// then the custom ExtendedRequirementRules, each failing with its own Applicability code.
import {
  Applicability,
  allowedArchitectures,
  ExtendedRequirementType,
  formatAllowedArchitectures,
  nameOf,
} from "@imesim/contracts/enums";
import { type ExtendedRequirementRule, flagValue, type RequirementRules } from "@imesim/contracts/ime";
import { is64BitOs, osBuildNumber } from "../host/index.ts";
import type { RuleContext } from "./context.ts";
import { checkFile } from "./file-check.ts";
import { checkRegistry } from "./registry-check.ts";
import { checkRequirementScript } from "./script-check.ts";
import { compareVersions, parseVersion, type Version } from "./version.ts";

const MB = 1024 * 1024;

export interface ApplicabilityOutcome {
  /** 0 Applicable, 1 RequirementsNotMet, or the 1000–1008 code of the first requirement not met. */
  readonly applicability: number;
  /** Its name as the IME logs it (`Applicable`, `MinimumOSVersionNotMet`, …). */
  readonly applicabilityName: string;
  /** The lines before the ApplicabilityActionHandler result line. */
  readonly lines: readonly string[];
}

// Windows 10 release ids that older policies put in MinimumWindows10BuildNumer (ime.md §2.4 "1607 style" [?]),
// mapped to the build each release shipped as.
const RELEASE_BUILDS: Record<string, number> = {
  "1607": 14393,
  "1703": 15063,
  "1709": 16299,
  "1803": 17134,
  "1809": 17763,
  "1903": 18362,
  "1909": 18363,
  "2004": 19041,
  "20h2": 19042,
  "21h1": 19043,
  "21h2": 19044,
  "22h2": 19045,
};

/** The minimum OS version a `MinimumWindows10BuildNumer` value asks for; undefined when it is not readable. */
function minimumOsVersion(text: string): Version | undefined {
  const release = RELEASE_BUILDS[text.trim().toLowerCase()];
  return release === undefined ? parseVersion(text) : [10, 0, release];
}

function outcome(applicability: number, lines: readonly string[]): ApplicabilityOutcome {
  return {
    applicability,
    applicabilityName: nameOf(Applicability, applicability) ?? String(applicability),
    lines,
  };
}

interface Minimum {
  /**
   * The metadata name in the log line; only `RequiredMemory` (and its "is , skip check." line) is seen in
   * real logs: the other names, and the line for a value that is set, follow it [I].
   */
  readonly name: string;
  readonly required: number | null;
  readonly actual: number;
  readonly failure: number;
}

/** Evaluates the built-in requirements and then the extended ones, stopping at the first not met. */
export function evaluateRequirements(
  rules: RequirementRules,
  extended: readonly ExtendedRequirementRule[],
  context: RuleContext,
): ApplicabilityOutcome {
  const { profile } = context;
  const lines: string[] = [];
  const build = osBuildNumber(profile);

  // Architecture, in the exact shape of the real line (no separator before "Build", ime.md §1.3.5).
  const required = rules.RequiredOSArchitecture;
  const archMet = allowedArchitectures(required).includes(profile.architecture);
  const archName = archMet ? "Applicable" : "ProcessorArchitectureNotApplicable";
  lines.push(
    `[Win32App] RequiredOSArchitecture: ${required ?? ""},is64BitOperatingSystem: ${is64BitOs(profile) ? "True" : "False"},` +
      `AllowedArchitectures: ${formatAllowedArchitectures(required)},applicability: ${archName}Build: ${build}.`,
  );
  if (!archMet) return outcome(Applicability.ProcessorArchitectureNotApplicable, lines);

  const minimumOs = rules.MinimumWindows10BuildNumer;
  if (minimumOs !== null && minimumOs !== "") {
    const wanted = minimumOsVersion(minimumOs);
    // A 4-part minimum (10.0.22631.2861) is compared with the full build including the UBR. The line's
    // wording is ours [I]; real logs only show the build in the architecture line.
    const actual = [
      10,
      0,
      build,
      ...(wanted !== undefined && wanted.length === 4 ? [profile.osRevision] : []),
    ];
    const met = wanted !== undefined && compareVersions(actual, wanted) >= 0;
    lines.push(
      `[Win32App] applicationRequirementMetadata.MinimumWindows10BuildNumer is ${minimumOs}, OS version: ${actual.join(".")}, requirementMet: ${met ? "True" : "False"}`,
    );
    if (!met) return outcome(Applicability.MinimumOSVersionNotMet, lines);
  }

  const minimums: Minimum[] = [
    {
      name: "RequiredDiskSpace",
      required: rules.MinimumFreeDiskSpaceInMB,
      // Free space of the system drive, in whole MB (ime.md §7.6).
      actual: Math.floor(context.host.fs.freeBytes("C:") / MB),
      failure: Applicability.MinimumDiskSpaceNotMet,
    },
    {
      name: "RequiredMemory",
      required: rules.MinimumMemoryInMB,
      actual: profile.memoryMB,
      failure: Applicability.MinimumPhysicalMemoryNotMet,
    },
    {
      name: "RequiredNumberOfProcessors",
      required: rules.MinimumNumberOfProcessors,
      actual: profile.logicalProcessors,
      failure: Applicability.MinimumLogicalProcessorCountNotMet,
    },
    {
      name: "RequiredCPUSpeed",
      required: rules.MinimumCpuSpeed,
      actual: profile.cpuSpeedMHz,
      failure: Applicability.MinimumCPUSpeedNotMet,
    },
  ];
  for (const minimum of minimums) {
    if (minimum.required === null) {
      lines.push(`[Win32App] applicationRequirementMetadata.${minimum.name} is , skip check.`);
      continue;
    }
    const met = minimum.actual >= minimum.required;
    lines.push(
      `[Win32App] applicationRequirementMetadata.${minimum.name} is ${minimum.required}, device has ${minimum.actual}, requirementMet: ${met ? "True" : "False"}`,
    );
    if (!met) return outcome(minimum.failure, lines);
  }

  if (extended.length === 0) {
    lines.push(
      "[Win32App] No ExtendedRequirementRules for this App. Skipping Check Extended requirement rule",
    );
    return outcome(Applicability.Applicable, lines);
  }
  for (const rule of extended) {
    const failure = evaluateExtendedRule(rule, context, lines);
    if (failure !== undefined) {
      lines.push(
        `[Win32App] Extended requirement rules processing complete. isApplicationApplicable: ${nameOf(Applicability, failure)}`,
      );
      return outcome(failure, lines);
    }
  }
  lines.push(
    "[Win32App] Extended requirement rules processing complete. isApplicationApplicable: Applicable",
  );
  return outcome(Applicability.Applicable, lines);
}

/** Evaluates one custom requirement, appending its lines; the Applicability code when it is not met. */
function evaluateExtendedRule(
  rule: ExtendedRequirementRule,
  context: RuleContext,
  lines: string[],
): number | undefined {
  switch (rule.Type) {
    case ExtendedRequirementType.FileSystem: {
      const text = rule.RequirementText;
      const result = checkFile(
        {
          path: text.Path,
          fileOrFolderName: text.FileOrFolderName,
          check32BitOn64System: text.Check32BitOn64System,
          subType: text.Type,
          operator: text.Operator,
          value: text.Value,
        },
        context,
        "requirementMet",
      );
      lines.push(...result.lines);
      return result.met ? undefined : Applicability.FileSystemRequirementRuleNotMet;
    }
    case ExtendedRequirementType.Registry: {
      const text = rule.RequirementText;
      const result = checkRegistry(
        {
          path: text.Path,
          valueName: text.KeyName,
          check32BitOn64System: text.Check32BitOn64System,
          subType: text.Type,
          operator: text.Operator,
          value: text.Value,
        },
        context,
        "requirementMet",
      );
      lines.push(...result.lines);
      return result.met ? undefined : Applicability.RegistryRequirementRuleNotMet;
    }
    case ExtendedRequirementType.Script: {
      const text = rule.RequirementText;
      const result = checkRequirementScript(
        {
          scriptBody: text.ScriptBody,
          outputType: text.Type,
          operator: text.Operator,
          value: text.Value,
          // Non-zero RunAsAccount runs as the signed-in user (ime.md §2.5).
          runAsUser: text.RunAsAccount !== 0,
          runAs32Bit: flagValue(text.RunAs32Bit),
          enforceSignatureCheck: flagValue(text.EnforceSignatureCheck),
        },
        context,
      );
      lines.push(...result.lines);
      if (result.met) return undefined;
      // Output that cannot be read as the declared type: requirements not met with no detail (ime.md §7.6).
      return result.parsed ? Applicability.ScriptRequirementRuleNotMet : Applicability.RequirementsNotMet;
    }
  }
}
