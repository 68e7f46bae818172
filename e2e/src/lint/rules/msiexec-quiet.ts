import { ImeErrorCode } from "@imesim/contracts/enums";
import { analyzeCommand } from "../command-line.ts";
import type { Finding, LintInput } from "../types.ts";

// The IME starts installers in session 0 (as system) or hidden: a full msiexec UI waits for a click no
// one can give, until MaxRunTimeInMinutes ends it as a timeout (ime.md §5.1, 0x87D300C9).
const QUIET = /^[/-](q|qn|qn\+|qn-|qb|qb\+|qb-|qb!|qb!-|qb-!|quiet|passive)$/i;
const REDUCED = /^[/-](qr|qr\+)$/i;
const FULL = /^[/-]qf$/i;

/** msiexec without a quiet switch (also in the uninstall command). */
export function msiexecQuietRule(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  for (const member of ["InstallCommandLine", "UninstallCommandLine"] as const) {
    const command = analyzeCommand(input.policy[member]);
    if (command.kind !== "msiexec") continue;
    if (command.args.some((arg) => QUIET.test(arg))) continue;
    const reduced = command.args.some((arg) => REDUCED.test(arg));
    findings.push({
      code: "MSIEXEC_NOT_QUIET",
      severity: reduced ? "warning" : "error",
      path: member,
      message: reduced
        ? `${member} runs msiexec with a reduced UI (/qr), which ends with a modal dialog; use /qn`
        : `${member} runs msiexec ${command.args.some((arg) => FULL.test(arg)) ? "with its full UI (/qf)" : "without a quiet switch"}: ` +
          "in the IME's session it waits for input until MaxRunTimeInMinutes, then fails as a timeout (0x87D300C9); add /qn",
      ...(reduced ? {} : { imeErrorCode: ImeErrorCode.InstallTimeout }),
    });
  }
  return findings;
}
