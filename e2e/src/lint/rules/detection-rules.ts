import { DetectionType } from "@imesim/contracts/enums";
import { decodeScriptBody } from "../package-files.ts";
import { writesOutput } from "../script-text.ts";
import type { Finding, LintInput } from "../types.ts";

/** Detection present at all, and scripts that can detect: exit 0 AND output (ime.md §7.5); BOM-less non-ASCII text. */
export function detectionRulesRule(input: LintInput): Finding[] {
  const rules = input.policy.DetectionRule;
  if (rules.length === 0) {
    return [
      {
        code: "NO_DETECTION_RULE",
        severity: "error",
        path: "DetectionRule",
        message:
          'the app has no detection rule: the service refuses it ("The Win32LobApp must have at least one detection rule specified.")',
      },
    ];
  }
  const findings: Finding[] = [];
  rules.forEach((rule, index) => {
    if (rule.DetectionType !== DetectionType.Script) return;
    const path = `DetectionRule[${index}].DetectionText.ScriptBody`;
    const { text, hadBom } = decodeScriptBody(rule.DetectionText.ScriptBody);
    if (!writesOutput(text)) {
      findings.push({
        code: "DETECTION_SCRIPT_NO_OUTPUT",
        severity: "error",
        path,
        message:
          "the detection script never writes to STDOUT: the IME detects an app only when the script exits 0 AND writes output, so the app is never detected",
      });
    }
    // PowerShell 5 reads a BOM-less script as ANSI, so non-ASCII literals break (ime.md §7.5).
    if (!hadBom && [...text].some((char) => (char.codePointAt(0) ?? 0) > 0x7f)) {
      findings.push({
        code: "SCRIPT_NON_ASCII_WITHOUT_BOM",
        severity: "warning",
        path,
        message:
          "the detection script has non-ASCII characters but no UTF-8 BOM: Windows PowerShell 5 reads it as ANSI and the characters change",
      });
    }
  });
  return findings;
}
