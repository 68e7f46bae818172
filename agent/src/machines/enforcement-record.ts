// Recording an enforcement's outcome where the IME keeps it (ime.md §4, §9, §10.2): ComplianceStateMessage,
// EnforcementStateMessage, GRS, Reporting, the Report deltas and the company-portal report, and toasts.
import {
  Applicability,
  ComplianceState,
  ConflictReason,
  DesiredState,
  DeviceRestartBehavior,
  EnforcementState,
  InstallContext,
  Intent,
  nameOf,
  ReportDetectionState,
  ResultantAppState,
  RunAs,
  ToastState,
} from "@imesim/contracts/enums";
import type { AppStatusReport } from "@imesim/contracts/gateway";
import type {
  ComplianceStateMessage,
  DecodedImePolicy,
  EnforcementStateMessage,
} from "@imesim/contracts/ime";
import type { Clock } from "../clock/clock.ts";
import type { ImeEventStream } from "../events/stream.ts";
import type { ImeStateStore } from "../ime/state-store.ts";
import { statusServiceReportOf } from "../ime/status-service-report.ts";
import { mapExitCode } from "./decisions.ts";
import { refOf, subjectOf } from "./enforcement-subject.ts";
import type { EnforcementContext, EnforcementResult } from "./enforcement-types.ts";

/** Portal defaults of restartSettings when RebootEx says -1 (ime.md §5.4 [C*: S3]): grace 1440 min, countdown 15 min. */
const DEFAULT_GRACE_MINUTES = 1440;
const DEFAULT_COUNTDOWN_MINUTES = 15;

/**
 * When the IME restarts the device after a hard-reboot outcome (ime.md §5.4): with "based on return code"
 * and "force" it does, after RebootEx's grace period and countdown; with "allow" the app restarts the
 * device itself and the IME does not.
 */
export function imeRestartDelayMs(policy: DecodedImePolicy): number | undefined {
  if (policy.InstallEx.DeviceRestartBehavior === DeviceRestartBehavior.Allow) return undefined;
  const grace = policy.RebootEx.GracePeriod >= 0 ? policy.RebootEx.GracePeriod : DEFAULT_GRACE_MINUTES;
  const countdown = policy.RebootEx.Countdown >= 0 ? policy.RebootEx.Countdown : DEFAULT_COUNTDOWN_MINUTES;
  return (grace + countdown) * 60_000;
}

/**
 * The toasts an enforcement raises through AgentExecutor, as the assignment's notifications ask (ToastState,
 * ime.md §2.9): showAll → install outcome and restart toasts, showReboot → restart toasts only, hideAll → none.
 * Only `ToastDependencyAppInstall` is a name seen in real logs (ime.md §1.3.8); the others are ours, in its style.
 */
function toastsFor(context: EnforcementContext, isError: boolean): string[] {
  if (context.outcome === undefined || context.policy.ToastState === ToastState.HideAll) return [];
  const toasts: string[] = [];
  const showAll = context.policy.ToastState === ToastState.ShowAll;
  if (showAll && context.targetingMethod === 1 && context.mode === "install")
    toasts.push("ToastDependencyAppInstall");
  if (showAll) toasts.push(isError ? "ToastInstallFailure" : "ToastInstallSuccess");
  const exitCode = context.outcome.exitCode;
  const softReboot =
    exitCode !== undefined && mapExitCode(context.policy.ReturnCodes, exitCode).word === "SoftReboot";
  if (context.rebootPending || softReboot) toasts.push("ToastRebootRequired");
  return toasts;
}

/** The names the Report deltas carry (`"Applicable"`, `"Present"`), null before anything is known. */
const applicabilityName = (value: number | null | undefined): string | null =>
  value === undefined || value === null ? null : (nameOf(Applicability, value) ?? String(value));
const desiredName = (value: number | null | undefined): string | null =>
  value === undefined || value === null ? null : (nameOf(DesiredState, value) ?? String(value));

const notApplicable = (context: EnforcementContext): boolean =>
  (context.applicability?.applicability ?? Applicability.Applicable) !== Applicability.Applicable;

/**
 * The reporting state the ReportingManager starts from for an app it has no record of (ime.md §11a: "Reporting
 * state initialized with initial values"). Which members the real one holds is not known; ours are the §9
 * report's with nothing known yet [I].
 */
export function initialReportingState(context: EnforcementContext): Record<string, unknown> {
  return {
    ApplicationId: context.policy.Id,
    DesiredState: null,
    DetectionState: null,
    ApplicabilityState: null,
    EnforcementState: null,
    EnforcementErrorCode: null,
    Intent: context.policy.Intent,
    InternalVersion: context.policy.Version,
  };
}

/** The ComplianceStateMessage for the app's state now (ime.md §4.1, enums §4.3). */
export function complianceOf(
  context: EnforcementContext,
  detected: boolean,
  errorCode: number | null,
): ComplianceStateMessage {
  return {
    Applicability: (context.applicability?.applicability ??
      Applicability.Applicable) as ComplianceStateMessage["Applicability"],
    ComplianceState: detected ? ComplianceState.Installed : ComplianceState.NotInstalled,
    // Not applicable → DesiredState 0 (ime.md §11a Reporting, §11b: Applicability 1008 with DesiredState 0).
    DesiredState: notApplicable(context)
      ? DesiredState.None
      : context.mode === "uninstall"
        ? DesiredState.NotPresent
        : DesiredState.Present,
    ErrorCode: errorCode,
    TargetingMethod: context.targetingMethod,
    InstallContext:
      context.policy.InstallEx.RunAs === RunAs.System ? InstallContext.System : InstallContext.User,
    TargetType: context.policy.TargetType,
    ProductVersion: context.detection?.version ?? null,
    AssignmentFilterIds: context.policy.AssignmentFilterIds,
  };
}

/**
 * ResultantAppState of the §9 report (Graph numbering, ime.md §9 [I]). A failed uninstall is Graph's
 * uninstallFailed (4), not failed (2), so the portal tells a stuck removal from a failed install [I].
 */
function resultantAppState(state: number, detected: boolean, uninstall: boolean): ResultantAppState {
  if (state === EnforcementState.RequirementsNotMet) return ResultantAppState.NotApplicable;
  if (state >= 5000 && state < 6000)
    return uninstall ? ResultantAppState.UninstallFailed : ResultantAppState.Failed;
  if (state >= 2000 && state < 3000) return ResultantAppState.PendingInstall;
  return detected ? ResultantAppState.Installed : ResultantAppState.NotInstalled;
}

/**
 * ReportingImpact.ConflictReason (ime.md §2.8, §9): 2 when the parent was not attempted because a detect-only
 * dependency is missing. That block reason is exactly what ends a parent in 6005 (decisions.ts
 * blockedParentState), so the state carries it to the report.
 */
function conflictReasonOf(state: number): ConflictReason {
  return state === EnforcementState.NotAttemptedDependencyWithAutoInstallOff
    ? ConflictReason.DependencyNotAutoInstalled
    : ConflictReason.None;
}

/**
 * ReportingImpact.Classification (ime.md §9, §11a): 3 was seen for a superseded app and 1 for a parent blocked
 * by a detect-only dependency; 2, the real standalone sample's value, for everything else [I].
 */
function classificationOf(context: EnforcementContext, state: number): number {
  if (context.relation === "superseded") return 3;
  if (state === EnforcementState.NotAttemptedDependencyWithAutoInstallOff) return 1;
  return 2;
}

/** What recording touches. */
export interface RecorderDeps {
  readonly store: ImeStateStore;
  readonly events: ImeEventStream;
  readonly clock: Clock;
}

/** The state writers of an enforcement: the running states, and the whole outcome at the end. */
export interface OutcomeRecorder {
  writeEnforcement(
    context: EnforcementContext,
    state: number,
    errorCode: number,
    exitCode?: number,
  ): EnforcementStateMessage;
  writeComplianceState(context: EnforcementContext, compliance: ComplianceStateMessage): void;
  record(context: EnforcementContext): EnforcementResult;
}

/** Builds the recorder over the IME's state store and the event stream. */
export function createOutcomeRecorder(deps: RecorderDeps): OutcomeRecorder {
  const { store, events, clock } = deps;
  const writeEnforcement = (
    context: EnforcementContext,
    state: number,
    errorCode: number,
    exitCode?: number,
  ) => {
    const message: EnforcementStateMessage = {
      EnforcementState: state,
      ErrorCode: errorCode,
      TargetingMethod: context.targetingMethod,
    };
    const keyPath = store.writeEnforcement(refOf(context), message, clock.now(), exitCode);
    events.emit(
      { phase: "state.enforcement", details: { keyPath, enforcementState: state, errorCode } },
      subjectOf(context),
    );
    return message;
  };

  const writeComplianceState = (context: EnforcementContext, compliance: ComplianceStateMessage) => {
    const keyPath = store.writeCompliance(refOf(context), compliance, context.policy.Intent, clock.now());
    events.emit({ phase: "state.compliance", details: { keyPath, message: compliance } }, subjectOf(context));
  };

  const record = (context: EnforcementContext): EnforcementResult => {
    const ref = refOf(context);
    const previousCompliance = store.readCompliance(ref);
    const previousEnforcement = store.readEnforcement(ref);
    const blocked = context.blockedByGrs;
    const detected = context.detectedAfter ?? context.detection?.detected ?? false;
    const applicability = context.applicability?.applicability ?? Applicability.Applicable;
    const isError = context.finalState >= 5000 && context.finalState < 6000;
    const compliance = complianceOf(context, detected, isError ? context.errorCode : null);
    const now = clock.now();
    writeComplianceState(context, compliance);
    // In GRS the previous attempt's state stands: the IME does not enforce, so it writes no new outcome.
    const enforcement: EnforcementStateMessage = blocked
      ? (previousEnforcement ?? {
          EnforcementState: context.finalState,
          ErrorCode: context.errorCode,
          TargetingMethod: context.targetingMethod,
        })
      : writeEnforcement(context, context.finalState, context.errorCode, context.outcome?.exitCode);
    if (isError && !blocked) {
      store.recordGrs(context.userId, context.hash, context.policy.Id, now);
      events.emit({ phase: "grs.recorded", details: { hash: context.hash, at: now } }, subjectOf(context));
    }
    if (context.rebootPending) store.setPendingHardReboot(true);

    // What the last Detection delta said: this flow's first one (a dependency root's `Undetectable`, ime.md
    // §11a), else the state last recorded.
    const oldDetection =
      context.reportedDetection ??
      (previousCompliance === undefined
        ? null
        : previousCompliance.ComplianceState === ComplianceState.Installed
          ? "Installed"
          : "NotInstalled");
    const newDetection = detected ? "Installed" : "NotInstalled";
    if (oldDetection !== newDetection) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            kind: "Detection",
            delta: {
              DetectionState: { OldValue: oldDetection, NewValue: newDetection },
              DetectedIdentityVersion: {
                OldValue: previousCompliance?.ProductVersion ?? null,
                NewValue: compliance.ProductVersion,
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    const stateName = (code: number | undefined) =>
      code === undefined ? null : (nameOf(EnforcementState, code) ?? String(code));
    if (
      previousEnforcement?.EnforcementState !== enforcement.EnforcementState ||
      previousEnforcement?.ErrorCode !== enforcement.ErrorCode
    ) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            // A content error is the Download state's delta, not the Execution state's (ime.md §11a Reporting).
            kind:
              enforcement.EnforcementState === EnforcementState.ErrorDownloadingContent
                ? "Download"
                : "Execution",
            delta: {
              EnforcementState: {
                OldValue: stateName(previousEnforcement?.EnforcementState),
                NewValue: stateName(enforcement.EnforcementState),
              },
              EnforcementErrorCode: {
                OldValue: previousEnforcement?.ErrorCode ?? null,
                NewValue: enforcement.ErrorCode,
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    const report: AppStatusReport = {
      ApplicationId: context.policy.Id,
      ResultantAppState: resultantAppState(
        enforcement.EnforcementState,
        detected,
        context.mode === "uninstall",
      ),
      ReportingImpact: {
        DesiredState: compliance.DesiredState,
        Classification: classificationOf(context, enforcement.EnforcementState),
        ConflictReason: conflictReasonOf(enforcement.EnforcementState),
        ImpactingApps: [...(context.relatives ?? [])],
      },
      // Reports of related apps carry an (empty) ReportingImpact2 after it (ime.md §11a Reporting).
      ...((context.relatives?.length ?? 0) > 0 ? { ReportingImpact2: {} } : {}),
      WriteableToStorage: true,
      CanGenerateComplianceState: true,
      CanGenerateEnforcementState: true,
      IsAppReportable: true,
      IsAppAggregatable: true,
      AvailableAppEnforcementFlag: 0,
      DesiredState: compliance.DesiredState,
      DetectionState: detected ? ReportDetectionState.Detected : ReportDetectionState.NotDetected,
      DetectionErrorOccurred: false,
      DetectionErrorCode: null,
      ApplicabilityState: applicability,
      ApplicabilityErrorOccurred: false,
      ApplicabilityErrorCode: null,
      EnforcementState: enforcement.EnforcementState,
      EnforcementErrorCode: enforcement.ErrorCode === 0 ? null : enforcement.ErrorCode,
      TargetingMethod: context.targetingMethod,
      TargetingType: context.policy.TargetType,
      InstallContext: compliance.InstallContext,
      Intent: context.policy.Intent,
      InternalVersion: context.policy.Version,
      DetectedIdentityVersion: compliance.ProductVersion,
      RemovalReason: null,
    };
    const previousReport = store.readReportingState(context.userId, context.policy.Id);
    // Applicability and desired state deltas beside Detection and Execution (ime.md §11a Reporting).
    if (previousReport?.ApplicabilityState !== report.ApplicabilityState) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            kind: "Applicability",
            delta: {
              ApplicabilityState: {
                OldValue: applicabilityName(previousReport?.ApplicabilityState),
                NewValue: applicabilityName(report.ApplicabilityState),
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    if (previousReport?.DesiredState !== report.DesiredState) {
      events.emit(
        {
          phase: "report.delta",
          details: {
            kind: "Desired",
            delta: {
              DesiredState: {
                OldValue: desiredName(previousReport?.DesiredState),
                NewValue: desiredName(report.DesiredState),
              },
            },
          },
        },
        subjectOf(context),
      );
    }
    const statusServiceReport = statusServiceReportOf(context.userId, report);
    store.writeReporting(context.userId, context.policy.Id, report, statusServiceReport, context.hash, now);
    // An app with no intent of its own (a dependency) sends no Company Portal status (ime.md §11a Reporting).
    if (context.relation === "dependency" && context.policy.Intent === Intent.NotTargeted)
      events.emit({ phase: "report.withheld", details: {} }, subjectOf(context));
    else events.emit({ phase: "report.sent", details: { report, statusServiceReport } }, subjectOf(context));
    for (const toast of toastsFor(context, isError)) {
      events.emit(
        { phase: "toast.shown", details: { toast, appName: context.policy.Name } },
        subjectOf(context),
      );
    }
    const result: EnforcementResult = {
      appId: context.policy.Id,
      version: context.policy.Version,
      enforcementState: enforcement.EnforcementState,
      errorCode: enforcement.ErrorCode ?? 0,
      detected,
      applicability,
      executed: context.outcome !== undefined,
      rebootPending: context.rebootPending,
      restartAfterMs: context.rebootPending ? imeRestartDelayMs(context.policy) : undefined,
      report,
      compliance,
      enforcement,
    };
    events.emit(
      {
        phase: "enforcement.completed",
        details: { enforcementState: result.enforcementState, errorCode: result.errorCode, detected },
      },
      subjectOf(context),
    );
    return result;
  };
  return { writeEnforcement, writeComplianceState, record };
}
