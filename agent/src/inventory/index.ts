export { startInventory } from "./agent-hook.ts";
export { type CollectedInventory, collectInventory, UNINSTALL_KEY } from "./collect.ts";
export type { InventoryEventBody, InventoryItem } from "./inventory-events.ts";
export { EVENT_SYNC_DELAY_MS, nextSyncAt, RETRY_DELAY_MS, syncTypeAt } from "./inventory-schedule.ts";
export {
  DEFAULT_DELTA_SYNC_MINUTES,
  DEFAULT_FULL_SYNC_MINUTES,
  INVENTORY_KEY,
  INVENTORY_VALUES,
  readInventorySettings,
} from "./inventory-settings.ts";
