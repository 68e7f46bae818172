// Evaluating an app's detection rules (ime.md §1.3.4, §7): every rule must match (logical AND).
import { DetectionType, FileDetectionSubType, ImeErrorCode } from "@imesim/contracts/enums";
import { type DetectionRule, flagValue } from "@imesim/contracts/ime";
import type { RuleContext } from "./context.ts";
import { checkFile } from "./file-check.ts";
import { checkMsi } from "./msi-check.ts";
import { checkRegistry } from "./registry-check.ts";
import { checkDetectionScript } from "./script-check.ts";

/** The detection state words of the IME's lines (ime.md §1.3.3). */
export type DetectionState = "Detected" | "NotDetected";

export interface DetectionOutcome {
  readonly state: DetectionState;
  /** Set when a rule could not be evaluated, e.g. 0x87D30004 for file "does not exist" as detection (ime.md §7.2). */
  readonly errorCode?: number;
  /** The installed version an MSI or file-version rule found (DetectedIdentityVersion, ime.md §7.1). */
  readonly detectedVersion?: string;
  /** The lines between `ProcessDetectionRules starts` and the DetectionActionHandler result line. */
  readonly lines: readonly string[];
}

const MANAGER = {
  [DetectionType.Registry]: "SideCarRegistryDetectionManager",
  [DetectionType.MsiProductCode]: "SideCarProductCodeDetectionManager",
  [DetectionType.FileSystem]: "SideCarFileDetectionManager",
  [DetectionType.Script]: "SideCarScriptDetectionManager",
} as const;

interface RuleOutcome {
  readonly met: boolean;
  readonly lines: readonly string[];
  readonly version?: string;
  readonly errorCode?: number;
}

function evaluateRule(rule: DetectionRule, context: RuleContext): RuleOutcome {
  switch (rule.DetectionType) {
    case DetectionType.Registry: {
      const text = rule.DetectionText;
      return checkRegistry(
        {
          path: text.Path,
          valueName: text.KeyName,
          check32BitOn64System: text.Check32BitOn64System,
          subType: text.DetectionType,
          operator: text.Operator,
          value: text.DetectionValue,
        },
        context,
        "applicationDetected",
      );
    }
    case DetectionType.MsiProductCode:
      return checkMsi(
        {
          productCode: rule.DetectionText.ProductCode,
          productVersion: rule.DetectionText.ProductVersion,
          productVersionOperator: rule.DetectionText.ProductVersionOperator,
        },
        context,
      );
    case DetectionType.FileSystem: {
      const text = rule.DetectionText;
      if (text.DetectionType === FileDetectionSubType.DoesNotExist) {
        // Works as a requirement but not as detection: the IME reports 0x87D30004 (ime.md §7.2, §5.5).
        // The wording of this line is ours [I].
        return {
          met: false,
          errorCode: ImeErrorCode.UnsupportedDetectionRule,
          lines: [
            `[Win32App] File detection type DoesNotExist is not supported for detection of ${text.Path}\\${text.FileOrFolderName}`,
          ],
        };
      }
      return checkFile(
        {
          path: text.Path,
          fileOrFolderName: text.FileOrFolderName,
          check32BitOn64System: text.Check32BitOn64System,
          subType: text.DetectionType,
          operator: text.Operator,
          value: text.DetectionValue,
        },
        context,
        "applicationDetected",
      );
    }
    case DetectionType.Script:
      return checkDetectionScript(
        {
          scriptBody: rule.DetectionText.ScriptBody,
          enforceSignatureCheck: flagValue(rule.DetectionText.EnforceSignatureCheck),
          runAs32Bit: flagValue(rule.DetectionText.RunAs32Bit),
        },
        context,
      );
  }
}

/**
 * Evaluates detection rules in order, stopping at the first that does not match (our choice [I]: the result
 * is the same as evaluating all of them). No rules at all means not detected.
 */
export function evaluateDetection(rules: readonly DetectionRule[], context: RuleContext): DetectionOutcome {
  const lines: string[] = [];
  let detectedVersion: string | undefined;
  for (const rule of rules) {
    lines.push(`[Win32App] DetectionType ${rule.DetectionType}`);
    const outcome = evaluateRule(rule, context);
    lines.push(...outcome.lines);
    lines.push(
      `[Win32App] Completed detectionManager ${MANAGER[rule.DetectionType]}, applicationDetectedByCurrentRule: ${outcome.met ? "True" : "False"}`,
    );
    if (outcome.errorCode !== undefined) {
      return { state: "NotDetected", errorCode: outcome.errorCode, lines };
    }
    if (!outcome.met) return { state: "NotDetected", lines };
    detectedVersion = outcome.version ?? detectedVersion;
  }
  if (rules.length === 0) return { state: "NotDetected", lines };
  return detectedVersion === undefined
    ? { state: "Detected", lines }
    : { state: "Detected", detectedVersion, lines };
}
