// What the app inventory collector finds on the device: the ARP Uninstall entries of both registry views
// (a 64-bit process reads `SOFTWARE\...\Uninstall` and `SOFTWARE\WOW6432Node\...\Uninstall`,
// windows-formats.md §4.1), the per-user Uninstall keys of the loaded user hives, and the Windows Installer
// product registrations (`Installer\UserData\<SID>\Products\<packed>\InstallProperties`, windows-formats.md
// §5.5). Whatever wrote them (msiexec, cmd's reg.exe, PowerShell, a scripted install) the registry is the
// only source. Which entries count is our choice [I], after what Apps & features shows and a Microsoft
// docs discussion (memdocs#4469: "anything containing a DisplayName and DisplayVersion in the ARP Uninstall
// key gets inventoried"): an entry needs a DisplayName; SystemComponent=1 entries and updates (ParentKeyName)
// are hidden, as Apps & features hides them.
import { type InventoryApplication, InventorySource, inventoryKey } from "@imesim/contracts/gateway";
import { unpackGuid } from "../host/installer/msiexec/packed-guid.ts";
import type { Registry, RegistryAccess, RegistryValue } from "../host/types.ts";

export const UNINSTALL_KEY = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const USER_UNINSTALL = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const USER_DATA = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData";
const GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i;

/** The device's applications, once each, sorted by name then version; and how many entries were repeats. */
export interface CollectedInventory {
  readonly apps: readonly InventoryApplication[];
  readonly duplicates: number;
}

const text = (value: RegistryValue | undefined): string | null =>
  (value?.type === "REG_SZ" || value?.type === "REG_EXPAND_SZ") && value.data.trim() !== ""
    ? value.data.trim()
    : null;
const number = (value: RegistryValue | undefined): number | undefined =>
  value?.type === "REG_DWORD" ? value.data : undefined;

function valuesOf(registry: Registry, key: string, access: RegistryAccess): Map<string, RegistryValue> {
  return new Map(registry.listValues(key, access).map((v) => [v.name.toLowerCase(), v.value]));
}

/** One entry's application, or undefined when Apps & features would not show it. */
function applicationOf(
  values: Map<string, RegistryValue>,
  source: InventoryApplication["Source"],
  productCode: string | null,
): InventoryApplication | undefined {
  const name = text(values.get("displayname"));
  if (name === null) return undefined;
  if (number(values.get("systemcomponent")) === 1) return undefined;
  if (text(values.get("parentkeyname")) !== null) return undefined;
  const sizeKb = number(values.get("estimatedsize")) ?? 0;
  return {
    DisplayName: name,
    DisplayVersion: text(values.get("displayversion")),
    Publisher: text(values.get("publisher")),
    ProductCode: productCode,
    SizeInBytes: sizeKb * 1024,
    InstallDate: text(values.get("installdate")),
    Source: source,
  };
}

function* arpEntries(
  registry: Registry,
  key: string,
  access: RegistryAccess,
  source: InventoryApplication["Source"],
): Generator<{ app: InventoryApplication | undefined; productCode: string | null }> {
  if (!registry.keyExists(key, access)) return;
  for (const name of registry.listSubkeys(key, access)) {
    const values = valuesOf(registry, `${key}\\${name}`, access);
    // An MSI's ARP key is named by its ProductCode (windows-formats.md §5.5).
    const productCode = GUID.test(name) ? name.toUpperCase() : null;
    yield { app: applicationOf(values, source, productCode), productCode };
  }
}

/** The loaded user hives (HKEY_USERS\<SID>), without the `_Classes` halves and `.DEFAULT`. */
function userSids(registry: Registry): string[] {
  return registry
    .listSubkeys("HKU", { view: 64 })
    .filter((sid) => sid.startsWith("S-") && !sid.toLowerCase().endsWith("_classes"));
}

/** Reads every source and keeps each application once (first source wins: 64-bit, 32-bit, per-user, MSI). */
export function collectInventory(registry: Registry): CollectedInventory {
  const kept = new Map<string, InventoryApplication>();
  const productCodes = new Set<string>();
  let duplicates = 0;
  const keep = (app: InventoryApplication | undefined, productCode: string | null): void => {
    if (productCode !== null) productCodes.add(productCode);
    if (app === undefined) return;
    const key = inventoryKey(app);
    if (kept.has(key)) duplicates += 1;
    else kept.set(key, app);
  };
  const sources: [string, RegistryAccess, InventoryApplication["Source"]][] = [
    [UNINSTALL_KEY, { view: 64 }, InventorySource.Arp64],
    [UNINSTALL_KEY, { view: 32 }, InventorySource.Arp32],
    ...userSids(registry).map(
      (sid) =>
        [`HKU\\${sid}\\${USER_UNINSTALL}`, { view: 64 }, InventorySource.ArpUser] as [
          string,
          RegistryAccess,
          InventoryApplication["Source"],
        ],
    ),
  ];
  for (const [key, access, source] of sources) {
    for (const entry of arpEntries(registry, key, access, source)) keep(entry.app, entry.productCode);
  }
  // A Windows Installer product whose ARP entry was found above is that entry; one without (ARP key
  // removed by hand, or never written) still counts as installed.
  const view64 = { view: 64 } as const;
  if (registry.keyExists(USER_DATA, view64)) {
    for (const sid of registry.listSubkeys(USER_DATA, view64)) {
      const products = `${USER_DATA}\\${sid}\\Products`;
      if (!registry.keyExists(products, view64)) continue;
      for (const packed of registry.listSubkeys(products, view64)) {
        const productCode = unpackGuid(packed) ?? null;
        if (productCode !== null && productCodes.has(productCode)) {
          duplicates += 1;
          continue;
        }
        const values = valuesOf(registry, `${products}\\${packed}\\InstallProperties`, view64);
        keep(applicationOf(values, InventorySource.Msi, productCode), productCode);
      }
    }
  }
  const apps = [...kept.values()].sort(
    (a, b) =>
      a.DisplayName.localeCompare(b.DisplayName, "en") ||
      (a.DisplayVersion ?? "").localeCompare(b.DisplayVersion ?? "", "en"),
  );
  return { apps, duplicates };
}
