// Shared set-up for rule tests: a prepared in-memory device and a rule context over it.

import type { RequirementRules } from "@imesim/contracts/ime";
import {
  createDevice,
  createScriptedRunner,
  type Device,
  type DeviceProfile,
  type ScriptedScript,
} from "../../src/host/index.ts";
import type { RuleContext } from "../../src/rules/index.ts";

export const USER_SID = "S-1-12-1-1234567890-1234567890-1234567890-1234567890";
export const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A fresh in-memory device whose clock stands at NOW unless another clock is given. */
export function device(
  profile: Partial<DeviceProfile> = {},
  clock: { now(): number } = { now: () => NOW },
): Device {
  return createDevice({ backend: "memory", clock, profile });
}

/** A system-context rule context over `host`, with scripted script results. */
export function context(
  host: Device,
  options: { account?: "system" | "user"; scripts?: ScriptedScript[] } = {},
): RuleContext {
  return {
    host,
    profile: host.profile,
    account: options.account ?? "system",
    userSid: options.account === "user" ? USER_SID : undefined,
    scripts: createScriptedRunner(options.scripts ?? []),
    appId: "6e0911dd-6755-4eb7-8a75-ba02e685232b",
  };
}

/** Base64 of a script as the portal uploads it: UTF-8 with a BOM (`77u/…`). */
export function scriptBody(text: string): string {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]).toString("base64");
}

/** RequirementRules that ask for nothing, to test one requirement at a time. */
export const NO_REQUIREMENTS: RequirementRules = {
  RequiredOSArchitecture: null,
  MinimumFreeDiskSpaceInMB: null,
  MinimumWindows10BuildNumer: null,
  MinimumMemoryInMB: null,
  MinimumNumberOfProcessors: null,
  MinimumCpuSpeed: null,
  RunAs32Bit: false,
};
