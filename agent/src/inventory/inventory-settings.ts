// The collector's settings and sync times in the IME's registry root (ime.md §4: the root is
// HKLM\SOFTWARE\Microsoft\IntuneManagementExtension). ime.md names no inventory key or value, so the key
// `Inventory` and every value name below are our choice [I]; the times use the IME's own
// `MM/dd/yyyy HH:mm:ss` UTC format (ime.md §4.4, §4.5). An admin may lower or raise the intervals by
// editing the values; the collector reads them before every sync.
import type { Registry } from "../host/types.ts";
import { IME_REGISTRY_ROOT } from "../ime/paths.ts";
import { formatImeTimestamp, parseImeTimestamp } from "../ime/timestamps.ts";

export const INVENTORY_KEY = `${IME_REGISTRY_ROOT}\\Inventory`;

/** A full sync at most this often (our choice: weekly [I]). */
export const DEFAULT_FULL_SYNC_MINUTES = 7 * 24 * 60;
/** A delta sync this often between full syncs (our choice: daily [I]). */
export const DEFAULT_DELTA_SYNC_MINUTES = 24 * 60;
/** Intervals below this are taken as this: a typo of 0 must not make the collector spin. */
const MIN_INTERVAL_MINUTES = 5;

export const INVENTORY_VALUES = {
  fullInterval: "FullSyncIntervalInMinutes",
  deltaInterval: "DeltaSyncIntervalInMinutes",
  lastFull: "LastFullSyncTimeUtc",
  lastDelta: "LastDeltaSyncTimeUtc",
  appCount: "LastSyncApplicationCount",
} as const;

export interface InventorySettings {
  readonly fullIntervalMs: number;
  readonly deltaIntervalMs: number;
  /** Epoch ms of the last full / delta sync the service accepted; undefined when none. */
  readonly lastFullSync: number | undefined;
  readonly lastDeltaSync: number | undefined;
}

const view = { view: 64 } as const;

function minutes(registry: Registry, name: string, fallback: number): number {
  const value = registry.getValue(INVENTORY_KEY, name, view);
  if (value?.type !== "REG_DWORD") {
    registry.setValue(INVENTORY_KEY, name, { type: "REG_DWORD", data: fallback }, view);
    return fallback * 60_000;
  }
  return Math.max(MIN_INTERVAL_MINUTES, value.data) * 60_000;
}

function time(registry: Registry, name: string): number | undefined {
  const value = registry.getValue(INVENTORY_KEY, name, view);
  if (value?.type !== "REG_SZ") return undefined;
  try {
    return parseImeTimestamp(value.data, `${INVENTORY_KEY}\\${name}`);
  } catch {
    // A value an admin mangled counts as never synced: the next sync is a full one.
    return undefined;
  }
}

/** Reads the settings, writing the default intervals where they are missing. */
export function readInventorySettings(registry: Registry): InventorySettings {
  return {
    fullIntervalMs: minutes(registry, INVENTORY_VALUES.fullInterval, DEFAULT_FULL_SYNC_MINUTES),
    deltaIntervalMs: minutes(registry, INVENTORY_VALUES.deltaInterval, DEFAULT_DELTA_SYNC_MINUTES),
    lastFullSync: time(registry, INVENTORY_VALUES.lastFull),
    lastDeltaSync: time(registry, INVENTORY_VALUES.lastDelta),
  };
}

/** Records a sync the service accepted. */
export function recordInventorySync(
  registry: Registry,
  syncType: "Full" | "Delta",
  at: number,
  appCount: number,
): void {
  registry.transaction(() => {
    const name = syncType === "Full" ? INVENTORY_VALUES.lastFull : INVENTORY_VALUES.lastDelta;
    registry.setValue(INVENTORY_KEY, name, { type: "REG_SZ", data: formatImeTimestamp(at) }, view);
    registry.setValue(INVENTORY_KEY, INVENTORY_VALUES.appCount, { type: "REG_DWORD", data: appCount }, view);
  });
}
