import { nameOf } from "./lookup.ts";

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

/** Graph's `installState` words (deviceStatuses, reports): the ResultantAppState names, first letter lower-cased. */
export type GraphInstallState = Uncapitalize<keyof typeof ResultantAppState>;

/** Every `installState` word Graph uses, in ResultantAppState's order (schemas and validation). */
export const GRAPH_INSTALL_STATES: readonly GraphInstallState[] = Object.keys(ResultantAppState).map(
  (name) => `${name.charAt(0).toLowerCase()}${name.slice(1)}` as GraphInstallState,
);

/** Graph's `installState` of a ResultantAppState number (graph-win32.md §4.1); `unknown` for a number with no name. */
export function graphInstallStateOf(state: number): GraphInstallState {
  const name = nameOf(ResultantAppState, state) ?? "Unknown";
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}` as GraphInstallState;
}

/** The ResultantAppState number of a Graph `installState` word, or undefined for a word Graph does not use. */
export function resultantAppStateOf(installState: string): ResultantAppState | undefined {
  const name = `${installState.charAt(0).toUpperCase()}${installState.slice(1)}`;
  if (
    installState.charAt(0) !== installState.charAt(0).toLowerCase() ||
    !Object.hasOwn(ResultantAppState, name)
  )
    return undefined;
  return ResultantAppState[name as keyof typeof ResultantAppState];
}

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
