// `scriptRun:` expectations (issue 16): what Graph's `deviceRunStates` shows for a platform script or a
// remediation on one device, read through the service's own Graph route after the run.
import type { ScriptRunExpectation } from "./schema.ts";

/** The run states of one device, by script name (Graph deviceRunStates entries, device session first). */
export type ScriptRunStates = ReadonlyMap<string, readonly Readonly<Record<string, unknown>>[]>;

/** Checks one expectation; the verdict and what was found. */
export function checkScriptRun(
  expectation: ScriptRunExpectation,
  states: ScriptRunStates | undefined,
): { passed: boolean; subject: string; detail: string } {
  const subject = `Graph deviceRunStates of "${expectation.scriptRun}"`;
  const entries = states?.get(expectation.scriptRun);
  if (entries === undefined) return { passed: false, subject, detail: "the scenario has no such script" };
  if (entries.length === 0)
    return { passed: false, subject, detail: "the service has no run state for this device" };
  const wanted: [string, string | undefined, "equals" | "contains"][] = [
    ["runState", expectation.runState, "equals"],
    ["resultMessage", expectation.resultMessage, "contains"],
    ["detectionState", expectation.detectionState, "equals"],
    ["remediationState", expectation.remediationState, "equals"],
    ["preRemediationDetectionScriptOutput", expectation.preRemediationDetectionScriptOutput, "equals"],
    ["postRemediationDetectionScriptOutput", expectation.postRemediationDetectionScriptOutput, "equals"],
  ];
  // Any one entry (the device's, or a user's) matching every member passes.
  const mismatches = entries.map((entry) =>
    wanted
      .filter(([, value]) => value !== undefined)
      .filter(([member, value, how]) => {
        const found = entry[member];
        return how === "equals"
          ? found !== value
          : !(typeof found === "string" && found.includes(value ?? ""));
      })
      .map(
        ([member, value, how]) =>
          `expected ${member} ${how === "equals" ? "" : "containing "}${JSON.stringify(value)}, found ${JSON.stringify(entry[member] ?? null)}`,
      ),
  );
  const match = mismatches.findIndex((list) => list.length === 0);
  if (match >= 0) return { passed: true, subject, detail: JSON.stringify(entries[match]) };
  return { passed: false, subject, detail: mismatches[0]!.join("; ") };
}
