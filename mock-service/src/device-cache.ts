// The mock's caches of what it derives per device — verified tokens, read certificates, device records, encoded
// app lists, content lookups — keep the devices checking in now, not every device a run has seen. A fleet runs its
// devices a batch at a time (e2e run/run-scenario.ts) and a finished device never calls again, so with caches
// that only started over at 20,000–100,000 entries each worker's memory grew by tens of KB per device all run
// (bench/fleet.bench.ts row 2). Least-recently-used entries go first: a device checking in keeps its own.
import { LRUCache } from "lru-cache";

/** Entries per cache: several per device (tokens per user, apps per list) for a few hundred devices at once. */
export const DEVICE_CACHE_ENTRIES = 4096;

/** A least-recently-used cache of at most `entries` values by string key. */
export function deviceCache<V extends {}>(entries = DEVICE_CACHE_ENTRIES): LRUCache<string, V> {
  return new LRUCache<string, V>({ max: entries });
}
