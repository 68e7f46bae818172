// App inventory in `imesim run` (issue 16). The collector runs only when a scenario asks about it (an
// `inventory:` expectation, or a log expectation on Win32AppInventory.log / Sensor.log), like the script
// workloads: ime.md does not say the IME always inventories, and library scenarios without it keep their
// outputs. After the run, each device's Graph `managedDevices/{id}/detectedApps` is read through the
// service's own route, as an admin script would.
import { ImesimError } from "@imesim/contracts/errors";
import type { AdminChannel } from "@imesim/mock-service";
import type { LoadedScenario } from "../scenario/index.ts";
import type { DetectedAppView } from "../scenario/inventory-expectations.ts";

const INVENTORY_LOGS: ReadonlySet<string> = new Set(["Win32AppInventory.log", "Sensor.log"]);

/** True when the scenario's expectations need the inventory collector. */
export function hasInventory(scenario: LoadedScenario): boolean {
  return (scenario.source.expect ?? []).some(
    (expectation) =>
      "inventory" in expectation || ("log" in expectation && INVENTORY_LOGS.has(expectation.log)),
  );
}

/** Each device's detected apps as Graph shows them, by device id (lower case). */
export async function readDetectedApps(
  channel: AdminChannel,
  deviceIds: readonly string[],
): Promise<Map<string, DetectedAppView[]>> {
  const headers = { authorization: `Bearer ${await channel.graphToken()}` };
  const byDevice = new Map<string, DetectedAppView[]>();
  for (const id of deviceIds) {
    const response = await channel.send({
      method: "GET",
      url: `/beta/deviceManagement/managedDevices/${id}/detectedApps`,
      headers,
    });
    if (response.statusCode !== 200)
      throw new ImesimError(
        "SCENARIO_DETECTED_APPS",
        `reading the detected apps of device ${id} failed (${response.statusCode})`,
      );
    const apps = (response.json().value ?? []) as { displayName: string; version: string }[];
    byDevice.set(
      id.toLowerCase(),
      apps.map((app) => ({ displayName: app.displayName, version: app.version })),
    );
  }
  return byDevice;
}
