// The `ApplicationInventory` gateway exchange: the IME's app inventory collector (Win32AppInventory.log,
// ime.md §1.1) sends the device's installed applications. ime.md §3.1 item 5 names the request type and
// nothing more, so every member below is imesim's design [I], kept small and PascalCase like the other
// SideCar payloads: a full sync carries every application, a delta sync only what was added or removed since
// the last sync the service accepted. The service answers a delta it cannot apply (it holds no full
// inventory for the device) with `FullSyncRequired`, and the device then sends a full sync.
import { type Static, Type } from "typebox";
import { Compile } from "typebox/compile";
import { nullable } from "../schema/index.ts";
import { decodeJsonMember } from "./json-member.ts";

/** Full: the whole list replaces what the service holds; Delta: `Applications` added, `Removed` gone. */
export const InventorySyncType = { Full: "Full", Delta: "Delta" } as const;
export type InventorySyncType = (typeof InventorySyncType)[keyof typeof InventorySyncType];

/** Where on the device an application was found (imesim's names). */
export const InventorySource = {
  /** `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall`, 64-bit view. */
  Arp64: "Arp64",
  /** The same key in the 32-bit view (`WOW6432Node`). */
  Arp32: "Arp32",
  /** A user's `HKCU\...\Uninstall` (per-user installs). */
  ArpUser: "ArpUser",
  /** A Windows Installer product registration with no ARP entry (`Installer\UserData\<SID>\Products`). */
  Msi: "Msi",
} as const;
export type InventorySource = (typeof InventorySource)[keyof typeof InventorySource];

export const InventoryApplicationSchema = Type.Object({
  DisplayName: Type.String({ minLength: 1, maxLength: 1024 }),
  /** DisplayVersion as the registry holds it; null when the entry has none. */
  DisplayVersion: nullable(Type.String({ maxLength: 256 })),
  Publisher: nullable(Type.String({ maxLength: 1024 })),
  /** The MSI ProductCode (`{GUID}`, upper case) for Windows Installer products, else null. */
  ProductCode: nullable(Type.String({ maxLength: 64 })),
  /** EstimatedSize (KB) × 1024; 0 when unknown. */
  SizeInBytes: Type.Integer({ minimum: 0 }),
  /** InstallDate (`YYYYMMDD`) when present. */
  InstallDate: nullable(Type.String({ maxLength: 16 })),
  Source: Type.Union([
    Type.Literal(InventorySource.Arp64),
    Type.Literal(InventorySource.Arp32),
    Type.Literal(InventorySource.ArpUser),
    Type.Literal(InventorySource.Msi),
  ]),
});
export type InventoryApplication = Static<typeof InventoryApplicationSchema>;

/** An application a delta reports gone: its name and version are its identity. */
export const RemovedApplicationSchema = Type.Object({
  DisplayName: Type.String({ minLength: 1, maxLength: 1024 }),
  DisplayVersion: nullable(Type.String({ maxLength: 256 })),
});
export type RemovedApplication = Static<typeof RemovedApplicationSchema>;

/** The `RequestPayload` of an `ApplicationInventory` session (JSON text on the wire). */
export const ApplicationInventoryPayloadSchema = Type.Object({
  SyncType: Type.Union([Type.Literal(InventorySyncType.Full), Type.Literal(InventorySyncType.Delta)]),
  /** When the device collected the list (ISO 8601, UTC). */
  CollectedAtUtc: Type.String({ minLength: 1 }),
  Applications: Type.Array(InventoryApplicationSchema, { maxItems: 20_000 }),
  /** Always empty on a full sync. */
  Removed: Type.Array(RemovedApplicationSchema, { maxItems: 20_000 }),
});
export type ApplicationInventoryPayload = Static<typeof ApplicationInventoryPayloadSchema>;

/** The service's `ResponsePayload` (JSON text); null, or absent members, mean the sync was applied. */
export const ApplicationInventoryAnswerSchema = Type.Object({
  /** The service has no full inventory to apply a delta to: send a full sync. */
  FullSyncRequired: Type.Boolean(),
});
export type ApplicationInventoryAnswer = Static<typeof ApplicationInventoryAnswerSchema>;

const payloadChecker = Compile(ApplicationInventoryPayloadSchema);
const answerChecker = Compile(ApplicationInventoryAnswerSchema);

/** The identity the service and the device compare applications by: lower-case name and version. */
export function inventoryKey(app: { DisplayName: string; DisplayVersion: string | null }): string {
  return `${app.DisplayName.toLowerCase()}\u0000${(app.DisplayVersion ?? "").toLowerCase()}`;
}

/** Parses an `ApplicationInventory` request payload; GATEWAY_* errors name the bad member. */
export function parseApplicationInventoryPayload(text: unknown): ApplicationInventoryPayload {
  return decodeJsonMember(text, payloadChecker, "ApplicationInventory payload", "RequestPayload");
}

/** Parses the service's answer; a null payload is an applied sync. */
export function parseApplicationInventoryAnswer(text: string | null): ApplicationInventoryAnswer {
  if (text === null || text === "") return { FullSyncRequired: false };
  return decodeJsonMember(text, answerChecker, "ApplicationInventory answer", "ResponsePayload");
}
