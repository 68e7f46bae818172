// Where Windows Installer records an installed product (windows-formats.md §5.5): the ARP Uninstall key in
// the package's view, the Installer\Products and UserData keys (64-bit view), component key paths and
// upgrade codes. Reading them back is how /x {ProductCode} finds what to remove.
import type { Host, RegistryAccess, RegistryValue } from "../../types.ts";
import type { InstallPlan } from "./install-plan.ts";
import { packGuid, unpackGuid } from "./packed-guid.ts";

export const SYSTEM_SID = "S-1-5-18";
const UNINSTALL = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const USER_DATA = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData";
/** Exists while Windows Installer runs an install; a scenario creates it to make msiexec return 1618. */
export const IN_PROGRESS_KEY = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress";

const sz = (data: string): RegistryValue => ({ type: "REG_SZ", data });
const expandSz = (data: string): RegistryValue => ({ type: "REG_EXPAND_SZ", data });
const dword = (data: number): RegistryValue => ({ type: "REG_DWORD", data: data >>> 0 });

/** What the registry says about an installed product. */
export interface InstalledProduct {
  readonly productCode: string;
  /** S-1-5-18 for per-machine installs, else the user's SID. */
  readonly sid: string;
  readonly localPackage: string;
  readonly packageCode: string;
  /** DisplayVersion, i.e. ProductVersion. */
  readonly version: string;
}

function versionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, build = 0] = version.split(".").map((p) => Number.parseInt(p, 10) || 0);
  return [major, minor, build];
}

function arpLocation(plan: InstallPlan, userSid: string): { key: string; access: RegistryAccess } {
  const view = plan.product.is64Bit ? 64 : 32;
  // Per-user products go to the user's HKCU (our choice; Wine uses HKLM, windows-formats.md §7 item 5).
  return plan.perMachine
    ? { key: `HKLM\\${UNINSTALL}\\${plan.product.productCode}`, access: { view } }
    : { key: `HKCU\\${UNINSTALL}\\${plan.product.productCode}`, access: { view, userSid } };
}

/** Writes the ARP entry and the Installer keys for a product just installed. */
export function registerProduct(
  host: Host,
  plan: InstallPlan,
  details: {
    readonly userSid: string;
    readonly localPackage: string;
    readonly sourceFolder: string;
    readonly installDate: string;
  },
): void {
  const { product } = plan;
  const packed = packGuid(product.productCode)!;
  const [major, minor, build] = versionParts(product.productVersion);
  const version = ((major & 0xff) << 24) | ((minor & 0xff) << 16) | (build & 0xffff);
  const properties = plan.properties;
  const arp: Array<[string, RegistryValue]> = [
    ["DisplayName", sz(product.productName)],
    ["DisplayVersion", sz(product.productVersion)],
    ["Publisher", sz(product.manufacturer)],
    ["Version", dword(version)],
    ["VersionMajor", dword(major)],
    ["VersionMinor", dword(minor)],
    ["InstallDate", sz(details.installDate)],
    ["InstallLocation", sz(properties.get("ARPINSTALLLOCATION") ?? "")],
    ["InstallSource", sz(details.sourceFolder)],
    ["Language", dword(Number.parseInt(product.language, 10) || 0)],
    ["EstimatedSize", dword(plan.estimatedSizeKb)],
    ["ModifyPath", expandSz(`MsiExec.exe /I${product.productCode}`)],
    ["WindowsInstaller", dword(1)],
  ];
  if (!properties.get("ARPNOREMOVE"))
    arp.push(["UninstallString", expandSz(`MsiExec.exe /X${product.productCode}`)]);
  for (const [flag, name] of [
    ["ARPNOMODIFY", "NoModify"],
    ["ARPNOREPAIR", "NoRepair"],
    ["ARPNOREMOVE", "NoRemove"],
    ["ARPSYSTEMCOMPONENT", "SystemComponent"],
  ] as const) {
    if (properties.get(flag)) arp.push([name, dword(1)]);
  }
  for (const [property, name] of [
    ["ARPHELPLINK", "HelpLink"],
    ["ARPHELPTELEPHONE", "HelpTelephone"],
    ["ARPURLINFOABOUT", "URLInfoAbout"],
    ["ARPURLUPDATEINFO", "URLUpdateInfo"],
    ["ARPCOMMENTS", "Comments"],
    ["ARPCONTACT", "Contact"],
    ["ARPREADME", "Readme"],
  ] as const) {
    const value = properties.get(property);
    if (value) arp.push([name, sz(value)]);
  }
  const location = arpLocation(plan, details.userSid);
  host.registry.createKey(location.key, location.access);
  for (const [name, value] of arp) host.registry.setValue(location.key, name, value, location.access);

  const sid = plan.perMachine ? SYSTEM_SID : details.userSid;
  const view64 = { view: 64 as const };
  const productsKey = plan.perMachine
    ? `HKLM\\SOFTWARE\\Classes\\Installer\\Products\\${packed}`
    : `HKCU\\Software\\Microsoft\\Installer\\Products\\${packed}`;
  const productsAccess = plan.perMachine ? view64 : { view: 64 as const, userSid: details.userSid };
  host.registry.setValue(productsKey, "ProductName", sz(product.productName), productsAccess);
  host.registry.setValue(productsKey, "PackageCode", sz(packGuid(product.packageCode) ?? ""), productsAccess);
  host.registry.setValue(
    productsKey,
    "Language",
    dword(Number.parseInt(product.language, 10) || 0),
    productsAccess,
  );
  host.registry.setValue(productsKey, "Version", dword(version), productsAccess);
  host.registry.setValue(productsKey, "Assignment", dword(plan.perMachine ? 1 : 0), productsAccess);

  const installProperties = `${USER_DATA}\\${sid}\\Products\\${packed}\\InstallProperties`;
  for (const [name, value] of [
    ["LocalPackage", sz(details.localPackage)],
    ...arp.filter(([name]) => name !== "InstallLocation" || properties.get("ARPINSTALLLOCATION")),
  ] as Array<[string, RegistryValue]>) {
    host.registry.setValue(installProperties, name, value, view64);
  }
  for (const component of plan.components) {
    const packedComponent = component.componentId === null ? undefined : packGuid(component.componentId);
    if (packedComponent === undefined) continue;
    host.registry.setValue(
      `${USER_DATA}\\${sid}\\Components\\${packedComponent}`,
      packed,
      sz(component.keyPath),
      view64,
    );
  }
  const packedUpgrade = packGuid(product.upgradeCode);
  if (packedUpgrade !== undefined) {
    const upgradeKey = plan.perMachine
      ? `HKLM\\SOFTWARE\\Classes\\Installer\\UpgradeCodes\\${packedUpgrade}`
      : `HKCU\\Software\\Microsoft\\Installer\\UpgradeCodes\\${packedUpgrade}`;
    host.registry.setValue(upgradeKey, packed, sz(""), productsAccess);
  }
}

/** Removes everything `registerProduct` wrote for the plan's product. */
export function unregisterProduct(host: Host, plan: InstallPlan, userSid: string): void {
  const { product } = plan;
  const packed = packGuid(product.productCode)!;
  const location = arpLocation(plan, userSid);
  host.registry.deleteKey(location.key, location.access);
  const sid = plan.perMachine ? SYSTEM_SID : userSid;
  const view64 = { view: 64 as const };
  const productsAccess = plan.perMachine ? view64 : { view: 64 as const, userSid };
  host.registry.deleteKey(
    plan.perMachine
      ? `HKLM\\SOFTWARE\\Classes\\Installer\\Products\\${packed}`
      : `HKCU\\Software\\Microsoft\\Installer\\Products\\${packed}`,
    productsAccess,
  );
  host.registry.deleteKey(`${USER_DATA}\\${sid}\\Products\\${packed}`, view64);
  for (const component of plan.components) {
    const packedComponent = component.componentId === null ? undefined : packGuid(component.componentId);
    if (packedComponent === undefined) continue;
    const key = `${USER_DATA}\\${sid}\\Components\\${packedComponent}`;
    host.registry.deleteValue(key, packed, view64);
    if (host.registry.keyExists(key, view64) && host.registry.listValues(key, view64).length === 0)
      host.registry.deleteKey(key, view64);
  }
  const packedUpgrade = packGuid(product.upgradeCode);
  if (packedUpgrade !== undefined) {
    const key = plan.perMachine
      ? `HKLM\\SOFTWARE\\Classes\\Installer\\UpgradeCodes\\${packedUpgrade}`
      : `HKCU\\Software\\Microsoft\\Installer\\UpgradeCodes\\${packedUpgrade}`;
    host.registry.deleteValue(key, packed, productsAccess);
    if (
      host.registry.keyExists(key, productsAccess) &&
      host.registry.listValues(key, productsAccess).length === 0
    ) {
      host.registry.deleteKey(key, productsAccess);
    }
  }
}

/** Finds an installed product by code, per-machine first, then for the given user; undefined when absent. */
export function findInstalledProduct(
  host: Host,
  productCode: string,
  userSid: string,
): InstalledProduct | undefined {
  const packed = packGuid(productCode);
  if (packed === undefined) return undefined;
  for (const sid of [SYSTEM_SID, userSid]) {
    const key = `${USER_DATA}\\${sid}\\Products\\${packed}\\InstallProperties`;
    const localPackage = host.registry.getValue(key, "LocalPackage", { view: 64 });
    if (localPackage?.type !== "REG_SZ") continue;
    const productsKey =
      sid === SYSTEM_SID
        ? `HKLM\\SOFTWARE\\Classes\\Installer\\Products\\${packed}`
        : `HKCU\\Software\\Microsoft\\Installer\\Products\\${packed}`;
    const packageCode = host.registry.getValue(
      productsKey,
      "PackageCode",
      sid === SYSTEM_SID ? { view: 64 } : { view: 64, userSid },
    );
    const version = host.registry.getValue(key, "DisplayVersion", { view: 64 });
    return {
      productCode: productCode.toUpperCase(),
      sid,
      localPackage: localPackage.data,
      packageCode: packageCode?.type === "REG_SZ" ? packageCode.data : "",
      version: version?.type === "REG_SZ" ? version.data : "",
    };
  }
  return undefined;
}

/** The folder each registered component was installed to, from its recorded key path. */
export function recordedComponentFolder(
  host: Host,
  sid: string,
  productCode: string,
  componentId: string,
): string | undefined {
  const packedComponent = packGuid(componentId);
  const packedProduct = packGuid(productCode);
  if (packedComponent === undefined || packedProduct === undefined) return undefined;
  const value = host.registry.getValue(
    `${USER_DATA}\\${sid}\\Components\\${packedComponent}`,
    packedProduct,
    { view: 64 },
  );
  if (value?.type !== "REG_SZ" || !/^[A-Za-z]:\\/.test(value.data)) return undefined;
  return value.data.endsWith("\\") ? value.data : value.data.slice(0, value.data.lastIndexOf("\\") + 1);
}

/** Installed products registered under an UpgradeCode (per-machine, then the user's), for FindRelatedProducts. */
export function findRelatedProducts(host: Host, upgradeCode: string, userSid: string): InstalledProduct[] {
  const packed = packGuid(upgradeCode);
  if (packed === undefined) return [];
  const keys: Array<[string, RegistryAccess]> = [
    [`HKLM\\SOFTWARE\\Classes\\Installer\\UpgradeCodes\\${packed}`, { view: 64 }],
    [`HKCU\\Software\\Microsoft\\Installer\\UpgradeCodes\\${packed}`, { view: 64, userSid }],
  ];
  const found = new Map<string, InstalledProduct>();
  for (const [key, access] of keys) {
    if (!host.registry.keyExists(key, access)) continue;
    for (const { name } of host.registry.listValues(key, access)) {
      const productCode = unpackGuid(name);
      const installed =
        productCode === undefined ? undefined : findInstalledProduct(host, productCode, userSid);
      if (installed !== undefined) found.set(installed.productCode, installed);
    }
  }
  return [...found.values()];
}
