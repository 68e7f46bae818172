/** A session the script workloads fetch for: the device (all-zero user id) or a logged-on user. */
export interface ScriptSession {
  readonly userId: string;
  /** The user's SID for user-context scripts; empty for the device session. */
  readonly userSid: string;
}
