import { analyzeCommand, splitCommandLine } from "../command-line.ts";
import type { Finding, LintInput } from "../types.ts";

/** Commands that cannot start as written: a bare .ps1 (CreateProcess cannot run it), PowerShell without an execution-policy bypass. */
export function scriptLaunchRule(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  for (const member of ["InstallCommandLine", "UninstallCommandLine"] as const) {
    const line = input.policy[member];
    const [program = ""] = splitCommandLine(line.trim());
    if (/\.ps1$/i.test(program)) {
      findings.push({
        code: "PS1_NOT_EXECUTABLE",
        severity: "error",
        path: member,
        message: `${member} starts ${program} directly: the IME creates a process from the command line and a .ps1 is not a program; use powershell.exe -ExecutionPolicy Bypass -File ${program}`,
      });
      continue;
    }
    const command = analyzeCommand(line);
    if (command.kind !== "powershell") continue;
    const policy = command.args.findIndex((arg) => /^-(ep|executionpolicy)$/i.test(arg));
    const value = policy >= 0 ? command.args[policy + 1] : undefined;
    if (value === undefined || !/^(bypass|unrestricted)$/i.test(value)) {
      findings.push({
        code: "POWERSHELL_NO_BYPASS",
        severity: "warning",
        path: member,
        message: `${member} runs PowerShell without -ExecutionPolicy Bypass: on a device with the default policy an unsigned script does not run`,
      });
    }
  }
  return findings;
}
