// What the IME does with each exit code the app's ReturnCodes table names (ime.md §5.1, §5.4), worded
// for the packager: the state and error code the portal would show.
import { DeviceRestartBehavior, formatHex, hresultFromWin32, ReturnCodeType } from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";

export interface ReturnCodeOutcome {
  readonly exitCode: number;
  /** The ReturnCodes type word, or "unmapped". */
  readonly type: "Success" | "SoftReboot" | "HardReboot" | "Retry" | "Failed" | "unmapped";
  /** EnforcementState the IME ends with (when detection holds for the success types). */
  readonly enforcementState: number;
  /** Error code the IME reports, unsigned; 0 for none. */
  readonly errorCode: number;
  readonly explanation: string;
}

const WORDS = {
  [ReturnCodeType.Failed]: "Failed",
  [ReturnCodeType.Success]: "Success",
  [ReturnCodeType.SoftReboot]: "SoftReboot",
  [ReturnCodeType.HardReboot]: "HardReboot",
  [ReturnCodeType.Retry]: "Retry",
} as const;

/** Exit codes worth showing besides the configured ones: the MSI failures packagers meet most. */
const COMMON_UNMAPPED = [1603, 1619];

/** The outcome of every configured return code, and of common codes the table leaves unmapped. */
export function returnCodeOutcomes(policy: DecodedImePolicy): ReturnCodeOutcome[] {
  const { MaxRetries, RetryIntervalInMinutes, DeviceRestartBehavior: restart } = policy.InstallEx;
  const restartNote =
    restart === DeviceRestartBehavior.Suppress
      ? "DeviceRestartBehavior suppress: no restart is started"
      : restart === DeviceRestartBehavior.Force
        ? "DeviceRestartBehavior force: the IME restarts the device after every successful install"
        : restart === DeviceRestartBehavior.Allow
          ? "DeviceRestartBehavior allow: the app may restart the device itself; Intune does not"
          : "";
  const outcomes: ReturnCodeOutcome[] = policy.ReturnCodes.map(({ ReturnCode: exitCode, Type: type }) => {
    const word = WORDS[type];
    const failure = hresultFromWin32(exitCode);
    switch (type) {
      case ReturnCodeType.Success:
        return {
          exitCode,
          type: word,
          enforcementState: 1000,
          errorCode: 0,
          explanation:
            "Success (1000) when detection then finds the app; otherwise Error 0x87D1041C (not detected after install)",
        };
      case ReturnCodeType.SoftReboot:
        return {
          exitCode,
          type: word,
          enforcementState: 1000,
          errorCode: 0,
          explanation: `Success with a pending restart: the user is told, not forced${restartNote === "" ? "" : ` (${restartNote})`}`,
        };
      case ReturnCodeType.HardReboot:
        return {
          exitCode,
          type: word,
          enforcementState: 1000,
          errorCode: 0,
          explanation: `Success, restart required: the IME processes no further apps until the device restarts${restartNote === "" ? "" : ` (${restartNote})`}`,
        };
      case ReturnCodeType.Retry:
        return {
          exitCode,
          type: word,
          enforcementState: 5000,
          errorCode: failure,
          explanation: `retried ${MaxRetries} times, ${RetryIntervalInMinutes} min apart; if it keeps returning ${exitCode}: Error ${formatHex(failure)}, next try after 24 h (GRS)`,
        };
      default:
        return {
          exitCode,
          type: word,
          enforcementState: 5000,
          errorCode: failure,
          explanation: `Error ${formatHex(failure)}; the next try waits 24 h (GRS)`,
        };
    }
  });
  for (const exitCode of COMMON_UNMAPPED) {
    if (policy.ReturnCodes.some((code) => code.ReturnCode >>> 0 === exitCode)) continue;
    const failure = hresultFromWin32(exitCode);
    outcomes.push({
      exitCode,
      type: "unmapped",
      enforcementState: 5000,
      errorCode: failure,
      explanation: `not in the table: Error ${formatHex(failure)} (HRESULT_FROM_WIN32); the next try waits 24 h (GRS)`,
    });
  }
  return outcomes;
}
