// The StatusService's AppInstallStatusReport (ime.md §4.5, §1.3.9), derived from the §9 reporting state
// the IME has just computed, so the Company Portal view and the ESP page never disagree with it.
import {
  Applicability,
  EnforcementState,
  InstallContext,
  ReportDetectionState,
} from "@imesim/contracts/enums";
import type { AppStatusReport } from "@imesim/contracts/gateway";
import { AppInstallStatus, type AppInstallStatusReport } from "@imesim/contracts/ime";

const inBand = (state: number | null, band: number): boolean =>
  state !== null && state >= band && state < band + 1000;

/**
 * The Status the StatusService returns for a report (ime.md §4.5): not applicable first, then failed (5xxx),
 * installing (2xxx), installed (detected). An app that is simply not installed is Unknown, as the IME logs
 * "Returning AppInstallStatus as Unknown since Compliance State is 2" (§1.3.9). The order is our reading [I].
 */
export function appInstallStatusOf(report: AppStatusReport): AppInstallStatus {
  if (report.ApplicabilityState !== Applicability.Applicable) return AppInstallStatus.NotApplicable;
  if (inBand(report.EnforcementState, EnforcementState.Error)) return AppInstallStatus.Failed;
  if (inBand(report.EnforcementState, EnforcementState.InProgress)) return AppInstallStatus.Installing;
  if (report.DetectionState === ReportDetectionState.Detected) return AppInstallStatus.Installed;
  return AppInstallStatus.Unknown;
}

/** The AppInstallStatusReport for `userId` that goes under StatusServiceReports (shape [?], contracts/src/ime). */
export function statusServiceReportOf(userId: string, report: AppStatusReport): AppInstallStatusReport {
  return {
    ApplicationId: report.ApplicationId,
    UserId: userId,
    InstallContext:
      report.InstallContext === InstallContext.User ? InstallContext.User : InstallContext.System,
    Applicability: report.ApplicabilityState,
    Status: appInstallStatusOf(report),
    ErrorCode: report.EnforcementErrorCode ?? 0,
  };
}
