import { DetectionType, FileDetectionSubType, ImeErrorCode } from "@imesim/contracts/enums";
import type { Finding, LintInput } from "../types.ts";

/** File "does not exist" as a detection rule: the IME reports 0x87D30004 (ime.md §7.2; it works as a requirement). */
export function fileDoesNotExistRule(input: LintInput): Finding[] {
  return input.policy.DetectionRule.flatMap((rule, index) =>
    rule.DetectionType === DetectionType.FileSystem &&
    rule.DetectionText.DetectionType === FileDetectionSubType.DoesNotExist
      ? [
          {
            code: "FILE_DOES_NOT_EXIST_DETECTION",
            severity: "error" as const,
            path: `DetectionRule[${index}].DetectionText.DetectionType`,
            message:
              'file "does not exist" is used as a detection rule: the IME reports it as not supported (0x87D30004); ' +
              "use it as a requirement rule, or detect something the install creates",
            imeErrorCode: ImeErrorCode.UnsupportedDetectionRule,
          },
        ]
      : [],
  );
}
