// MsiInfo exactly as IntuneWinAppUtil 1.8.x computes it (intunewin.md §1.2 "How IntuneWinAppUtil 1.8.x derives
// each MsiInfo value", read from the tool's MsiUtil class). Intune receives what the tool writes, so the tool's
// rules win over what the element names say and over Windows Installer's own rules: the agent's msiexec model
// installs by installContextOf (windows-formats.md §5.4), which differs for MSIINSTALLPERUSER values other than
// "1" and for ALLUSERS values the tool refuses.
import { ImesimError } from "../errors/index.ts";
import type { MsiExecutionContext, MsiInfo } from "../intunewin/detection-xml.ts";
import { type MsiDatabase, readMsiDatabase } from "./database.ts";

/** Error codes of MsiInfo derivation. */
export const MsiInfoErrorCode = {
  /** ALLUSERS is neither empty, "1" nor "2": IntuneWinAppUtil stops and makes no package. */
  allUsersInvalid: "MSI_ALLUSERS_INVALID",
} as const;

// intunewin.md §1.2: the Directory keys the tool counts as system folders (Program Files folders are not among them).
const SYSTEM_FOLDERS = new Set(
  [
    "AdminToolsFolder",
    "CommonAppDataFolder",
    "FontsFolder",
    "System16Folder",
    "System64Folder",
    "SystemFolder",
    "TempFolder",
    "WindowsFolder",
    "WindowsVolume",
  ].map((name) => name.toLowerCase()),
);
// intunewin.md §1.2 / windows-formats.md §1.9: Registry Root 2 = HKLM and 3 = HKU always count; 0 (HKCR) and
// 1 (HKCU) never do; −1 (HKLM or HKCU by install context) counts when the package is not a user install.
const SYSTEM_ROOTS = new Set([2, 3]);
const CONTEXT_ROOT = -1;

/** The Property table as a map; values trimmed, as the tool trims every property it reads. */
export function msiProperties(database: MsiDatabase): Map<string, string> {
  const properties = new Map<string, string>();
  for (const row of database.rows("Property")) {
    if (typeof row.Property === "string")
      properties.set(row.Property, typeof row.Value === "string" ? row.Value.trim() : "");
  }
  return properties;
}

/** MsiExecutionContext from ALLUSERS: empty → User, "1" → System, "2" → Any; anything else is refused. */
export function executionContextOf(allUsers: string, source: string): MsiExecutionContext {
  if (allUsers === "") return "User";
  if (allUsers === "1") return "System";
  if (allUsers === "2") return "Any";
  throw new ImesimError(
    MsiInfoErrorCode.allUsersInvalid,
    `Invalid ALLUSERS property value: ${allUsers} (in ${source}; IntuneWinAppUtil makes no package unless ALLUSERS is empty, 1 or 2)`,
    { path: "Property.ALLUSERS" },
  );
}

/** MsiIsUserInstall: false for ALLUSERS "1", and for ALLUSERS "2" with MSIINSTALLPERUSER empty; true otherwise. */
export function isUserInstallOf(allUsers: string, installPerUser: string): boolean {
  if (allUsers === "1") return false;
  return !(allUsers === "2" && installPerUser === "");
}

/** True when a table exists and has no rows: the tool's (inverted) MsiIncludesServices / ODBCDataSource test. */
function existsWithoutRows(database: MsiDatabase, table: string): boolean {
  const found = database.tables.get(table);
  return found !== undefined && found.rows.length === 0;
}

/**
 * MsiInfo as IntuneWinAppUtil derives it. `source` names the package in the error for an ALLUSERS value the
 * tool refuses (MSI_ALLUSERS_INVALID).
 */
export function msiInfoFromDatabase(database: MsiDatabase, source = "the MSI"): MsiInfo {
  const properties = msiProperties(database);
  const allUsers = properties.get("ALLUSERS") ?? "";
  const context = executionContextOf(allUsers, source);
  const isUser = isUserInstallOf(allUsers, properties.get("MSIINSTALLPERUSER") ?? "");
  const registryRows = [...database.rows("Registry"), ...database.rows("RemoveRegistry")];
  const systemRegistry = registryRows.some(
    ({ Root: root }) =>
      typeof root === "number" && (SYSTEM_ROOTS.has(root) || (root === CONTEXT_ROOT && !isUser)),
  );
  const systemFolders = database
    .rows("Directory")
    .some((row) => typeof row.Directory === "string" && SYSTEM_FOLDERS.has(row.Directory.toLowerCase()));
  const reboot = properties.get("REBOOT") ?? "";
  return {
    MsiProductCode: properties.get("ProductCode") ?? "",
    MsiProductVersion: properties.get("ProductVersion") ?? "",
    MsiPackageCode: properties.get("PackageCode") ?? (database.summary.revisionNumber ?? "").trim(),
    MsiUpgradeCode: properties.get("UpgradeCode") ?? "",
    MsiExecutionContext: context,
    MsiRequiresLogon: context === "User",
    // Case-sensitive in the tool: REBOOT=force is not a required reboot, REBOOT=Force (or FORCE) is.
    MsiRequiresReboot: reboot.startsWith("F"),
    MsiIsMachineInstall: !isUser,
    MsiIsUserInstall: isUser,
    MsiIncludesServices: existsWithoutRows(database, "ServiceInstall"),
    MsiIncludesODBCDataSource: existsWithoutRows(database, "ODBCDataSource"),
    MsiContainsSystemRegistryKeys: systemRegistry,
    MsiContainsSystemFolders: systemFolders,
    MsiPublisher: properties.get("Manufacturer") ?? (database.summary.author ?? "").trim(),
  };
}

/** Detection.xml's Name for an MSI: ProductName, else the summary Subject; undefined when both are missing. */
export function msiPackageName(database: MsiDatabase): string | undefined {
  const productName = msiProperties(database).get("ProductName");
  if (productName !== undefined && productName !== "") return productName;
  const subject = database.summary.subject?.trim();
  return subject === undefined || subject === "" ? undefined : subject;
}

/** MsiInfo of an .msi file or its bytes. */
export async function readMsiInfo(input: string | Uint8Array): Promise<MsiInfo> {
  return msiInfoFromDatabase(await readMsiDatabase(input), typeof input === "string" ? input : "the MSI");
}

/**
 * MsiInfo plus Detection.xml's Name (intunewin.md §1.2: ProductName, else the summary Subject, else — left to the
 * caller, which knows it — the setup file's name).
 */
export async function readMsiPackageInfo(
  input: string | Uint8Array,
): Promise<{ msiInfo: MsiInfo; productName: string | undefined }> {
  const database = await readMsiDatabase(input);
  return {
    msiInfo: msiInfoFromDatabase(database, typeof input === "string" ? input : "the MSI"),
    productName: msiPackageName(database),
  };
}
