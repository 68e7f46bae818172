import { formatHex, hresultFromWin32, ReturnCodeType } from "@imesim/contracts/enums";
import { analyzeCommand } from "../command-line.ts";
import type { Finding, LintInput } from "../types.ts";

// Exit codes whose meaning Windows Installer fixes (windows-formats.md §5.3) and the types the portal's
// default list gives them (ime.md §2.7); an unmapped code is an error with HRESULT_FROM_WIN32 (§5.1).
const REBOOT_CODES = [
  { code: 3010, type: ReturnCodeType.SoftReboot, meaning: "success, restart required" },
  { code: 1641, type: ReturnCodeType.HardReboot, meaning: "success, restart started" },
] as const;

/** Return-code table problems: 0 not success, duplicates, 3010/1641 and 1618 not handled. */
export function returnCodesRule(input: LintInput): Finding[] {
  const codes = input.policy.ReturnCodes;
  const findings: Finding[] = [];
  const typeOf = (code: number) => codes.find((entry) => entry.ReturnCode >>> 0 === code >>> 0)?.Type;
  if (typeOf(0) !== ReturnCodeType.Success) {
    findings.push({
      code: "EXIT_ZERO_NOT_SUCCESS",
      severity: "error",
      path: "ReturnCodes",
      message: `exit code 0 is ${typeOf(0) === undefined ? "not mapped" : "not mapped to success"}: a successful install would be reported as failed`,
    });
  }
  const seen = new Set<number>();
  codes.forEach((entry, index) => {
    const key = entry.ReturnCode >>> 0;
    if (seen.has(key)) {
      findings.push({
        code: "DUPLICATE_RETURN_CODE",
        severity: "warning",
        path: `ReturnCodes[${index}]`,
        message: `exit code ${entry.ReturnCode} is listed more than once; the IME uses the first entry`,
      });
    }
    seen.add(key);
  });
  const usesMsi = [input.policy.InstallCommandLine, input.policy.UninstallCommandLine].some(
    (line) => analyzeCommand(line).kind === "msiexec",
  );
  for (const reboot of REBOOT_CODES) {
    if (typeOf(reboot.code) !== undefined) continue;
    const hresult = hresultFromWin32(reboot.code);
    findings.push({
      code: "REBOOT_CODE_NOT_HANDLED",
      severity: usesMsi ? "warning" : "info",
      path: "ReturnCodes",
      message: `exit code ${reboot.code} (${reboot.meaning}) is not mapped: an install ending with it would be reported as failed (${formatHex(hresult)}) although it worked`,
      imeErrorCode: hresult,
    });
  }
  if (usesMsi && typeOf(1618) === undefined) {
    findings.push({
      code: "RETRY_CODE_1618_NOT_HANDLED",
      severity: "info",
      path: "ReturnCodes",
      message:
        "exit code 1618 (another installation is in progress) is not mapped to retry: a busy Windows Installer fails the app instead of retrying 5 minutes later",
      imeErrorCode: hresultFromWin32(1618),
    });
  }
  const maxRun = input.policy.InstallEx.MaxRunTimeInMinutes;
  if (maxRun < 1 || maxRun > 1440) {
    findings.push({
      code: "MAX_RUN_TIME_OUT_OF_RANGE",
      severity: "warning",
      path: "InstallEx.MaxRunTimeInMinutes",
      message: `MaxRunTimeInMinutes is ${maxRun}; the portal allows 1 to 1440`,
    });
  }
  return findings;
}
