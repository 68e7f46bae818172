// `imesim explain` for the app inventory collector (issue 16): what it does at each step and why. ime.md
// names the collector's log (Win32AppInventory.log, §1.1), Sensor.log and the `ApplicationInventory`
// request type (§3.1) and nothing else, so almost everything here is imesim's choice, and the notes say so.
import type { ImeEvent } from "@imesim/agent/events";
import { formatImeTimestamp } from "@imesim/agent/ime";
import { INVENTORY_KEY, INVENTORY_VALUES } from "@imesim/agent/inventory";
import type { PhaseNote } from "./phase-notes.ts";

export const INVENTORY_PHASE_NOTES: Readonly<Record<string, PhaseNote>> = {
  "inventory.subscribed": {
    title: "Inventory collector subscribed",
    why: "With the service start, the app inventory collector subscribes to the IME's own install/uninstall and script completions, so a change it made reaches the service soon; Sensor.log records the subscription (the subscription and its Sensor.log lines are imesim's choice: ime.md names Sensor.log only).",
  },
  "inventory.eventReceived": {
    title: "Subscribed event received",
    why: "An install, uninstall or script finished: a delta inventory sync follows 5 minutes later, one for several events in a row (imesim's choice).",
  },
  "inventory.scheduled": {
    title: "Inventory sync scheduled",
    why: "The first sync comes after the 36 s start-up delay (ime.md §1.3.11), then one every delta interval (24 h) counted from the last accepted sync, which the registry keeps, so a restart does not reset the rhythm. Full every 7 days, delta in between; both intervals are values an admin can edit under IntuneManagementExtension\\Inventory. Schedule, key and value names are imesim's choice: ime.md gives none.",
  },
  "inventory.collected": {
    title: "Installed applications collected",
    why: "The collector reads the ARP Uninstall keys of both registry views (64-bit and WOW6432Node), the per-user Uninstall keys of the loaded hives and the Windows Installer registrations (Installer\\UserData\\<SID>\\Products), whatever installed them (windows-formats.md §4.1, §5.5). Each application counts once by name and version; entries without a DisplayName, system components and updates are left out as Apps & features leaves them out (imesim's choice). A delta carries only what was added and removed since the last accepted sync.",
  },
  "inventory.sent": {
    title: "Inventory sent",
    why: "The list goes to the gateway as an ApplicationInventory session (ime.md §3.1 names the request type; the payload shape is imesim's). The service shows it in Graph's deviceManagement/detectedApps and managedDevices/{id}/detectedApps; the registry records the sync time (LastFullSyncTimeUtc or LastDeltaSyncTimeUtc, imesim's names).",
  },
  "inventory.fullSyncRequired": {
    title: "Service asked for a full sync",
    why: "The service holds no full inventory for this device (new service data, or a device it never heard from) and cannot apply a delta, so the collector sends the whole list at once (imesim's exchange).",
  },
  "inventory.sendFailed": {
    title: "Inventory not sent",
    why: "The gateway call failed after its retries; the collector tries again in an hour and keeps its last accepted list, so the next delta still carries every change (imesim's choice).",
  },
};

/** The registry values an inventory event says it wrote. */
export function inventoryRegistryWrites(event: ImeEvent): string[] {
  if (event.phase !== "inventory.sent") return [];
  const name = event.details.syncType === "Full" ? INVENTORY_VALUES.lastFull : INVENTORY_VALUES.lastDelta;
  return [`${INVENTORY_KEY}  ${name} = ${formatImeTimestamp(event.simTime)}`];
}
