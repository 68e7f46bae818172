import { DetectionType, RunAs } from "@imesim/contracts/enums";
import type { Finding, LintInput } from "../types.ts";

// A system install runs, and is detected, as SYSTEM: %APPDATA%/%LOCALAPPDATA%/%USERPROFILE% are the
// system profile and HKCU is SYSTEM's own hive (windows-formats.md §4.4), so a rule pointing at a
// signed-in user's profile never sees what the user's session has.
const USER_PATH =
  /^(%(userprofile|appdata|localappdata|homepath|onedrive)%|[A-Za-z]:\\users\\(?!public\\|default\\))/i;
const USER_HIVE = /^(HKCU|HKEY_CURRENT_USER)(\\|$)/i;

/** Detection rules looking in a user's profile or HKCU while the app installs as system. */
export function userProfileDetectionRule(input: LintInput): Finding[] {
  if (input.policy.InstallEx.RunAs !== RunAs.System) return [];
  const findings: Finding[] = [];
  input.policy.DetectionRule.forEach((rule, index) => {
    const path = `DetectionRule[${index}].DetectionText.Path`;
    if (rule.DetectionType === DetectionType.FileSystem && USER_PATH.test(rule.DetectionText.Path)) {
      findings.push({
        code: "USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL",
        severity: "error",
        path,
        message: `detection looks in a user profile (${rule.DetectionText.Path}) but the app installs as system: the rule is evaluated as SYSTEM, whose profile is C:\\Windows\\System32\\config\\systemprofile`,
      });
    }
    if (rule.DetectionType === DetectionType.Registry && USER_HIVE.test(rule.DetectionText.Path)) {
      findings.push({
        code: "USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL",
        severity: "error",
        path,
        message: `detection reads HKCU (${rule.DetectionText.Path}) but the app installs as system: HKCU is then SYSTEM's hive, not the signed-in user's`,
      });
    }
  });
  return findings;
}
