// `inventory:` expectations (issue 16): an application is (or is not) in the device's app inventory, both
// as the agent last collected it (its `inventory.collected` event) and as Graph's
// `managedDevices/{id}/detectedApps` shows it after the run. Both must agree: an app the agent saw but
// never delivered, or one the service still lists after the device removed it, fails.
import type { ImeEvent } from "@imesim/agent/events";
import type { InventoryExpectation } from "./schema.ts";

/** An application as Graph's detectedApp shows it. */
export interface DetectedAppView {
  readonly displayName: string;
  readonly version: string;
}

/** Checks one expectation; the verdict and what was found. */
export function checkInventory(
  expectation: InventoryExpectation,
  events: readonly ImeEvent[],
  detectedApps: readonly DetectedAppView[] | undefined,
): { passed: boolean; subject: string; detail: string } {
  const version = expectation.version === undefined ? "" : ` ${expectation.version}`;
  const subject = `inventory "${expectation.inventory}${version}"`;
  const wanted = expectation.present !== false;
  const matches = (name: string, found: string | null) =>
    name === expectation.inventory && (expectation.version === undefined || found === expectation.version);
  const collected = events.findLast((event) => event.phase === "inventory.collected");
  if (collected === undefined || collected.phase !== "inventory.collected")
    return { passed: false, subject, detail: "the agent never collected its inventory" };
  if (detectedApps === undefined)
    return { passed: false, subject, detail: "Graph has no detectedApps for this device" };
  const onDevice = collected.details.apps.some((app) => matches(app.displayName, app.displayVersion));
  const inGraph = detectedApps.some((app) => matches(app.displayName, app.version));
  const where = `agent: ${onDevice ? "listed" : "not listed"}, Graph detectedApps: ${inGraph ? "listed" : "not listed"}`;
  const names = detectedApps.map((app) => `${app.displayName} ${app.version}`.trim()).join(", ");
  return {
    passed: onDevice === wanted && inGraph === wanted,
    subject,
    detail: `expected ${wanted ? "listed" : "not listed"}; ${where} (Graph: ${names || "none"})`,
  };
}
