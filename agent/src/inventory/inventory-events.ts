// The steps of the app inventory collector (issue 16). Appended to the event vocabulary through
// events/types.ts, so the log writer, `explain` and scenario expectations read them like every other step.

/** One application as the collector found it (the wire shape's members, camelCase). */
export interface InventoryItem {
  readonly displayName: string;
  readonly displayVersion: string | null;
  readonly publisher: string | null;
  readonly productCode: string | null;
  readonly source: "Arp64" | "Arp32" | "ArpUser" | "Msi";
}

export type InventoryEventBody =
  /** Sensor.log: the collector subscribed to the IME events that make it collect again. */
  | { phase: "inventory.subscribed"; details: { events: readonly string[] } }
  /**
   * Sensor.log: a subscribed event arrived; a delta sync follows at `syncAt` (epoch ms), or right after the
   * sync running now when null.
   */
  | { phase: "inventory.eventReceived"; details: { event: string; syncAt: number | null } }
  /** The next collection is due at `at` (epoch ms). */
  | { phase: "inventory.scheduled"; details: { at: number; syncType: "Full" | "Delta" } }
  /** The registry was read: what the device holds now, and how it differs from the last sync. */
  | {
      phase: "inventory.collected";
      details: {
        syncType: "Full" | "Delta";
        apps: readonly InventoryItem[];
        added: readonly InventoryItem[];
        removed: readonly { displayName: string; displayVersion: string | null }[];
        /** Entries seen twice (both views, ARP and MSI, …) and kept once. */
        duplicates: number;
      };
    }
  | { phase: "inventory.sent"; details: { syncType: "Full" | "Delta"; count: number } }
  /** The service had no full inventory for a delta: a full sync follows at once. */
  | { phase: "inventory.fullSyncRequired"; details: Record<string, never> }
  | { phase: "inventory.sendFailed"; details: { syncType: "Full" | "Delta"; message: string } };

export type InventoryPhase = InventoryEventBody["phase"];
