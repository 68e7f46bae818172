/** `ResultantAppState` of the status report (ime.md §9), Graph's resultantAppState numbers (graph-win32.md §4.1). */
export const ResultantAppState = {
  NotApplicable: -1,
  Installed: 1,
  Failed: 2,
  NotInstalled: 3,
  UninstallFailed: 4,
  PendingInstall: 5,
  Unknown: 99,
} as const;
export type ResultantAppState = (typeof ResultantAppState)[keyof typeof ResultantAppState];

/** `DetectionState` of the status report: 1 = detected (ime.md §9 [C*]); 0 = not detected [I]. */
export const ReportDetectionState = {
  NotDetected: 0,
  Detected: 1,
} as const;
export type ReportDetectionState = (typeof ReportDetectionState)[keyof typeof ReportDetectionState];

/** `ReportingImpact.ConflictReason` (ime.md §9): 2 = a dependency is configured not to auto-install. */
export const ConflictReason = {
  None: 0,
  DependencyNotAutoInstalled: 2,
} as const;
export type ConflictReason = (typeof ConflictReason)[keyof typeof ConflictReason];

/** The classification words of the desired-state log block (ime.md §1.3.3), numbered in their listed order [I]. */
export const EnforcementClassification = {
  Ignore: 0,
  NotApplicableOrNotTargeted: 1,
  EnforcementPoint: 2,
  InstalledOrNotInstalled: 3,
} as const;
export type EnforcementClassification =
  (typeof EnforcementClassification)[keyof typeof EnforcementClassification];
