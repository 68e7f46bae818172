// The IME's decisions as pure functions: exit-code mapping, GRS, re-evaluation, check-in cadence,
// subgraph planning. The charts call these through guards; tests call them directly.
import {
  DeviceRestartBehavior,
  EnforcementState,
  hresultFromWin32,
  ImeErrorCode,
  Intent,
  RelationAction,
  RelationType,
  type ReturnCode,
  ReturnCodeType,
  toSigned32,
} from "@imesim/contracts/enums";
import type { DecodedImePolicy } from "@imesim/contracts/ime";
import type { GrsVerdict, ReturnCodeWord } from "../events/types.ts";

/** GRS: a failed required app waits about 24 h before the next attempt (ime.md §5.2). */
export const GRS_WINDOW_MS = 24 * 3_600_000;
/** Subgraph re-evaluation when the policy names none: 480 min (ime.md §5.3). */
export const DEFAULT_REEVALUATION_MINUTES = 480;
/** The poller timer alternates between these (58/62 min) in real logs (ime.md §1.3.11, §6). */
export const CHECKIN_INTERVALS_MS = [3_480_000, 3_720_000] as const;
/** Start-up delays (ime.md §1.3.11): all check-ins 36 s, the PS and Win32 workload 147 s. */
export const STARTUP_DELAY_ALL_MS = 36_000;
export const STARTUP_DELAY_WIN32_MS = 147_000;
/**
 * Shutdown, firmware, Windows boot and the service's automatic start across a restart: the machine is down
 * for minutes (ime.md §11a Time); 3 min is ours for a current PC with an SSD [I].
 */
export const REBOOT_DOWNTIME_MS = 180_000;

/** What an exit code means for the enforcement (ime.md §5.1). */
export interface ExitCodeMapping {
  /** The ReturnCodes type word, or undefined when the admin did not map the code. */
  readonly word: ReturnCodeWord | undefined;
  /** Signed 32-bit ErrorCode for the EnforcementStateMessage; 0 on success. */
  readonly errorCode: number;
}

const WORDS: Record<number, ReturnCodeWord> = {
  [ReturnCodeType.Failed]: "Failed",
  [ReturnCodeType.Success]: "Success",
  [ReturnCodeType.SoftReboot]: "SoftReboot",
  [ReturnCodeType.HardReboot]: "HardReboot",
  [ReturnCodeType.Retry]: "Retry",
};

/** Maps an installer exit code through the policy's ReturnCodes; unmapped → HRESULT_FROM_WIN32 (ime.md §5.1). */
export function mapExitCode(returnCodes: readonly ReturnCode[], exitCode: number): ExitCodeMapping {
  const entry = returnCodes.find((code) => code.ReturnCode === exitCode);
  if (entry === undefined) return { word: undefined, errorCode: toSigned32(hresultFromWin32(exitCode)) };
  const word = WORDS[entry.Type] ?? "Failed";
  // A Failed (or exhausted Retry) type reports HRESULT_FROM_WIN32 of the code as well (ime.md §5.1 [I]).
  const errorCode = word === "Failed" || word === "Retry" ? toSigned32(hresultFromWin32(exitCode)) : 0;
  return { word, errorCode };
}

/** Which restart an install outcome asks for: told to the user (soft), required (hard), or the IME's own (forced). */
export type RestartKind = "none" | "soft" | "hard" | "forced";

/** What the IME does after an installer exits with a mapped (or unmapped) code (ime.md §5.1, §5.4). */
export interface InstallDecision {
  /**
   * The EnforcementState the attempt ends in. When `redetect` is true this is the state of a successful
   * re-detection; not detected turns it into Error 0x87D1041C (ime.md §5.1).
   */
  readonly state: number;
  /** Signed 32-bit ErrorCode (from mapExitCode); 0 on success. */
  readonly errorCode: number;
  /** Detection runs again to decide the outcome. */
  readonly redetect: boolean;
  /** A restart is pending: no further app is processed until the device restarts (ime.md §5.4). */
  readonly pendingReboot: boolean;
  readonly restart: RestartKind;
}

/**
 * The one decision on an exited installer, used by the enforcement chart and by `imesim test` (ime.md §5.1,
 * §5.4). Failed, exhausted Retry and unmapped codes end in Error. DeviceRestartBehavior then decides:
 * - suppress (2): no restart for any code; success types re-detect (1000 when detected).
 * - force (3): every success type leaves a pending restart (2008) without re-detecting; the IME restarts.
 * - basedOnReturnCode (0) and allow (1): HardReboot (1641) leaves 2008 and stops processing; SoftReboot
 *   (3010) re-detects and only tells the user. That `allow` still stops processing on 1641 is our choice [I]:
 *   the reference says only that Intune does not restart the device itself.
 */
export function installOutcome(mapping: ExitCodeMapping, restartBehavior: number): InstallDecision {
  const { word, errorCode } = mapping;
  if (word === undefined || word === "Failed" || word === "Retry")
    return {
      state: EnforcementState.Error,
      errorCode,
      redetect: false,
      pendingReboot: false,
      restart: "none",
    };
  const success = { state: EnforcementState.Success, errorCode: 0, redetect: true, pendingReboot: false };
  if (restartBehavior === DeviceRestartBehavior.Suppress) return { ...success, restart: "none" };
  const pending = {
    state: EnforcementState.InProgressPendingReboot,
    errorCode: 0,
    redetect: false,
    pendingReboot: true,
  };
  if (restartBehavior === DeviceRestartBehavior.Force)
    return { ...pending, restart: word === "HardReboot" ? "hard" : "forced" };
  if (word === "HardReboot") return { ...pending, restart: "hard" };
  return { ...success, restart: word === "SoftReboot" ? "soft" : "none" };
}

/** How the app was put in front of the IME this time. */
export type Targeting = "required" | "available" | "uninstall";

/** The GRS gate's verdict (ime.md §5.2): no value = expired; available/user-initiated bypasses. */
export function grsVerdict(grsValue: number | undefined, now: number, targeting: Targeting): GrsVerdict {
  if (grsValue === undefined) return "noValue";
  if (now - grsValue >= GRS_WINDOW_MS) return "expired";
  return targeting === "available" ? "bypassedByIntent" : "notExpired";
}

/** True when the verdict lets the app be enforced. */
export const grsAllowsEnforcement = (verdict: GrsVerdict): boolean => verdict !== "notExpired";

/** Where the next check-in interval comes from. */
export type CheckinIntervalSource = "settingsInterval" | "server" | "default";

/**
 * Which input sets the check-in timer. ime.md §6 names three: `Settings\Interval` (§4.5 [?]), the server's
 * `CheckinIntervalMinutes` (56 seen) and the observed 58/62-min alternation. How the IME ranks them is not
 * documented; our choice [I]: the local `Settings\Interval` first (an admin or a test set it on purpose on this
 * device), then the server's value, then the alternation.
 */
export function checkinIntervalSource(
  settingsIntervalSeconds: number | undefined,
  serverIntervalMinutes: number | undefined,
): CheckinIntervalSource {
  if (settingsIntervalSeconds !== undefined) return "settingsInterval";
  if (serverIntervalMinutes !== undefined) return "server";
  return "default";
}

/** The timer interval before the next check-in, by the precedence of checkinIntervalSource. */
export function checkinIntervalMs(
  checkinCount: number,
  settingsIntervalSeconds: number | undefined,
  serverIntervalMinutes?: number,
): number {
  switch (checkinIntervalSource(settingsIntervalSeconds, serverIntervalMinutes)) {
    case "settingsInterval":
      return settingsIntervalSeconds! * 1000;
    case "server": {
      // Real timers alternate 58/62 min around the hourly cadence (ime.md §1.3.11, §6), whatever
      // CheckinIntervalMinutes said; we alternate ±2 min around the server's value, which gives exactly
      // 3480000/3720000 for the usual 60 [I: the rule for other values is ours].
      const jitter = CHECKIN_INTERVALS_MS[checkinCount % CHECKIN_INTERVALS_MS.length]! - 3_600_000;
      return serverIntervalMinutes! * 60_000 + jitter;
    }
    default:
      return CHECKIN_INTERVALS_MS[checkinCount % CHECKIN_INTERVALS_MS.length]!;
  }
}

/** Whether a subgraph's re-evaluation interval has run out (ime.md §5.3). */
export function reevaluationDue(
  lastEvaluation: number | undefined,
  now: number,
  intervalMinutes: number,
): boolean {
  return lastEvaluation === undefined || now - lastEvaluation >= intervalMinutes * 60_000;
}

/** The error an install timeout reports (ime.md §5.1). */
export const INSTALL_TIMEOUT_ERROR = toSigned32(ImeErrorCode.InstallTimeout);
/** The installer process could not start: HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) [I]. */
export const LAUNCH_ERROR = toSigned32(hresultFromWin32(2));
/** Not detected after a successful install (ime.md §5.1). */
export const NOT_DETECTED_AFTER_INSTALL_ERROR = toSigned32(ImeErrorCode.AppNotDetectedAfterInstall);
/** Content could not be downloaded (ime.md §5.5: 5003 / 0x87D30067). */
export const DOWNLOAD_ERROR = toSigned32(ImeErrorCode.ErrorDownloadingContent);
/** Content info, hash, decrypt or unzip failed (ime.md §5.5: 0x87D30065). */
export const CONTENT_ERROR = toSigned32(ImeErrorCode.ContentInfoOrDownloadFailed);

/** What one member of a subgraph is there for. */
export type SubgraphRole =
  | { readonly kind: "target" }
  | { readonly kind: "dependency"; readonly autoInstall: boolean; readonly parentId: string }
  | { readonly kind: "superseded"; readonly replace: boolean; readonly parentId: string };

/** One app of a subgraph, in processing order. */
export interface SubgraphMember {
  readonly policy: DecodedImePolicy;
  readonly role: SubgraphRole;
}

/** An app with its dependencies and supersedence relations (ime.md §0, V3 processor). */
export interface SubgraphPlan {
  /** The directly targeted app the subgraph is built around. */
  readonly target: DecodedImePolicy;
  /** Dependencies deepest first, then superseded apps, then the target. */
  readonly members: readonly SubgraphMember[];
}

/**
 * Builds one subgraph per directly targeted app (Targeted = 1 and Intent ≠ 0) from FlatDependencies
 * (ime.md §2.8): dependencies first (deepest level first, since a dependency must be present before its
 * parent installs), then superseded apps (replace = uninstall first), then the target itself.
 */
export function planSubgraphs(policies: readonly DecodedImePolicy[]): SubgraphPlan[] {
  const byId = new Map(policies.map((policy) => [policy.Id.toLowerCase(), policy]));
  const plans: SubgraphPlan[] = [];
  for (const target of policies) {
    if (target.Targeted !== 1 || target.Intent === Intent.NotTargeted) continue;
    const members: SubgraphMember[] = [];
    const seen = new Set<string>([target.Id.toLowerCase()]);
    const relations = [...(target.FlatDependencies ?? [])].sort((a, b) => b.Level - a.Level);
    for (const relation of relations.filter((r) => r.Type === RelationType.Dependency)) {
      const child = byId.get(relation.ChildId.toLowerCase());
      if (child === undefined || seen.has(child.Id.toLowerCase())) continue;
      seen.add(child.Id.toLowerCase());
      members.push({
        policy: child,
        role: {
          kind: "dependency",
          autoInstall: relation.Action === RelationAction.AutoInstall,
          parentId: relation.AppId,
        },
      });
    }
    for (const relation of relations.filter((r) => r.Type === RelationType.Supersedence)) {
      const old = byId.get(relation.ChildId.toLowerCase());
      if (old === undefined || seen.has(old.Id.toLowerCase())) continue;
      seen.add(old.Id.toLowerCase());
      members.push({
        policy: old,
        role: {
          kind: "superseded",
          replace: relation.Action === RelationAction.SupersedeReplace,
          parentId: relation.AppId,
        },
      });
    }
    members.push({ policy: target, role: { kind: "target" } });
    plans.push({ target, members });
  }
  return plans;
}

/** Why a relative stops the subgraph's target. */
export type BlockReason =
  | "dependencyFailed"
  | "detectOnlyMissing"
  | "dependencyNotApplicable"
  | "supersededUninstallFailed";

/**
 * The enforcement state a parent ends in when a relative stops it (ime.md §2.8, §4.2). A replaced app whose
 * uninstall failed leaves its successor 6009 NotAttemptedSupersededAppUninstallFailed: the reference gives the
 * code's name only, the case it names is our reading of it [I].
 */
export function blockedParentState(reason: BlockReason): number {
  if (reason === "supersededUninstallFailed")
    return EnforcementState.NotAttemptedSupersededAppUninstallFailed;
  if (reason === "detectOnlyMissing") return EnforcementState.NotAttemptedDependencyWithAutoInstallOff;
  if (reason === "dependencyNotApplicable")
    return EnforcementState.NotAttemptedDependencyWithRequirementsNotMet;
  return EnforcementState.NotAttemptedDependencyWithFailure;
}

/**
 * The success state of a finished flow, by the app's part in a supersedence (ime.md §4.2; §11a names the
 * portal texts, the codes are chosen by their §4.2 names [I]):
 * - a replaced app uninstalled for its successor: 1016 SuccessAppRemovedBySupersedence ("App was removed in
 *   order to install a superseding app.");
 * - a successor installed while an app it supersedes is still detected (an update over the old one):
 *   1015 SuccessSupersededAppsDetected ("Superseded applications are detected.");
 * - otherwise 1000 Success.
 */
export function successState(
  relation: "dependency" | "superseded" | undefined,
  uninstall: boolean,
  supersededDetected: boolean | undefined,
): number {
  if (relation === "superseded" && uninstall) return EnforcementState.SuccessAppRemovedBySupersedence;
  if (relation === undefined && !uninstall && supersededDetected === true)
    return EnforcementState.SuccessSupersededAppsDetected;
  return EnforcementState.Success;
}

/** What the Company Portal says for the supersedence outcomes (ime.md §11a Reporting [C*: S12]). */
export const SUPERSEDENCE_PORTAL_TEXTS: Readonly<Record<number, string>> = {
  [EnforcementState.SuccessSupersededAppsDetected]: "Superseded applications are detected.",
  [EnforcementState.SuccessAppRemovedBySupersedence]:
    "App was removed in order to install a superseding app.",
};
