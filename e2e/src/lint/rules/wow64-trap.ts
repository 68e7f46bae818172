import { DetectionType, ImeErrorCode } from "@imesim/contracts/enums";
import { analyzeCommand, programName } from "../command-line.ts";
import type { Finding, LintInput } from "../types.ts";

// The IME is a 32-bit process and starts installs 32-bit (SysWOW64\cmd.exe, SysWOW64 PowerShell):
// %ProgramFiles% is C:\Program Files (x86) and HKLM\SOFTWARE writes land in WOW6432Node unless the
// script says /reg:64 or uses Sysnative (ime.md §1.5, windows-formats.md §4). Detection with
// Check32BitOn64System=false looks in the 64-bit places, so the app installs and is never detected.

const SCRIPT_PROGRAM_FILES = /(%ProgramFiles%|\$env:ProgramFiles\b(?!\(x86\)))\\?([^\\"'\r\n%]*)/gi;
const SCRIPT_HKLM_SOFTWARE = /(?:HKLM|HKEY_LOCAL_MACHINE):?\\SOFTWARE\\(?!WOW6432Node\\)([^"'\r\n]*)/gi;

/** The text the install really runs: the command line and, when it starts a package script, that script. */
function installTexts(input: LintInput): { text: string; bitness: 32 | 64 }[] {
  const commandLine = input.policy.InstallCommandLine;
  const command = analyzeCommand(commandLine);
  if (command.kind === "msiexec") return [];
  // A 64-bit PowerShell reached through Sysnative escapes the redirection.
  const bitness = /sysnative/i.test(command.program) ? 64 : 32;
  const texts = [{ text: commandLine, bitness: bitness as 32 | 64 }];
  for (const file of command.packageFiles) {
    if (!/\.(cmd|bat|ps1)$/i.test(file)) continue;
    const text = input.package?.readText(file);
    if (text !== undefined) texts.push({ text, bitness });
  }
  return texts;
}

/** First folder/key name after Program Files or SOFTWARE, lower-cased: what both sides must agree on. */
function leaf(rest: string): string {
  return (rest.split("\\").find((part) => part !== "") ?? "").toLowerCase();
}

/** Detection in 64-bit Program Files / registry while the 32-bit install process writes to the x86 ones. */
export function wow64TrapRule(input: LintInput): Finding[] {
  const texts = installTexts(input).filter((entry) => entry.bitness === 32);
  if (texts.length === 0) return [];
  const folders = new Set<string>();
  const keys = new Set<string>();
  for (const { text } of texts) {
    for (const match of text.matchAll(SCRIPT_PROGRAM_FILES)) folders.add(leaf(match[2] ?? ""));
    for (const match of text.matchAll(SCRIPT_HKLM_SOFTWARE)) {
      const line = text.slice(match.index ?? 0).split(/\r?\n/)[0] ?? "";
      if (/\/reg:64/i.test(line)) continue;
      keys.add(leaf(match[1] ?? ""));
    }
  }
  const findings: Finding[] = [];
  input.policy.DetectionRule.forEach((rule, index) => {
    const path = `DetectionRule[${index}].DetectionText`;
    if (rule.DetectionType === DetectionType.FileSystem && !rule.DetectionText.Check32BitOn64System) {
      const match = /^(?:%ProgramFiles%|[A-Za-z]:\\Program Files)(?!\s*\(x86\))\\?(.*)$/i.exec(
        rule.DetectionText.Path,
      );
      if (match && (folders.has(leaf(match[1] ?? "")) || (folders.has("") && leaf(match[1] ?? "") !== ""))) {
        findings.push({
          code: "WOW64_PROGRAM_FILES_MISMATCH",
          severity: "error",
          path: `${path}.Path`,
          message: `the install runs as a 32-bit process, so %ProgramFiles% in it is C:\\Program Files (x86), but detection looks in ${rule.DetectionText.Path} (64-bit): set Check32BitOn64System, or start the script through %SystemRoot%\\Sysnative`,
          imeErrorCode: ImeErrorCode.AppNotDetectedAfterInstall,
        });
      }
    }
    if (rule.DetectionType === DetectionType.Registry && !rule.DetectionText.Check32BitOn64System) {
      const match = /^(?:HKLM|HKEY_LOCAL_MACHINE)\\SOFTWARE\\(?!WOW6432Node\\)(.*)$/i.exec(
        rule.DetectionText.Path,
      );
      if (match && keys.has(leaf(match[1] ?? ""))) {
        findings.push({
          code: "WOW64_REGISTRY_MISMATCH",
          severity: "error",
          path: `${path}.Path`,
          message: `the install's 32-bit process writes HKLM\\SOFTWARE\\${match[1]} into WOW6432Node, but detection reads the 64-bit view: set Check32BitOn64System, or write with reg.exe /reg:64`,
          imeErrorCode: ImeErrorCode.AppNotDetectedAfterInstall,
        });
      }
    }
  });
  return findings;
}

/** A bare `powershell.exe` is the 32-bit one under the IME; note it once. */
export function powershellBitnessRule(input: LintInput): Finding[] {
  const command = analyzeCommand(input.policy.InstallCommandLine);
  if (
    command.kind !== "powershell" ||
    programName(command.program) !== "powershell" ||
    /sysnative/i.test(command.program)
  )
    return [];
  return [
    {
      code: "POWERSHELL_32BIT",
      severity: "info",
      path: "InstallCommandLine",
      message:
        "powershell.exe started by the IME is the 32-bit one (SysWOW64): $env:ProgramFiles is C:\\Program Files (x86) and HKLM:\\SOFTWARE is WOW6432Node; use %SystemRoot%\\Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe for 64-bit",
    },
  ];
}
