// The msiexec model: parse the command line, open the package, install or uninstall it on the device as
// Windows Installer would, and return Windows Installer's exit code (windows-formats.md §5.3): 0, 1641/3010
// for restarts, 1603 on failure, 1605 unknown product, 1618 another install running, 1619 package not
// found, 1620 not a package, 1622 log not writable, 1638 another version installed, 1639 bad command line.
import { type MsiDatabase, readMsiDatabase } from "@imesim/contracts/msi";
import { processEnvironment } from "../../process/process-environment.ts";
import type { ProgramResult } from "../../process/program.ts";
import { parentPath, resolveWindowsPath } from "../../process/windows-path.ts";
import { isWindows64, redirectForBitness } from "../../process/wow64.ts";
import type { Host, ProcessContext } from "../../types.ts";
import { parseMsiexecCommandLine } from "./command-line.ts";
import { type FolderEnvironment, type InstallPlan, planInstall } from "./install-plan.ts";
import { failedLaunchCondition, searchProperties } from "./launch-conditions.ts";
import { packGuid } from "./packed-guid.ts";
import {
  findInstalledProduct,
  findRelatedProducts,
  IN_PROGRESS_KEY,
  type InstalledProduct,
  recordedComponentFolder,
  registerProduct,
  SYSTEM_SID,
  unregisterProduct,
} from "./product-registration.ts";
import { VerboseLog } from "./verbose-log.ts";

// The UILevel property for each /q level (none 2, basic 3, reduced 4, full 5; /passive is basic).
const UI_LEVELS: Record<string, string> = { none: "2", basic: "3", passive: "3", reduced: "4", full: "5" };

/** One start of msiexec.exe: its argument text, working folder and the process context it runs in. */
export interface MsiexecRequest {
  readonly args: string;
  readonly workingDirectory: string;
  readonly context: ProcessContext;
}

export const MsiexecExitCode = {
  Success: 0,
  InstallFailure: 1603,
  UnknownProduct: 1605,
  AlreadyRunning: 1618,
  PackageOpenFailed: 1619,
  PackageInvalid: 1620,
  LogFailure: 1622,
  TransformFailure: 1624,
  PlatformUnsupported: 1633,
  ProductVersion: 1638,
  InvalidCommandLine: 1639,
  RebootInitiated: 1641,
  RebootRequired: 3010,
} as const;

interface Session {
  readonly host: Host;
  readonly request: MsiexecRequest;
  readonly log: VerboseLog;
  readonly userSid: string;
  readonly env: FolderEnvironment;
}

/** Runs `msiexec <args>` against the device. The result's exit code is what msiexec.exe would return. */
export async function runMsiexec(request: MsiexecRequest, host: Host): Promise<ProgramResult> {
  const parsed = parseMsiexecCommandLine(request.args);
  // A bad command line shows the usage dialog and returns 1639; nothing is logged.
  if (!parsed.ok) return { exitCode: MsiexecExitCode.InvalidCommandLine };
  const { command } = parsed;
  const environment = processEnvironment(host, request.context);
  const windows = environment.get("SystemRoot") ?? "C:\\WINDOWS";
  const devicePath = (path: string): string =>
    redirectForBitness(
      resolveWindowsPath(request.workingDirectory, path),
      request.context.bitness,
      windows,
      isWindows64((name) => environment.get(name)),
    );
  let logPath: string | undefined;
  if (command.log !== undefined) {
    logPath = devicePath(command.log.path);
    if (host.fs.stat(parentPath(logPath))?.kind !== "directory")
      return { exitCode: MsiexecExitCode.LogFailure };
    host.fs.writeFile(logPath, new Uint8Array());
  }
  const now = logPath === undefined ? 0 : (host.fs.stat(logPath)?.modifiedMs ?? 0);
  const log = new VerboseLog(
    now,
    `${windows}\\${request.context.bitness === 32 ? "SysWOW64" : "system32"}\\msiexec.exe`,
  );
  log.engine("c", `Command Line: ${request.args.trim()}`);
  const session: Session = {
    host,
    request,
    log,
    userSid: request.context.userSid ?? SYSTEM_SID,
    env: {
      windows,
      appData: environment.get("APPDATA") ?? "C:\\Users\\Default\\AppData\\Roaming",
      localAppData: environment.get("LOCALAPPDATA") ?? "C:\\Users\\Default\\AppData\\Local",
      temp: environment.get("TEMP") ?? `${windows}\\TEMP`,
      userProfile: environment.get("USERPROFILE") ?? "C:\\Users\\Default",
      privileged: request.context.account === "system",
      variable: (name) => environment.get(name),
    },
  };
  let exitCode: number;
  if (host.registry.keyExists(IN_PROGRESS_KEY, { view: 64 })) {
    log.engine(
      "c",
      "Another installation is already in progress. Complete that installation before proceeding with this install.",
    );
    exitCode = MsiexecExitCode.AlreadyRunning;
  } else if (command.action === "uninstall") {
    exitCode = await uninstall(session, command.target, devicePath);
  } else {
    exitCode = await install(session, command.target, command.properties, command.ui, devicePath);
  }
  if (logPath !== undefined) host.fs.writeFile(logPath, log.render());
  return { exitCode };
}

function isProductCode(text: string): boolean {
  return /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/.test(text);
}

/** Opens a package file; a number is the exit code for a missing (1619) or invalid (1620) package. */
async function openPackage(session: Session, path: string): Promise<MsiDatabase | number> {
  const stat = session.host.fs.stat(path);
  if (stat?.kind !== "file") {
    session.log.engine("c", `Note: 1: 2203 2: ${path} 3: -2147287038`);
    session.log.engine(
      "c",
      "This installation package could not be opened. Verify that the package exists and that you can access it, or contact the application vendor to verify that this is a valid Windows Installer package.",
    );
    return MsiexecExitCode.PackageOpenFailed;
  }
  try {
    return await readMsiDatabase(session.host.fs.readFile(path));
  } catch {
    session.log.engine(
      "c",
      "This installation package could not be opened. Contact the application vendor to verify that this is a valid Windows Installer package.",
    );
    return MsiexecExitCode.PackageInvalid;
  }
}

/** The first TRANSFORMS entry (`a.mst;@b.mst;|C:\\c.mst`) that is not a file next to the package; `:x` are embedded. */
function missingTransforms(session: Session, plan: InstallPlan, packagePath: string): string | undefined {
  const folder = parentPath(packagePath);
  for (const raw of (plan.properties.get("TRANSFORMS") ?? "").split(";")) {
    const entry = raw.trim().replace(/^[@|]/, "");
    if (entry === "" || entry.startsWith(":")) continue;
    const path = resolveWindowsPath(folder, entry);
    if (session.host.fs.stat(path)?.kind !== "file") return entry;
  }
  return undefined;
}

/** Runs `work` so that all of its writes land or none do (a Device offers a transaction over both stores). */
function atomically(host: Host, work: () => void): void {
  const device = host as Host & { transaction?: <T>(work: () => T) => T };
  if (typeof device.transaction === "function") device.transaction(work);
  else host.registry.transaction(work);
}

async function install(
  session: Session,
  target: string,
  properties: ReadonlyMap<string, string>,
  ui: string,
  devicePath: (path: string) => string,
): Promise<number> {
  const { host, log } = session;
  let packagePath = isProductCode(target) ? undefined : devicePath(target);
  if (packagePath === undefined) {
    // `/i {ProductCode}` reconfigures an installed product from its cached package.
    const installed = findInstalledProduct(host, target, session.userSid);
    if (installed === undefined) return unknownProduct(session);
    packagePath = installed.localPackage;
  }
  const db = await openPackage(session, packagePath);
  if (typeof db === "number") return db;
  // AppSearch results count as set before the command line's properties, which win (§5.2).
  const searched = searchProperties(db, host, session.userSid);
  const plan = planInstall(db, new Map([...searched, ...properties]), session.env);
  const { product } = plan;
  log.engine(
    "s",
    `Product Code: ${product.productCode}; Product Version: ${product.productVersion}; Package Code: ${product.packageCode}`,
  );
  if (product.is64Bit && session.env.variable("ProgramW6432") === undefined) {
    // An x64/Arm64 package on 32-bit Windows (windows-formats.md §1.12).
    log.engine(
      "c",
      "This installation package is not supported by this processor type. Contact your product vendor.",
    );
    return finishInstall(session, plan, MsiexecExitCode.PlatformUnsupported);
  }
  const missingTransform = missingTransforms(session, plan, packagePath);
  if (missingTransform !== undefined) {
    // Transforms are checked but not applied (our choice: the model reads the base package only).
    log.engine(
      "c",
      `Error applying transforms. Verify that the specified transform paths are valid. (${missingTransform})`,
    );
    return finishInstall(session, plan, MsiexecExitCode.TransformFailure);
  }
  if (session.request.context.account === "user" && plan.perMachine) {
    // A user-context install runs with the user's own (standard) token: a per-machine package needs elevation.
    log.engine(
      "s",
      "Error 1925. You do not have sufficient privileges to complete this installation for all users of the machine.",
    );
    return finishInstall(session, plan, MsiexecExitCode.InstallFailure);
  }
  const installed = findInstalledProduct(host, product.productCode, session.userSid);
  if (installed !== undefined && installed.packageCode !== (packGuid(product.packageCode) ?? "")) {
    log.engine("c", "Another version of this product is already installed.");
    return finishInstall(session, plan, MsiexecExitCode.ProductVersion);
  }
  const related = findRelated(session, plan);
  const failed = failedLaunchCondition(db, (name) => {
    if (name.startsWith("%")) return session.env.variable(name.slice(1));
    if (name === "Installed") return installed === undefined ? undefined : "1";
    if (name === "UILevel") return UI_LEVELS[ui];
    return related.detected.get(name) ?? plan.properties.get(name);
  });
  if (failed !== undefined) {
    log.actionStart("LaunchConditions");
    log.engine("s", `Product: ${product.productName} -- ${failed.description}`);
    log.actionEnd("LaunchConditions", 3);
    return finishInstall(session, plan, MsiexecExitCode.InstallFailure);
  }
  const replaced: InstallPlan[] = [];
  for (const relatedProduct of related.remove) {
    const cached = await readCachedPackage(session, relatedProduct);
    if (cached === undefined) return finishInstall(session, plan, MsiexecExitCode.InstallFailure);
    replaced.push(planRemoval(session, relatedProduct, cached));
  }
  const windows = session.env.windows.replace(/\\+$/, "");
  const cacheName = `${(packGuid(product.packageCode) ?? "00000000").slice(0, 8).toLowerCase()}.msi`;
  const localPackage = installed?.localPackage ?? `${windows}\\Installer\\${cacheName}`;
  try {
    atomically(host, () => {
      for (const related of replaced) {
        log.actionStart("RemoveExistingProducts");
        log.engine(
          "s",
          `Major upgrade: removing related product ${related.product.productCode} (${related.product.productVersion})`,
        );
        removeProduct(session, related);
        log.actionEnd("RemoveExistingProducts", 1);
      }
      log.actionStart("InstallFiles");
      for (const file of plan.files) {
        host.fs.writeFile(
          file.path,
          file.data,
          file.version === undefined ? undefined : { version: file.version },
        );
        log.engine(
          "s",
          `Executing op: FileCopy(SourceName=${file.path.slice(file.path.lastIndexOf("\\") + 1)},DestName=${file.path},FileSize=${file.data.length})`,
        );
      }
      log.actionEnd("InstallFiles", 1);
      log.actionStart("WriteRegistryValues");
      for (const write of plan.registry) applyRegistryWrite(session, write);
      log.actionEnd("WriteRegistryValues", 1);
      if (plan.services.length > 0) {
        log.actionStart("InstallServices");
        for (const service of plan.services) installService(session, service);
        log.actionEnd("InstallServices", 1);
      }
      if (packagePath !== localPackage) host.fs.writeFile(localPackage, host.fs.readFile(packagePath));
      const installedAt = host.fs.stat(localPackage)?.modifiedMs ?? 0;
      log.actionStart("PublishProduct");
      registerProduct(host, plan, {
        userSid: session.userSid,
        localPackage,
        sourceFolder: packagePath.slice(0, packagePath.lastIndexOf("\\") + 1),
        installDate: new Date(installedAt).toISOString().slice(0, 10).replaceAll("-", ""),
      });
      log.actionEnd("PublishProduct", 1);
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    log.engine("s", `Error 1603: an install action failed and was rolled back: ${detail}`);
    return finishInstall(session, plan, MsiexecExitCode.InstallFailure);
  }
  let exitCode: number = MsiexecExitCode.Success;
  if (plan.rebootRequested) {
    const reboot = (plan.properties.get("REBOOT") ?? "").toLowerCase();
    const suppressed = reboot === "reallysuppress" || reboot === "suppress";
    // Quiet installs that may restart do so themselves (1641); otherwise the restart is left pending (3010).
    exitCode =
      !suppressed && (ui === "none" || ui === "passive")
        ? MsiexecExitCode.RebootInitiated
        : MsiexecExitCode.RebootRequired;
  }
  return finishInstall(session, plan, exitCode);
}

function applyRegistryWrite(session: Session, write: InstallPlan["registry"][number]): void {
  const { registry } = session.host;
  const access = { view: write.view, userSid: session.userSid };
  const action = write.action;
  if (action.kind === "create-key") registry.createKey(write.keyPath, access);
  if (action.kind !== "set") return;
  let value = action.value;
  if (value.type === "REG_MULTI_SZ" && action.multiMode !== "replace") {
    const added = value.data;
    const existing = registry.getValue(write.keyPath, write.name, access);
    const current =
      existing?.type === "REG_MULTI_SZ" ? existing.data.filter((item) => !added.includes(item)) : [];
    value = {
      type: "REG_MULTI_SZ",
      data: action.multiMode === "append" ? [...current, ...added] : [...added, ...current],
    };
  }
  registry.setValue(write.keyPath, write.name, value, access);
  session.log.engine("s", `Executing op: RegAddValue(Name=${write.name},Value=${describe(value)},)`);
}

function describe(value: { type: string; data: unknown }): string {
  return value.data instanceof Uint8Array ? Buffer.from(value.data).toString("hex") : String(value.data);
}

function finishInstall(session: Session, plan: InstallPlan, exitCode: number): number {
  const { product } = plan;
  const success = exitCode === 0 || exitCode === 1641 || exitCode === 3010;
  session.log.engine(
    "s",
    `Product: ${product.productName} -- Installation ${success ? "completed successfully" : "failed"}.`,
  );
  session.log.engine(
    "s",
    `Windows Installer installed the product. Product Name: ${product.productName}. Product Version: ${product.productVersion}. Product Language: ${product.language}. Manufacturer: ${product.manufacturer}. Installation success or error status: ${exitCode}.`,
  );
  return exitCode;
}

function unknownProduct(session: Session): number {
  session.log.engine("c", "This action is only valid for products that are currently installed.");
  return MsiexecExitCode.UnknownProduct;
}

async function uninstall(
  session: Session,
  target: string,
  devicePath: (path: string) => string,
): Promise<number> {
  const { host, log } = session;
  let productCode = target.toUpperCase();
  if (!isProductCode(target)) {
    const db = await openPackage(session, devicePath(target));
    if (typeof db === "number") return db;
    const code = db.rows("Property").find((r) => r.Property === "ProductCode")?.Value;
    productCode = String(code ?? "").toUpperCase();
  }
  const installed = findInstalledProduct(host, productCode, session.userSid);
  if (installed === undefined) return unknownProduct(session);
  const cached = await readCachedPackage(session, installed);
  if (cached === undefined) return MsiexecExitCode.InstallFailure;
  const plan = planRemoval(session, installed, cached);
  try {
    atomically(host, () => removeProduct(session, plan));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    log.engine("s", `Error 1603: the removal failed and was rolled back: ${detail}`);
    return MsiexecExitCode.InstallFailure;
  }
  const { product } = plan;
  log.engine("s", `Product: ${product.productName} -- Removal completed successfully.`);
  log.engine(
    "s",
    `Windows Installer removed the product. Product Name: ${product.productName}. Product Version: ${product.productVersion}. Product Language: ${product.language}. Manufacturer: ${product.manufacturer}. Removal success or error status: 0.`,
  );
  return MsiexecExitCode.Success;
}

/** The cached package (C:\\Windows\\Installer\\*.msi) of an installed product; undefined when it is gone or damaged. */
async function readCachedPackage(
  session: Session,
  installed: InstalledProduct,
): Promise<MsiDatabase | undefined> {
  try {
    return await readMsiDatabase(session.host.fs.readFile(installed.localPackage));
  } catch {
    session.log.engine(
      "s",
      `Error 1612: the cached package ${installed.localPackage} of ${installed.productCode} is not available.`,
    );
    return undefined;
  }
}

/** What removing an installed product takes away: its plan, with folders from the recorded component key paths. */
function planRemoval(session: Session, installed: InstalledProduct, db: MsiDatabase): InstallPlan {
  const perMachine = installed.sid === SYSTEM_SID;
  return planInstall(db, new Map([["ALLUSERS", perMachine ? "1" : ""]]), session.env, (componentId) =>
    recordedComponentFolder(session.host, installed.sid, installed.productCode, componentId),
  );
}

/** Removes a product: files, folders left empty, registry values, services, registration, cached package. */
function removeProduct(session: Session, plan: InstallPlan): void {
  const { host, log } = session;
  const localPackage = findInstalledProduct(host, plan.product.productCode, session.userSid)?.localPackage;
  log.actionStart("RemoveFiles");
  for (const file of plan.files) {
    if (host.fs.remove(file.path)) log.engine("s", `Executing op: FileRemove(,FileName=${file.path},,)`);
  }
  removeEmptyFolders(session, plan);
  log.actionEnd("RemoveFiles", 1);
  log.actionStart("RemoveRegistryValues");
  for (const write of plan.registry) removeRegistryWrite(session, write);
  log.actionEnd("RemoveRegistryValues", 1);
  for (const service of plan.services)
    host.registry.deleteKey(`${SERVICES_KEY}\\${service.name}`, { view: 64 });
  unregisterProduct(host, plan, session.userSid);
  if (localPackage !== undefined) host.fs.remove(localPackage);
}

const SERVICES_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services";

/** The SCM's registry entry for a ServiceInstall row (HKLM\SYSTEM is shared by both views, §4.1). */
function installService(session: Session, service: InstallPlan["services"][number]): void {
  const { registry } = session.host;
  const key = `${SERVICES_KEY}\\${service.name}`;
  const access = { view: 64 as const };
  registry.setValue(key, "Type", { type: "REG_DWORD", data: service.serviceType }, access);
  registry.setValue(key, "Start", { type: "REG_DWORD", data: service.startType }, access);
  registry.setValue(key, "ErrorControl", { type: "REG_DWORD", data: service.errorControl }, access);
  registry.setValue(key, "ImagePath", { type: "REG_EXPAND_SZ", data: service.imagePath }, access);
  registry.setValue(key, "ObjectName", { type: "REG_SZ", data: service.account }, access);
  if (service.displayName !== null)
    registry.setValue(key, "DisplayName", { type: "REG_SZ", data: service.displayName }, access);
  if (service.description !== null)
    registry.setValue(key, "Description", { type: "REG_SZ", data: service.description }, access);
  if (service.dependencies.length > 0) {
    registry.setValue(key, "DependOnService", { type: "REG_MULTI_SZ", data: service.dependencies }, access);
  }
  session.log.engine(
    "s",
    `Executing op: ServiceInstall(Name=${service.name},DisplayName=${service.displayName ?? ""},ImagePath=${service.imagePath})`,
  );
}

/**
 * FindRelatedProducts: installed products of the Upgrade table's codes and version ranges. Each sets its row's
 * ActionProperty; those not marked OnlyDetect are removed by RemoveExistingProducts.
 */
function findRelated(
  session: Session,
  plan: InstallPlan,
): { remove: InstalledProduct[]; detected: Map<string, string> } {
  const out = new Map<string, InstalledProduct>();
  const detected = new Map<string, string>();
  for (const upgrade of plan.upgrades) {
    for (const related of findRelatedProducts(session.host, upgrade.upgradeCode, session.userSid)) {
      if (related.productCode === plan.product.productCode || !inRange(related.version, upgrade)) continue;
      session.log.engine(
        "s",
        `FindRelatedProducts: Found application: ${related.productCode} (${upgrade.actionProperty})`,
      );
      const previous = detected.get(upgrade.actionProperty);
      detected.set(
        upgrade.actionProperty,
        previous === undefined ? related.productCode : `${previous};${related.productCode}`,
      );
      if ((upgrade.attributes & 2) === 0) out.set(related.productCode, related);
    }
  }
  return { remove: [...out.values()], detected };
}

function inRange(version: string, upgrade: InstallPlan["upgrades"][number]): boolean {
  const compare = (a: string, b: string): number => {
    // Windows Installer compares the first three fields (windows-formats.md §1.7).
    const x = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
    const y = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
    for (let i = 0; i < 3; i += 1) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  if (upgrade.versionMin !== null) {
    const c = compare(version, upgrade.versionMin);
    if (c < 0 || (c === 0 && (upgrade.attributes & 0x100) === 0)) return false;
  }
  if (upgrade.versionMax !== null) {
    const c = compare(version, upgrade.versionMax);
    if (c > 0 || (c === 0 && (upgrade.attributes & 0x200) === 0)) return false;
  }
  return true;
}

/** Removes the component folders the install left empty, up to (not including) the standard folders. */
function removeEmptyFolders(session: Session, plan: InstallPlan): void {
  const { fs } = session.host;
  const standard = new Set(
    [...plan.properties.values()]
      .filter((v) => /^[A-Za-z]:\\/.test(v))
      .map((v) => v.replace(/\\+$/, "").toLowerCase()),
  );
  for (const component of plan.components) {
    let folder = component.directory.replace(/\\+$/, "");
    while (folder.length > 3 && !standard.has(folder.toLowerCase())) {
      const stat = fs.stat(folder);
      if (stat?.kind !== "directory" || fs.list(folder).length > 0) break;
      fs.remove(folder);
      folder = parentPath(folder);
    }
  }
}

function removeRegistryWrite(session: Session, write: InstallPlan["registry"][number]): void {
  const { registry } = session.host;
  const access = { view: write.view, userSid: session.userSid };
  const action = write.action;
  if (
    action.kind === "delete-key-on-uninstall" ||
    (action.kind === "create-key" && action.deleteOnUninstall)
  ) {
    registry.deleteKey(write.keyPath, access);
    return;
  }
  if (action.kind === "set") registry.deleteValue(write.keyPath, write.name, access);
  // Keys left empty by the removal go too, up to the first level below the hive's SOFTWARE.
  let key = write.keyPath;
  while (key.split("\\").length > 2 && registry.keyExists(key, access)) {
    if (registry.listValues(key, access).length > 0 || registry.listSubkeys(key, access).length > 0) break;
    registry.deleteKey(key, access);
    key = key.slice(0, key.lastIndexOf("\\"));
  }
}
