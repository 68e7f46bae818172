// The log lines of the app inventory collector: Win32AppInventory.log ("App inventory collector", ime.md
// §1.1) for the collection and the sync, Sensor.log for the subscribed events the collector receives (the
// issue's "Sensor.log records the subscribed events"; ime.md §1.1 lists Sensor.log as the endpoint analytics
// collector's). No real line of either log is known to ime.md, so every line here is imesim's wording and
// marked `invented`, so `explain` says so.
import type { ImeEvent, ImeEventEnvelope } from "../events/types.ts";
import { formatImeTimestamp } from "../ime/timestamps.ts";
import type { CmtraceType } from "../log/cmtrace.ts";
import type { RenderedLine } from "../log/lines.ts";
import type { InventoryEventBody, InventoryItem } from "./inventory-events.ts";

export type InventoryEvent = ImeEventEnvelope & InventoryEventBody;

const inventory = (message: string, type: CmtraceType = 1): RenderedLine => ({
  file: "Win32AppInventory",
  message: `[Win32AppInventory] ${message}`,
  type,
  invented: true,
});
const sensor = (message: string): RenderedLine => ({
  file: "Sensor",
  message: `[Sensor] ${message}`,
  type: 1,
  invented: true,
});

/** True for the events this module renders. */
export function isInventoryEvent(event: ImeEvent): event is InventoryEvent {
  return event.phase.startsWith("inventory.");
}

const named = (app: { displayName: string; displayVersion: string | null }): string =>
  app.displayVersion === null ? app.displayName : `${app.displayName} ${app.displayVersion}`;

function bySource(apps: readonly InventoryItem[]): string {
  const count = (source: InventoryItem["source"]) => apps.filter((app) => app.source === source).length;
  return `64-bit ARP: ${count("Arp64")}, 32-bit ARP: ${count("Arp32")}, per-user ARP: ${count("ArpUser")}, MSI: ${count("Msi")}`;
}

/** The lines of one inventory event. */
export function renderInventoryEvent(event: InventoryEvent): RenderedLine[] {
  switch (event.phase) {
    case "inventory.subscribed":
      return [sensor(`Win32AppInventoryCollector subscribed to events: ${event.details.events.join(", ")}`)];
    case "inventory.eventReceived": {
      const { event: name, syncAt } = event.details;
      const when = syncAt === null ? "after the sync running now" : `at ${formatImeTimestamp(syncAt)} UTC`;
      return [sensor(`Received event ${name}, app inventory delta sync ${when}`)];
    }
    case "inventory.scheduled":
      return [
        inventory(
          `Next ${event.details.syncType.toLowerCase()} inventory sync is scheduled at ${formatImeTimestamp(event.details.at)} UTC`,
        ),
      ];
    case "inventory.collected": {
      const { apps, added, removed, duplicates, syncType } = event.details;
      return [
        inventory(`Starting ${syncType.toLowerCase()} inventory sync`),
        inventory(
          `Collected ${apps.length} applications (${bySource(apps)}), ${duplicates} duplicate entries skipped`,
        ),
        ...added.map((app) => inventory(`Added: ${named(app)}`)),
        ...removed.map((app) => inventory(`Removed: ${named(app)}`)),
      ];
    }
    case "inventory.sent":
      return [
        inventory(
          `Sent ApplicationInventory (${event.details.syncType}) with ${event.details.count} entries, last ${event.details.syncType.toLowerCase()} sync time updated`,
        ),
      ];
    case "inventory.fullSyncRequired":
      return [inventory("The service holds no inventory for this device, sending a full sync", 2)];
    case "inventory.sendFailed":
      return [
        inventory(
          `Failed to send ApplicationInventory (${event.details.syncType}): ${event.details.message}`,
          3,
        ),
      ];
  }
}
