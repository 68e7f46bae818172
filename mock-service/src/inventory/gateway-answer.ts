// The gateway's side of `ApplicationInventory` (contracts application-inventory.ts): a full sync replaces
// what the service holds for the calling device, a delta is applied to it, and a delta for a device the
// service holds no full sync of is answered `FullSyncRequired`. The device is the token's device: a device
// can only ever write its own inventory.
import {
  type ApplicationInventoryAnswer,
  InventorySyncType,
  parseApplicationInventoryPayload,
} from "@imesim/contracts/gateway";
import type { Store } from "../store/store.ts";
import { inventoryStore } from "./inventory-store.ts";

/** The `ResponsePayload` for one `ApplicationInventory` request: null when applied. */
export function answerInventoryRequest(
  store: Store,
  deviceId: string,
  requestPayload: string,
): string | null {
  const payload = parseApplicationInventoryPayload(requestPayload);
  const inventory = inventoryStore(store);
  if (payload.SyncType === InventorySyncType.Delta && !inventory.hasBaseline(deviceId)) {
    const answer: ApplicationInventoryAnswer = { FullSyncRequired: true };
    return JSON.stringify(answer);
  }
  inventory.apply(deviceId, payload, new Date().toISOString());
  return null;
}
