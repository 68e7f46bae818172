// When the collector runs and which kind of sync it sends. ime.md gives no inventory schedule, so this is
// our choice [I]: the first sync after the service's "Delaying all checkins by 36 s" start-up delay
// (ime.md §1.3.11), then a sync every delta interval counted from the last accepted one (kept in the
// registry, so a service restart does not reset it); a sync is full when the last full one is older than
// the full interval, or when the collector has no list of what it last sent (a new agent process).
import { STARTUP_DELAY_ALL_MS } from "../machines/decisions.ts";
import type { InventorySettings } from "./inventory-settings.ts";

/** A subscribed event (an install finished, a script ran) brings a delta sync this much later [I]. */
export const EVENT_SYNC_DELAY_MS = 5 * 60_000;
/** A sync the service did not take is tried again this much later [I]. */
export const RETRY_DELAY_MS = 60 * 60_000;

/** The epoch ms the next sync is due at, never before the start-up delay has passed since `startedAt`. */
export function nextSyncAt(settings: InventorySettings, startedAt: number, now: number): number {
  const earliest = Math.max(now, startedAt + STARTUP_DELAY_ALL_MS);
  const last = Math.max(settings.lastFullSync ?? -Infinity, settings.lastDeltaSync ?? -Infinity);
  if (!Number.isFinite(last)) return earliest;
  return Math.max(earliest, last + settings.deltaIntervalMs);
}

/** Full or delta, for a sync at `now`. */
export function syncTypeAt(settings: InventorySettings, now: number, hasBaseline: boolean): "Full" | "Delta" {
  if (!hasBaseline || settings.lastFullSync === undefined) return "Full";
  return now - settings.lastFullSync >= settings.fullIntervalMs ? "Full" : "Delta";
}
