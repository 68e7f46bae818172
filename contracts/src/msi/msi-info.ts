import type { MsiInfo } from "../intunewin/detection-xml.ts";
import { type MsiDatabase, readMsiDatabase } from "./database.ts";
import { installContextOf } from "./install-context.ts";

/** Folder properties whose use the tool reports as MsiContainsSystemFolders (our list; see below). */
const SYSTEM_FOLDERS = new Set([
  "SystemFolder",
  "System16Folder",
  "System64Folder",
  "WindowsFolder",
  "WindowsVolume",
  "FontsFolder",
]);
// windows-formats.md §1.9: Registry Root 0 = HKCR, 2 = HKLM, 3 = HKU; −1 follows the install context.
const SYSTEM_ROOTS = new Set([0, 2, 3]);

/** The Property table as a map. */
export function msiProperties(database: MsiDatabase): Map<string, string> {
  const properties = new Map<string, string>();
  for (const row of database.rows("Property")) {
    if (typeof row.Property === "string")
      properties.set(row.Property, typeof row.Value === "string" ? row.Value : "");
  }
  return properties;
}

/**
 * MsiInfo as IntuneWinAppUtil derives it from the MSI (intunewin.md §1.2 "More details": the tool queries
 * Property, ServiceInstall, ODBCDataSource, Registry/RemoveRegistry and system folder names). The exact rules
 * are not documented, so these are ours:
 * - context, machine and user install from ALLUSERS / MSIINSTALLPERUSER through installContextOf, the same rule
 *   the agent's msiexec model installs by (see there for what is written for ALLUSERS=2);
 * - RequiresLogon: a per-user-only package (ALLUSERS unset) needs a signed-in user;
 * - RequiresReboot: REBOOT=Force (Windows Installer accepts any value starting with F);
 * - system registry keys: any Registry/RemoveRegistry row under HKCR, HKLM or HKU, or Root −1 when per-machine;
 * - system folders: a Directory row for SystemFolder, System16Folder, System64Folder, WindowsFolder,
 *   WindowsVolume or FontsFolder (Program Files folders do not count).
 */
export function msiInfoFromDatabase(database: MsiDatabase): MsiInfo {
  const properties = msiProperties(database);
  const { executionContext: context, perMachine: isMachine } = installContextOf(properties);
  const isUser = !isMachine;
  const registryRows = [...database.rows("Registry"), ...database.rows("RemoveRegistry")];
  const systemRegistry = registryRows.some((row) => {
    const root = row.Root;
    return typeof root === "number" && (SYSTEM_ROOTS.has(root) || (root === -1 && isMachine));
  });
  const systemFolders = database
    .rows("Directory")
    .some((row) => typeof row.Directory === "string" && SYSTEM_FOLDERS.has(row.Directory));
  return {
    MsiProductCode: properties.get("ProductCode") ?? "",
    MsiProductVersion: properties.get("ProductVersion") ?? "",
    MsiPackageCode: database.summary.revisionNumber ?? "",
    MsiUpgradeCode: properties.get("UpgradeCode") ?? "",
    MsiExecutionContext: context,
    MsiRequiresLogon: context === "User",
    MsiRequiresReboot: (properties.get("REBOOT") ?? "").toUpperCase().startsWith("F"),
    MsiIsMachineInstall: isMachine,
    MsiIsUserInstall: isUser,
    MsiIncludesServices: database.rows("ServiceInstall").length > 0,
    MsiIncludesODBCDataSource: database.rows("ODBCDataSource").length > 0,
    MsiContainsSystemRegistryKeys: systemRegistry,
    MsiContainsSystemFolders: systemFolders,
    MsiPublisher: properties.get("Manufacturer") ?? "",
  };
}

/** MsiInfo of an .msi file or its bytes. */
export async function readMsiInfo(input: string | Uint8Array): Promise<MsiInfo> {
  return msiInfoFromDatabase(await readMsiDatabase(input));
}

/** MsiInfo plus the ProductName, which the tool writes as Detection.xml's Name. */
export async function readMsiPackageInfo(
  input: string | Uint8Array,
): Promise<{ msiInfo: MsiInfo; productName: string }> {
  const database = await readMsiDatabase(input);
  return {
    msiInfo: msiInfoFromDatabase(database),
    productName: msiProperties(database).get("ProductName") ?? "",
  };
}
