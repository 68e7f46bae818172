// What the service holds of each device's app inventory: one row per application a device reported, and
// when the device last synced. The tables live in the service's SQLite database; they are created here on
// first use (CREATE IF NOT EXISTS) rather than by a store migration, so the inventory stays one folder.
// Rows go with their device (ON DELETE CASCADE). One service is one tenant, so "this database" is "this
// tenant": nothing here is ever visible to another tenant's service.
import {
  type ApplicationInventoryPayload,
  type InventoryApplication,
  inventoryKey,
} from "@imesim/contracts/gateway";
import type { Store } from "../store/store.ts";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS inventory_apps (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    app_key TEXT NOT NULL,
    display_name TEXT NOT NULL,
    display_version TEXT,
    publisher TEXT,
    product_code TEXT,
    size_in_bytes INTEGER NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (device_id, app_key)
  );
  CREATE TABLE IF NOT EXISTS inventory_devices (
    device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    last_full_sync_at TEXT NOT NULL,
    last_sync_at TEXT NOT NULL
  );
`;

/** One reported application of one device. */
export interface InventoryRow {
  readonly deviceId: string;
  readonly key: string;
  readonly displayName: string;
  readonly displayVersion: string | null;
  readonly publisher: string | null;
  readonly productCode: string | null;
  readonly sizeInBytes: number;
}

interface Row {
  device_id: string;
  app_key: string;
  display_name: string;
  display_version: string | null;
  publisher: string | null;
  product_code: string | null;
  size_in_bytes: number;
}

const rowOf = (row: Row): InventoryRow => ({
  deviceId: row.device_id,
  key: row.app_key,
  displayName: row.display_name,
  displayVersion: row.display_version,
  publisher: row.publisher,
  productCode: row.product_code,
  sizeInBytes: row.size_in_bytes,
});

const prepared = new WeakSet<Store>();

/** Reads and writes the inventory tables of `store`. */
export function inventoryStore(store: Store) {
  const { db } = store;
  if (!prepared.has(store)) {
    db.exec(SCHEMA);
    prepared.add(store);
  }
  const insert = (deviceId: string, app: InventoryApplication) =>
    db
      .prepare(
        `INSERT INTO inventory_apps (device_id, app_key, display_name, display_version, publisher, product_code,
         size_in_bytes, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, app_key) DO UPDATE SET display_name = excluded.display_name,
         publisher = excluded.publisher, product_code = excluded.product_code,
         size_in_bytes = excluded.size_in_bytes, source = excluded.source`,
      )
      .run(
        deviceId,
        inventoryKey(app),
        app.DisplayName,
        app.DisplayVersion,
        app.Publisher,
        app.ProductCode,
        app.SizeInBytes,
        app.Source,
      );
  return {
    /** True when the device sent a full sync this service still holds. */
    hasBaseline(deviceId: string): boolean {
      return db.prepare("SELECT 1 FROM inventory_devices WHERE device_id = ?").get(deviceId) !== undefined;
    },
    /** Applies a sync: a full one replaces the device's list, a delta adds and removes. */
    apply(deviceId: string, payload: ApplicationInventoryPayload, at: string): void {
      store.transaction(() => {
        if (payload.SyncType === "Full")
          db.prepare("DELETE FROM inventory_apps WHERE device_id = ?").run(deviceId);
        for (const removed of payload.Removed)
          db.prepare("DELETE FROM inventory_apps WHERE device_id = ? AND app_key = ?").run(
            deviceId,
            inventoryKey(removed),
          );
        for (const app of payload.Applications) insert(deviceId, app);
        db.prepare(
          `INSERT INTO inventory_devices (device_id, last_full_sync_at, last_sync_at) VALUES (?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET last_sync_at = excluded.last_sync_at,
           last_full_sync_at = CASE WHEN ? = 'Full' THEN excluded.last_full_sync_at ELSE last_full_sync_at END`,
        ).run(deviceId, at, at, payload.SyncType);
      });
    },
    /** Every device's applications, or one device's. */
    list(deviceId?: string): InventoryRow[] {
      const rows = (
        deviceId === undefined
          ? db.prepare("SELECT * FROM inventory_apps ORDER BY display_name, display_version, device_id").all()
          : db
              .prepare(
                "SELECT * FROM inventory_apps WHERE device_id = ? ORDER BY display_name, display_version",
              )
              .all(deviceId)
      ) as Row[];
      return rows.map(rowOf);
    },
  };
}

export type InventoryStore = ReturnType<typeof inventoryStore>;
