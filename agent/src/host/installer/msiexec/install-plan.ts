// What installing a package lays down, worked out from its tables before anything is written: the
// product's identity, the install context, directories, files and registry writes (windows-formats.md
// §1.7–1.9, §1.12, §5.4). Pure: no device access except through the lookups passed in.

import { installContextOf, type MsiDatabase, type MsiRow } from "@imesim/contracts/msi";
import type { Bitness } from "../../types.ts";
import { extractCabinet } from "./cabinet.ts";
import { evaluateCondition } from "./condition.ts";
import { type RegistryRowAction, registryRoot, registryRowAction } from "./registry-row.ts";

export interface ProductInfo {
  readonly productCode: string;
  readonly productName: string;
  readonly productVersion: string;
  readonly manufacturer: string;
  readonly language: string;
  readonly upgradeCode: string;
  readonly packageCode: string;
  /** From the summary Template platform: x64, Arm64 and Intel64 packages are 64-bit (§1.12). */
  readonly is64Bit: boolean;
}

export interface PlannedComponent {
  readonly key: string;
  readonly componentId: string | null;
  /** Resolved folder, with a trailing `\`. */
  readonly directory: string;
  readonly view: Bitness;
  /** What Windows Installer records as the component's key path (a file path, or the folder). */
  readonly keyPath: string;
}

export interface PlannedFile {
  readonly path: string;
  readonly data: Uint8Array;
  readonly version: string | undefined;
  readonly component: string;
}

export interface PlannedRegistryWrite {
  /** Full key path with its root (`HKLM\Software\Contoso`). */
  readonly keyPath: string;
  readonly name: string;
  readonly action: RegistryRowAction;
  readonly view: Bitness;
  readonly component: string;
}

/** A service the ServiceInstall table installs (windows-formats.md §1.10): its SCM registry values. */
export interface PlannedService {
  readonly name: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly serviceType: number;
  readonly startType: number;
  readonly errorControl: number;
  /** The component's key-path file, quoted, then the arguments (the exact quoting is unconfirmed, §7 item 15). */
  readonly imagePath: string;
  readonly account: string;
  readonly dependencies: readonly string[];
}

/** One Upgrade table row: which related products (same UpgradeCode) to detect and maybe remove. */
export interface PlannedUpgrade {
  readonly upgradeCode: string;
  readonly versionMin: string | null;
  readonly versionMax: string | null;
  /** msidbUpgradeAttributes: 2 OnlyDetect, 0x100 VersionMinInclusive, 0x200 VersionMaxInclusive. */
  readonly attributes: number;
  readonly actionProperty: string;
}

export interface InstallPlan {
  readonly product: ProductInfo;
  readonly perMachine: boolean;
  readonly properties: ReadonlyMap<string, string>;
  readonly components: readonly PlannedComponent[];
  readonly files: readonly PlannedFile[];
  readonly registry: readonly PlannedRegistryWrite[];
  readonly services: readonly PlannedService[];
  readonly upgrades: readonly PlannedUpgrade[];
  /** The package schedules or forces a restart (ScheduleReboot/ForceReboot, REBOOT=Force). */
  readonly rebootRequested: boolean;
  readonly estimatedSizeKb: number;
}

/** The folders a process's environment names, for the standard folder properties. */
export interface FolderEnvironment {
  readonly windows: string;
  readonly appData: string;
  readonly localAppData: string;
  readonly temp: string;
  readonly userProfile: string;
  /** An elevated install (SYSTEM): the Privileged and AdminUser properties. */
  readonly privileged: boolean;
  /** Any environment variable of the installing process, for `[%NAME]` references. */
  variable(name: string): string | undefined;
}

const PLATFORMS_64 = new Set(["x64", "AMD64", "Arm64", "Intel64"]);

function text(row: MsiRow, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : String(value);
}

/** The product's identity from the Property table and summary information. */
export function productInfo(db: MsiDatabase): ProductInfo {
  const properties = new Map(db.rows("Property").map((r) => [String(r.Property), text(r, "Value") ?? ""]));
  const platform = ((db.summary.template ?? "").split(";")[0] ?? "").split(",")[0] ?? "";
  return {
    productCode: (properties.get("ProductCode") ?? "").toUpperCase(),
    productName: properties.get("ProductName") ?? "",
    productVersion: properties.get("ProductVersion") ?? "",
    manufacturer: properties.get("Manufacturer") ?? "",
    language: properties.get("ProductLanguage") ?? "",
    upgradeCode: (properties.get("UpgradeCode") ?? "").toUpperCase(),
    packageCode: (db.summary.revisionNumber ?? "").toUpperCase(),
    is64Bit: PLATFORMS_64.has(platform),
  };
}

/** The standard folder properties (§1.8), with trailing backslashes; on 32-bit Windows the 64-bit ones are unused. */
export function folderProperties(
  env: FolderEnvironment,
  package64: boolean,
  perUserSinglePackage: boolean,
): Map<string, string> {
  const w = env.windows.replace(/\\+$/, "");
  const slash = (p: string): string => (p.endsWith("\\") ? p : `${p}\\`);
  const os64 = env.variable("ProgramW6432") !== undefined;
  const x86 = os64 ? "C:\\Program Files (x86)" : "C:\\Program Files";
  // ProgramFilesFolder is the x86 folder even in x64 packages; a 32-bit package's ProgramFiles64Folder is
  // reported to resolve to the x86 folder too (§1.8, srwi/EverythingToolbar#496 [?]) — we follow that report.
  const programFiles32 = perUserSinglePackage ? `${slash(env.localAppData)}Programs\\` : `${x86}\\`;
  const programFiles64 = perUserSinglePackage
    ? `${slash(env.localAppData)}Programs\\`
    : package64 && os64
      ? "C:\\Program Files\\"
      : programFiles32;
  return new Map([
    ["ProgramFilesFolder", programFiles32],
    ["ProgramFiles64Folder", programFiles64],
    ["CommonFilesFolder", `${x86}\\Common Files\\`],
    [
      "CommonFiles64Folder",
      package64 && os64 ? "C:\\Program Files\\Common Files\\" : `${x86}\\Common Files\\`,
    ],
    ["SystemFolder", os64 ? `${w}\\SysWOW64\\` : `${w}\\System32\\`],
    ["System64Folder", `${w}\\System32\\`],
    ["WindowsFolder", `${w}\\`],
    ["WindowsVolume", "C:\\"],
    ["ROOTDRIVE", "C:\\"],
    ["CommonAppDataFolder", "C:\\ProgramData\\"],
    ["AppDataFolder", slash(env.appData)],
    ["LocalAppDataFolder", slash(env.localAppData)],
    ["TempFolder", slash(env.temp)],
    ["PersonalFolder", `${slash(env.userProfile)}Documents\\`],
    ["DesktopFolder", `${slash(env.userProfile)}Desktop\\`],
    ["ProgramMenuFolder", `${slash(env.appData)}Microsoft\\Windows\\Start Menu\\Programs\\`],
    ["StartMenuFolder", `${slash(env.appData)}Microsoft\\Windows\\Start Menu\\`],
    ["StartupFolder", `${slash(env.appData)}Microsoft\\Windows\\Start Menu\\Programs\\Startup\\`],
  ]);
}

/** The long target name of a DefaultDir (`short|long[:source]`). */
function targetName(defaultDir: string): string {
  const target = defaultDir.split(":")[0] ?? "";
  const parts = target.split("|");
  return parts[parts.length - 1] ?? "";
}

/**
 * Plans an install. `commandLine` holds the public properties given to msiexec; `componentFolders` gives a
 * component's folder recorded by an earlier install (so an uninstall finds files where they went).
 */
export function planInstall(
  db: MsiDatabase,
  commandLine: ReadonlyMap<string, string>,
  env: FolderEnvironment,
  componentFolders: (componentId: string) => string | undefined = () => undefined,
): InstallPlan {
  const product = productInfo(db);
  const properties = new Map(db.rows("Property").map((r) => [String(r.Property), text(r, "Value") ?? ""]));
  for (const [name, value] of commandLine) properties.set(name, value);
  // The same rule the codec writes MsiInfo by, so Detection.xml and the simulated install agree (§5.4).
  const { perMachine, singlePackagePerUser } = installContextOf(properties);
  for (const [name, value] of folderProperties(env, product.is64Bit, singlePackagePerUser)) {
    if (!commandLine.has(name)) properties.set(name, value);
  }
  properties.set("ALLUSERS", perMachine ? "1" : "");
  // Windows Installer is widely reported to show VersionNT 603 / WindowsBuild 9600 on Windows 8.1 and later;
  // the reference does not cover these properties, so this is our choice.
  const standard: Array<[string, string]> = [
    ["VersionNT", "603"],
    ["WindowsBuild", "9600"],
    ...(env.variable("ProgramW6432") === undefined
      ? []
      : ([["VersionNT64", "603"]] as Array<[string, string]>)),
    ...(env.privileged
      ? ([
          ["Privileged", "1"],
          ["AdminUser", "1"],
        ] as Array<[string, string]>)
      : []),
  ];
  for (const [name, value] of standard) if (!properties.has(name)) properties.set(name, value);
  const conditionLookup = (name: string): string | undefined =>
    name.startsWith("%") ? env.variable(name.slice(1)) : properties.get(name);

  const directoryRows = new Map(db.rows("Directory").map((r) => [String(r.Directory), r]));
  const resolved = new Map<string, string>();
  const resolveDirectory = (id: string, depth = 0): string => {
    const known = resolved.get(id);
    if (known !== undefined) return known;
    let path: string;
    const property = properties.get(id);
    const row = directoryRows.get(id);
    if (property !== undefined && property !== "")
      path = property.endsWith("\\") ? property : `${property}\\`;
    else if (row === undefined || depth > 64) path = properties.get("ROOTDRIVE") ?? "C:\\";
    else {
      const parent = text(row, "Directory_Parent");
      const name = targetName(text(row, "DefaultDir") ?? ".");
      if (parent === null || parent === id)
        path = properties.get("TARGETDIR") || (properties.get("ROOTDRIVE") ?? "C:\\");
      else {
        const base = resolveDirectory(parent, depth + 1);
        path = name === "." || name === "" ? base : `${base}${name}\\`;
      }
    }
    resolved.set(id, path);
    return path;
  };

  const components: PlannedComponent[] = [];
  const componentByKey = new Map<string, PlannedComponent>();
  const fileRows = db.rows("File");
  for (const row of db.rows("Component")) {
    const key = String(row.Component);
    const condition = text(row, "Condition");
    // A component whose condition is false is not installed (nor its files, registry values, services).
    if (condition !== null && evaluateCondition(condition, conditionLookup) === false) continue;
    const componentId = text(row, "ComponentId");
    const attributes = Number(row.Attributes ?? 0);
    const recorded = componentId === null ? undefined : componentFolders(componentId.toUpperCase());
    const directory = recorded ?? resolveDirectory(String(row.Directory_));
    const keyFile = fileRows.find((f) => f.File === row.KeyPath && f.Component_ === key);
    const component: PlannedComponent = {
      key,
      componentId,
      directory,
      // Components in a 32-bit package are always 32-bit; 0x100 marks 64-bit ones (§1.8, §1.12).
      view: product.is64Bit && attributes & 0x100 ? 64 : 32,
      keyPath: keyFile === undefined ? directory : `${directory}${targetName(String(keyFile.FileName))}`,
    };
    components.push(component);
    componentByKey.set(key, component);
  }

  const cabinets = cabinetFiles(db);
  const files: PlannedFile[] = [];
  const filePaths = new Map<string, string>();
  for (const row of fileRows) {
    const component = componentByKey.get(String(row.Component_));
    if (component === undefined) continue;
    const path = `${component.directory}${targetName(String(row.FileName))}`;
    filePaths.set(String(row.File), path);
    const version = text(row, "Version");
    const size = Number(row.FileSize ?? 0);
    // Without the cabinet (an external one) the file is laid down as zeros of its declared size (our choice).
    const data = cabinets.get(String(row.File)) ?? new Uint8Array(size);
    files.push({
      path,
      data,
      version: version !== null && /^\d+(\.\d+){0,3}$/.test(version) ? version : undefined,
      component: component.key,
    });
  }

  const format = (value: string): string =>
    value.replace(/\[(\\.|[%#!$]?[^\][]+)\]/g, (_whole, inner: string) => {
      if (inner.startsWith("\\")) return inner.slice(1);
      if (inner.startsWith("%")) return env.variable(inner.slice(1)) ?? "";
      if (inner.startsWith("#") || inner.startsWith("!")) return filePaths.get(inner.slice(1)) ?? "";
      if (inner.startsWith("$")) return componentByKey.get(inner.slice(1))?.directory ?? "";
      if (inner === "~") return "[~]";
      return properties.get(inner) ?? "";
    });

  const registry: PlannedRegistryWrite[] = [];
  for (const row of db.rows("Registry")) {
    const component = componentByKey.get(String(row.Component_));
    const root = registryRoot(Number(row.Root), perMachine);
    if (component === undefined || root === undefined) continue;
    const key = format(text(row, "Key") ?? "").replace(/^\\+/, "");
    const name = text(row, "Name");
    registry.push({
      keyPath: key === "" ? root : `${root}\\${key}`,
      name: name === null || name === "+" || name === "-" || name === "*" ? "" : format(name),
      action: registryRowAction(name, text(row, "Value"), format),
      view: component.view,
      component: component.key,
    });
  }

  const services: PlannedService[] = [];
  for (const row of db.rows("ServiceInstall")) {
    const component = componentByKey.get(String(row.Component_));
    if (component === undefined) continue;
    const args = text(row, "Arguments");
    services.push({
      name: format(String(row.Name)),
      displayName: text(row, "DisplayName") === null ? null : format(String(row.DisplayName)),
      description: text(row, "Description") === null ? null : format(String(row.Description)),
      serviceType: Number(row.ServiceType ?? 0x10),
      startType: Number(row.StartType ?? 3),
      // The "vital" flag 0x8000 is about install failure handling, not a value the SCM stores.
      errorControl: Number(row.ErrorControl ?? 1) & 0x7fff,
      imagePath: `"${component.keyPath}"${args === null ? "" : ` ${format(args)}`}`,
      account: text(row, "StartName") ?? "LocalSystem",
      dependencies: (text(row, "Dependencies") ?? "").split("[~]").filter((d) => d !== ""),
    });
  }
  const upgrades: PlannedUpgrade[] = db.rows("Upgrade").map((row) => ({
    upgradeCode: String(row.UpgradeCode).toUpperCase(),
    versionMin: text(row, "VersionMin"),
    versionMax: text(row, "VersionMax"),
    attributes: Number(row.Attributes ?? 0),
    actionProperty: String(row.ActionProperty),
  }));

  const sequence = db.rows("InstallExecuteSequence").map((r) => String(r.Action));
  const rebootRequested =
    sequence.includes("ScheduleReboot") ||
    sequence.includes("ForceReboot") ||
    (properties.get("REBOOT") ?? "").toLowerCase().startsWith("f");
  const totalBytes = files.reduce((sum, f) => sum + f.data.length, 0);
  return {
    product,
    perMachine,
    properties,
    components,
    files,
    registry,
    services,
    upgrades,
    rebootRequested,
    estimatedSizeKb: Math.ceil(totalBytes / 1024),
  };
}

function cabinetFiles(db: MsiDatabase): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const media of db.rows("Media")) {
    const cabinet = text(media, "Cabinet");
    if (cabinet === null || !cabinet.startsWith("#")) continue;
    const stream = db.streams.get(cabinet.slice(1));
    if (stream === undefined) continue;
    for (const [name, data] of extractCabinet(stream)) out.set(name, data);
  }
  return out;
}
