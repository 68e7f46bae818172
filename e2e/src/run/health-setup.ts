// The health evaluation in scenarios (issue 16, ime.md §8): when a run turns the task on, what the
// `imeService` action does to the device's IME service, and the report copied beside the device's logs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Agent } from "@imesim/agent";
import {
  HEALTH_REPORT_PATH,
  type HealthOptions,
  imeService,
  setImeStartType,
  setImeWorkingSetMb,
} from "@imesim/agent/health";
import type { Device } from "@imesim/agent/host";
import type { LoadedScenario, TimedAction } from "../scenario/index.ts";

/** The Start value of a disabled service. */
const DISABLED = 4;

/**
 * The agent's health options, or undefined when the scenario does not use the task: a `health:` section, an
 * `imeService` action or a `health` expectation turns it on (off otherwise, so other scenarios' outputs stay
 * as they were).
 */
export function healthOptionsOf(scenario: LoadedScenario): HealthOptions | undefined {
  const source = scenario.source;
  const used =
    source.health !== undefined ||
    scenario.actions.some((action) => action.do === "imeService") ||
    (source.expect ?? []).some((expectation) => "health" in expectation);
  return used ? { ...source.health } : undefined;
}

/** The `imeService` action: the start-up type and memory first, then the run state (a stop uses `Stop-Service`'s path). */
export function performImeService(
  action: Extract<TimedAction, { do: "imeService" }>,
  live: { readonly agent: Agent; readonly device: Device },
): void {
  if (action.startType !== undefined) setImeStartType(live.device, action.startType);
  if (action.workingSetMb !== undefined) setImeWorkingSetMb(live.device, action.workingSetMb);
  if (action.state === "stopped") live.agent.stop();
  // Start-Service refuses a disabled service (ERROR_SERVICE_DISABLED, 1058): the IME stays down.
  else if (action.state === "running" && imeService(live.device)?.start !== DISABLED) live.agent.start();
}

/** Copies the device's HealthReport.json into its output folder, when the task wrote one. */
export function exportHealthReport(device: Device, folder: string): void {
  if (device.fs.stat(HEALTH_REPORT_PATH)?.kind !== "file") return;
  writeFileSync(join(folder, "HealthReport.json"), device.fs.readFile(HEALTH_REPORT_PATH));
}
