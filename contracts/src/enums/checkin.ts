/** Gateway `CheckinReason` names (ime.md §3.1, §6). Sent as strings; the numbers are the declaration order. */
export const CheckinReason = {
  Unknown: 0,
  UserLogOn: 1,
  MaintenanceTimer: 2,
  Notification: 3,
  AgentRestart: 4,
  APV2: 5,
  OnDemand: 6,
  ESP: 7,
} as const;
export type CheckinReason = (typeof CheckinReason)[keyof typeof CheckinReason];
export type CheckinReasonName = keyof typeof CheckinReason;

/** The CheckinReason names in declaration order. */
export const CHECKIN_REASON_NAMES = Object.keys(CheckinReason) as CheckinReasonName[];
