// Graph's view of the reported inventory: `detectedApp` entities, one per application name and version
// across the tenant's devices (Graph's detectedApp: id, displayName, version, sizeInByte, deviceCount,
// publisher, platform). graph-win32.md does not describe detectedApp; the members are Graph v1.0's. How
// Intune makes a detectedApp id is not public: ours is a hash of the name and version [I], so one
// application keeps its id across devices and syncs.
import { createHash } from "node:crypto";
import type { InventoryRow } from "./inventory-store.ts";

export interface DetectedApp {
  readonly id: string;
  readonly rows: readonly InventoryRow[];
}

/** The detectedApp id of an inventory key (contracts `inventoryKey`). */
export function detectedAppId(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Groups rows by application; first seen first (the rows come ordered by name and version). */
export function detectedApps(rows: readonly InventoryRow[]): DetectedApp[] {
  const byKey = new Map<string, InventoryRow[]>();
  for (const row of rows) {
    const list = byKey.get(row.key);
    if (list === undefined) byKey.set(row.key, [row]);
    else list.push(row);
  }
  return [...byKey].map(([key, list]) => ({ id: detectedAppId(key), rows: list }));
}

/** The Graph `detectedApp` JSON of one application. */
export function renderDetectedApp(app: DetectedApp): Record<string, unknown> {
  const first = app.rows[0]!;
  return {
    "@odata.type": "#microsoft.graph.detectedApp",
    id: app.id,
    displayName: first.displayName,
    version: first.displayVersion ?? "",
    // The largest size any device reported (devices may disagree on EstimatedSize) [I].
    sizeInByte: Math.max(...app.rows.map((row) => row.sizeInBytes)),
    deviceCount: new Set(app.rows.map((row) => row.deviceId.toLowerCase())).size,
    publisher: first.publisher,
    platform: "windows",
  };
}
