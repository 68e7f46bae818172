/** Policy `Intent` (ime.md §2.2). No source explains 2, so it is not a value. */
export const Intent = {
  NotTargeted: 0,
  Available: 1,
  Required: 3,
  Uninstall: 4,
} as const;
export type Intent = (typeof Intent)[keyof typeof Intent];

/** InstallEx.RunAs (ime.md §2.6): 1 System; the IME treats any other value as User. We write 2 for User [?]. */
export const RunAs = {
  System: 1,
  User: 2,
} as const;
export type RunAs = (typeof RunAs)[keyof typeof RunAs];

/** InstallEx.DeviceRestartBehavior (ime.md §2.6, S14/S6 order). */
export const DeviceRestartBehavior = {
  BasedOnReturnCode: 0,
  Allow: 1,
  Suppress: 2,
  Force: 3,
} as const;
export type DeviceRestartBehavior = (typeof DeviceRestartBehavior)[keyof typeof DeviceRestartBehavior];

/**
 * Policy `ToastState`, from the assignment's `notifications` (ime.md §2.9).
 * The numbers are not documented [?]; we follow Graph's enum order, which matches the 0 seen for a
 * default (showAll) assignment in ime.md §2.1.
 */
export const ToastState = {
  ShowAll: 0,
  ShowReboot: 1,
  HideAll: 2,
} as const;
export type ToastState = (typeof ToastState)[keyof typeof ToastState];

/**
 * Policy `DOPriority` (ime.md §2.2: only 1 observed, mapping unknown [?]).
 * Our choice: 1 = background (Graph `notConfigured`, the default left in the §2.1 example),
 * 2 = foreground (Graph `foreground`).
 */
export const DeliveryOptimizationPriority = {
  Background: 1,
  Foreground: 2,
} as const;
export type DeliveryOptimizationPriority =
  (typeof DeliveryOptimizationPriority)[keyof typeof DeliveryOptimizationPriority];

/** FlatDependencies[].Type (ime.md §2.8). */
export const RelationType = {
  Dependency: 0,
  Supersedence: 1,
} as const;
export type RelationType = (typeof RelationType)[keyof typeof RelationType];

/** FlatDependencies[].Action (ime.md §2.8). */
export const RelationAction = {
  DetectOnly: 0,
  AutoInstall: 10,
  SupersedeUpdate: 100,
  SupersedeReplace: 110,
} as const;
export type RelationAction = (typeof RelationAction)[keyof typeof RelationAction];

/** `RebootEx` value meaning "not configured" (ime.md §2.2). */
export const REBOOT_NOT_CONFIGURED = -1;

/** .NET DateTime.MinValue as MS-JSON milliseconds: the "not set" StartTime/Deadline (ime.md §2.2). */
export const DATETIME_MIN_VALUE_MS = -62135596800000;
