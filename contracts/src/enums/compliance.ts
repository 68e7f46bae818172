/** ComplianceStateMessage.Applicability (ime.md §4.3, §7.6). */
export const Applicability = {
  Applicable: 0,
  RequirementsNotMet: 1,
  HostPlatformNotApplicable: 3,
  ProcessorArchitectureNotApplicable: 1000,
  MinimumDiskSpaceNotMet: 1001,
  MinimumOSVersionNotMet: 1002,
  MinimumPhysicalMemoryNotMet: 1003,
  MinimumLogicalProcessorCountNotMet: 1004,
  MinimumCPUSpeedNotMet: 1005,
  FileSystemRequirementRuleNotMet: 1006,
  RegistryRequirementRuleNotMet: 1007,
  ScriptRequirementRuleNotMet: 1008,
  NotTargetedAndSupersedingAppsNotApplicable: 1009,
  AssignmentFiltersCriteriaNotMet: 1010,
  AppUnsupportedDueToUnknownReason: 1011,
  UserContextAppNotSupportedDuringDeviceOnlyCheckin: 1012,
} as const;
export type Applicability = (typeof Applicability)[keyof typeof Applicability];

/** ComplianceStateMessage.ComplianceState, S13's names (ime.md §4.3). */
export const ComplianceState = {
  Installed: 1,
  NotInstalled: 2,
  Error: 4,
  Unknown: 5,
  Cleanup: 100,
} as const;
export type ComplianceState = (typeof ComplianceState)[keyof typeof ComplianceState];

/** DesiredState (ime.md §4.3). */
export const DesiredState = {
  None: 0,
  NotPresent: 1,
  Present: 2,
  Unknown: 3,
  Available: 4,
} as const;
export type DesiredState = (typeof DesiredState)[keyof typeof DesiredState];

/** TargetingMethod (ime.md §4.3): 0 directly targeted, 1 pulled in as a dependency. */
export const TargetingMethod = {
  EgatTargetedApplication: 0,
  DependencyOfTargetedApplication: 1,
} as const;
export type TargetingMethod = (typeof TargetingMethod)[keyof typeof TargetingMethod];

/** InstallContext of the state messages (ime.md §4.3). The policy field of the same name differs, see ime.md §2.2. */
export const InstallContext = {
  User: 1,
  System: 2,
} as const;
export type InstallContext = (typeof InstallContext)[keyof typeof InstallContext];

/** TargetType (ime.md §2.2, §4.3): 3 = both appears in state messages only. */
export const TargetType = {
  None: 0,
  User: 1,
  Device: 2,
  Both: 3,
} as const;
export type TargetType = (typeof TargetType)[keyof typeof TargetType];
