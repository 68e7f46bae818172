/** EnforcementStateMessage.EnforcementState codes (ime.md §4.2). Bands: 1xxx success, 2xxx in progress, 3xxx requirements not met, 4xxx unknown, 5xxx error, 6xxx not attempted. */
export const EnforcementState = {
  Success: 1000,
  SuccessFastNotify: 1003,
  SuccessButDependencyFailedToInstall: 1004,
  SuccessButDependencyWithRequirementsNotMet: 1005,
  SuccessButDependencyPendingReboot: 1006,
  SuccessButDependencyWithAutoInstallOff: 1007,
  SuccessButIOSAppStoreUpdateFailedToInstall: 1008,
  SuccessVPPAppHasUpdateAvailable: 1009,
  SuccessButUserRejectedUpdate: 1010,
  SuccessUninstallPendingReboot: 1011,
  SuccessSupersededAppUninstallFailed: 1012,
  SuccessSupersededAppUninstallPendingReboot: 1013,
  SuccessSupersedingAppsDetected: 1014,
  SuccessSupersededAppsDetected: 1015,
  SuccessAppRemovedBySupersedence: 1016,
  SuccessButDependencyBlockedByManagedInstallerPolicy: 1017,
  SuccessUninstallingSupersededApps: 1018,
  InProgress: 2000,
  InProgressDependencyInstalling: 2007,
  InProgressPendingReboot: 2008,
  InProgressDownloadCompleted: 2009,
  InProgressPendingUninstallOfSupersededApps: 2010,
  InProgressUninstallPendingReboot: 2011,
  InProgressPendingManagedInstaller: 2012,
  RequirementsNotMet: 3000,
  Unknown: 4000,
  Error: 5000,
  ErrorDownloadingContent: 5003,
  ErrorConflictsPreventInstallation: 5006,
  ErrorManagedInstallerAppLockerPolicyNotApplied: 5015,
  // S13 spells it "Immeadiate"; we use the correct spelling for the name, the number is what matters.
  ErrorWithImmediateRetry: 5999,
  NotAttempted: 6000,
  NotAttemptedDependencyWithFailure: 6001,
  NotAttemptedPendingReboot: 6002,
  NotAttemptedDependencyWithRequirementsNotMet: 6003,
  NotAttemptedAutoInstallOff: 6004,
  NotAttemptedDependencyWithAutoInstallOff: 6005,
  NotAttemptedWithManagedAppNoLongerPresent: 6006,
  NotAttemptedBecauseUserRejectedInstall: 6007,
  NotAttemptedBecauseUserIsNotLoggedIntoAppStore: 6008,
  NotAttemptedSupersededAppUninstallFailed: 6009,
  NotAttemptedSupersededAppUninstallPendingReboot: 6010,
  NotAttemptedUntargetedSupersedingAppsDetected: 6011,
  NotAttemptedDependencyBlockedByManagedInstallerPolicy: 6012,
  NotAttemptedUnsupportedOrIndeterminateSupersededApp: 6013,
} as const;
export type EnforcementState = (typeof EnforcementState)[keyof typeof EnforcementState];

/** The band of an enforcement state code (ime.md §4.2 band rule). */
export const EnforcementBand = {
  Success: 1,
  InProgress: 2,
  RequirementsNotMet: 3,
  Unknown: 4,
  Error: 5,
  NotAttempted: 6,
} as const;
export type EnforcementBand = (typeof EnforcementBand)[keyof typeof EnforcementBand];

/** The band (1–6) of an enforcement state code, by its thousands digit; undefined outside 1000–6999. */
export function enforcementBand(code: number): EnforcementBand | undefined {
  const band = Math.floor(code / 1000);
  return band >= 1 && band <= 6 ? (band as EnforcementBand) : undefined;
}
