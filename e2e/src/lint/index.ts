import { detectionRulesRule } from "./rules/detection-rules.ts";
import { fileDoesNotExistRule } from "./rules/file-does-not-exist.ts";
import { msiProductCodeRule } from "./rules/msi-product-code.ts";
import { msiexecQuietRule } from "./rules/msiexec-quiet.ts";
import { packageFilesRule } from "./rules/package-files.ts";
import { returnCodesRule } from "./rules/return-codes.ts";
import { scriptLaunchRule } from "./rules/script-launch.ts";
import { scriptRequirementOutputRule } from "./rules/script-requirement-output.ts";
import { userProfileDetectionRule } from "./rules/user-profile-detection.ts";
import { powershellBitnessRule, wow64TrapRule } from "./rules/wow64-trap.ts";
import type { Finding, LintInput, LintRule, Severity } from "./types.ts";

export { analyzeCommand, splitCommandLine } from "./command-line.ts";
export type { Finding, LintInput, LintRule, MsiFacts, PackageListing, Severity } from "./types.ts";

/** Every app-definition rule `imesim test` runs, in report order. */
export const LINT_RULES: readonly LintRule[] = [
  detectionRulesRule,
  fileDoesNotExistRule,
  userProfileDetectionRule,
  msiexecQuietRule,
  scriptLaunchRule,
  packageFilesRule,
  msiProductCodeRule,
  wow64TrapRule,
  powershellBitnessRule,
  returnCodesRule,
  scriptRequirementOutputRule,
];

const ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Lints an app definition (as the IME policy) with its package and MSI facts; errors first. */
export function lintApp(input: LintInput): Finding[] {
  return LINT_RULES.flatMap((rule) => rule(input)).sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
