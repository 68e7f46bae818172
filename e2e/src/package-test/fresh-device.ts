// Detection on a fresh virtual device (the agent's base Windows image, no app installed): an app whose
// rules already match there is reported installed by the IME without its installer ever running.
import { createDevice, createInterpretingScriptRunner, createScriptedRunner } from "@imesim/agent/host";
import { evaluateDetection } from "@imesim/agent/rules";
import { RunAs } from "@imesim/contracts/enums";
import { ImesimError } from "@imesim/contracts/errors";
import type { DecodedImePolicy } from "@imesim/contracts/ime";

export interface FreshDetection {
  readonly detected: boolean;
  /** Set when a rule cannot be evaluated, e.g. 0x87D30004 (ime.md §7.2). */
  readonly errorCode: number | undefined;
  /** The IME's detection lines for each rule (ime.md §1.3.4). */
  readonly lines: readonly string[];
}

/** Evaluates the app's detection rules as the IME would on a fresh device; scripts run on imesim's PowerShell (one using something unmodelled counts as not detected). */
export function detectOnFreshDevice(policy: DecodedImePolicy): FreshDetection {
  const clock = { now: () => Date.UTC(2026, 0, 5, 8) };
  const device = createDevice({ backend: "memory", clock });
  const interpreter = createInterpretingScriptRunner({ clock });
  try {
    const outcome = evaluateDetection(policy.DetectionRule, {
      host: device,
      profile: device.profile,
      account: policy.InstallEx.RunAs === RunAs.System ? "system" : "user",
      ...(policy.InstallEx.RunAs === RunAs.System
        ? {}
        : { userSid: device.profile.users[0]?.sid ?? "S-1-5-18" }),
      scripts: createScriptedRunner([], (request, host) => {
        try {
          return interpreter.run(request, host);
        } catch (error) {
          if (error instanceof ImesimError && error.code === "PS_NOT_MODELLED")
            return { exitCode: 1, stdout: "", stderr: "" };
          throw error;
        }
      }),
      appId: policy.Id,
    });
    return { detected: outcome.state === "Detected", errorCode: outcome.errorCode, lines: outcome.lines };
  } finally {
    device.close();
  }
}
