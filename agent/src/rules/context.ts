// What every rule is evaluated against: the device, whose context it runs in, and how scripts run.
import type { DeviceProfile, Host, ScriptRunner } from "../host/index.ts";

export interface RuleContext {
  readonly host: Host;
  readonly profile: DeviceProfile;
  /** The app's install context (InstallEx.RunAs): HKCU and %APPDATA% resolve for this account. */
  readonly account: "system" | "user";
  /** The signed-in user's SID, for account "user". */
  readonly userSid?: string;
  readonly scripts: ScriptRunner;
  /** The app the rules belong to (script file names, scripted results). */
  readonly appId?: string;
}

/** The outcome of one check, with the lines the IME writes for it. */
export interface CheckResult {
  readonly met: boolean;
  readonly lines: readonly string[];
}

/** InstallEx.RunAs as the IME prints it in script lines: 1 system, 2 user. */
export function installExRunAs(context: RuleContext): 1 | 2 {
  return context.account === "system" ? 1 : 2;
}
