// @imesim/agent/host: the virtual Windows device.
export { baseImageFor } from "./device/base-image.ts";
export { createDevice, type Device, type DeviceBackend, type DeviceOptions } from "./device/device.ts";
export {
  DEFAULT_DEVICE_PROFILE,
  type DeviceProfile,
  type DeviceUser,
  defineDeviceProfile,
  is64BitOs,
  osBuildNumber,
} from "./device/device-profile.ts";
export {
  environmentVariables,
  expandVariables,
  SYSTEM_PROFILE_DIR,
  WINDOWS_DIR,
} from "./device/environment.ts";
export type { DiskBacking, FileEntry, FilePath, FileStore } from "./files/file-store.ts";
export { createFileSystem, type FileSystemOptions } from "./files/file-system.ts";
export { readPeFileVersion } from "./files/pe-version.ts";
export { redirectFileSystemPath } from "./files/wow64-files.ts";
export { MemoryFileStore } from "./memory/memory-file-store.ts";
export { MemoryRegistryStore } from "./memory/memory-registry-store.ts";
export {
  assertCreatableName,
  foldCase,
  formatWindowsPath,
  joinWindowsPath,
  normalizeWindowsPath,
  parseWindowsPath,
  type WindowsPath,
} from "./paths.ts";
// Detection and requirement scripts interpreted by imesim's PowerShell (through the process launcher).
export { createInterpretingScriptRunner } from "./process/launcher.ts";
// The modelled internet and package catalogue a scenario gives the device (issue 15).
export {
  type CataloguePackage,
  createOutsideWorld,
  type OutsideWorld,
  type WebEntry,
} from "./process/outside-world.ts";
// The opt-in change journal behind the dashboard's registry and folder views (issue 17).
export {
  ChangeJournal,
  type DeviceChange,
  type JournalRoots,
  type JournalValue,
  journalValueOf,
} from "./recorder/change-journal.ts";
export { type HiveName, parseKeyPath, SYSTEM_SID } from "./registry/key-path.ts";
export {
  decodeRegFile,
  exportRegFile,
  exportRegText,
  formatValueLine,
  importRegFile,
  type RegImportSummary,
} from "./registry/reg-file.ts";
export { compareKeyNames, createRegistry, type RegistryOptions } from "./registry/registry.ts";
export type { KeyPath, NamedValue, RegistryStore } from "./registry/registry-store.ts";
export { redirectFor32Bit } from "./registry/wow64-registry.ts";
export {
  createPwshScriptRunner,
  createScriptedRunner,
  locatePwsh,
  type PwshRunnerOptions,
  type ScriptedResult,
  type ScriptedScript,
  type ScriptRequest,
  type ScriptResult,
  type ScriptRunner,
} from "./scripts/script-runner.ts";
export { openDeviceDatabase } from "./sqlite/device-database.ts";
export { SqliteFileStore } from "./sqlite/sqlite-file-store.ts";
export { SqliteRegistryStore } from "./sqlite/sqlite-registry-store.ts";
export type {
  Bitness,
  FileStat,
  FileSystem,
  Host,
  ProcessContext,
  Registry,
  RegistryAccess,
  RegistryValue,
  RegistryValueType,
} from "./types.ts";
