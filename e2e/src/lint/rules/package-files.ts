import { analyzeCommand } from "../command-line.ts";
import { packageHas } from "../package-files.ts";
import type { Finding, LintInput } from "../types.ts";

/** Install/uninstall commands and SetUpFilePath naming files the package does not contain. */
export function packageFilesRule(input: LintInput): Finding[] {
  const listing = input.package;
  if (listing === undefined) return [];
  const findings: Finding[] = [];
  for (const member of ["InstallCommandLine", "UninstallCommandLine"] as const) {
    for (const file of analyzeCommand(input.policy[member]).packageFiles) {
      if (packageHas(listing, file)) continue;
      findings.push({
        code:
          member === "InstallCommandLine" ? "INSTALL_FILE_NOT_IN_PACKAGE" : "UNINSTALL_FILE_NOT_IN_PACKAGE",
        severity: member === "InstallCommandLine" ? "error" : "warning",
        path: member,
        message: `${member} names ${file}, which is not in the package (the command runs in C:\\Windows\\IMECache\\<app>_<version>, where only the package's files are)`,
      });
    }
  }
  const setup = input.policy.SetUpFilePath;
  if (setup !== null && setup !== "" && !packageHas(listing, setup)) {
    findings.push({
      code: "SETUP_FILE_NOT_IN_PACKAGE",
      severity: "warning",
      path: "SetUpFilePath",
      message: `SetUpFilePath ${setup} is not in the package`,
    });
  }
  return findings;
}
