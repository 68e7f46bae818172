// What the IME does with each exit code the app's ReturnCodes table names (ime.md §5.1, §5.4), worded
// for the packager: the state and error code the portal would show. The decision itself is the agent's
// (installOutcome over mapExitCode), so `imesim test` and `imesim run` never disagree.
import { installOutcome, mapExitCode, type RestartKind } from "@imesim/agent/machines";
import { DeviceRestartBehavior, EnforcementState, formatHex } from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";

export interface ReturnCodeOutcome {
  readonly exitCode: number;
  /** The ReturnCodes type word, or "unmapped". */
  readonly type: "Success" | "SoftReboot" | "HardReboot" | "Retry" | "Failed" | "unmapped";
  /** EnforcementState the IME ends with (when detection holds for the types that re-detect). */
  readonly enforcementState: number;
  /** Error code the IME reports, unsigned; 0 for none. */
  readonly errorCode: number;
  /** The IME stops processing apps until the device restarts. */
  readonly pendingReboot: boolean;
  readonly explanation: string;
}

/** Exit codes worth showing besides the configured ones: the MSI failures packagers meet most. */
const COMMON_UNMAPPED = [1603, 1619];

const BEHAVIOUR_NAMES: Record<number, string> = {
  [DeviceRestartBehavior.BasedOnReturnCode]: "basedOnReturnCode",
  [DeviceRestartBehavior.Allow]: "allow",
  [DeviceRestartBehavior.Suppress]: "suppress",
  [DeviceRestartBehavior.Force]: "force",
};

const RESTART_WORDS: Record<RestartKind, string> = {
  none: "",
  soft: "; the user is told a restart is pending, not forced",
  hard: "; a restart is required: the IME processes no further apps until the device restarts",
  forced: "; the IME restarts the device and processes no further apps until then",
};

/** The outcome of every configured return code, and of common codes the table leaves unmapped. */
export function returnCodeOutcomes(policy: DecodedImePolicy): ReturnCodeOutcome[] {
  const { MaxRetries, RetryIntervalInMinutes, DeviceRestartBehavior: restart } = policy.InstallEx;
  const behaviour = `DeviceRestartBehavior ${BEHAVIOUR_NAMES[restart] ?? restart}`;
  const outcomeOf = (exitCode: number): ReturnCodeOutcome => {
    const mapping = mapExitCode(policy.ReturnCodes, exitCode);
    const decision = installOutcome(mapping, restart);
    const errorCode = decision.errorCode >>> 0;
    const error = `Error ${formatHex(errorCode)}`;
    let explanation: string;
    if (mapping.word === undefined)
      explanation = `not in the table: ${error} (HRESULT_FROM_WIN32); the next try waits 24 h (GRS)`;
    else if (mapping.word === "Retry")
      explanation = `retried ${MaxRetries} times, ${RetryIntervalInMinutes} min apart; if it keeps returning ${exitCode}: ${error}, next try after 24 h (GRS)`;
    else if (mapping.word === "Failed") explanation = `${error}; the next try waits 24 h (GRS)`;
    else if (decision.pendingReboot)
      explanation = `InProgressPendingReboot (${EnforcementState.InProgressPendingReboot}) without re-detecting${RESTART_WORDS[decision.restart]} (${behaviour}); after the restart, detection decides`;
    else
      explanation = `Success (${EnforcementState.Success}) when detection then finds the app, otherwise Error 0x87D1041C (not detected after install)${RESTART_WORDS[decision.restart]} (${behaviour})`;
    return {
      exitCode,
      type: mapping.word ?? "unmapped",
      enforcementState: decision.state,
      errorCode,
      pendingReboot: decision.pendingReboot,
      explanation,
    };
  };
  const outcomes = policy.ReturnCodes.map(({ ReturnCode }) => outcomeOf(ReturnCode));
  for (const exitCode of COMMON_UNMAPPED) {
    if (policy.ReturnCodes.some((code) => code.ReturnCode >>> 0 === exitCode)) continue;
    outcomes.push(outcomeOf(exitCode));
  }
  return outcomes;
}
