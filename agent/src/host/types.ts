// The virtual Windows device's contracts. Implementations live beside this file (in-memory and SQLite
// backends); the rule engine, the IME state writer and the installers only ever see these interfaces.
// Every call is synchronous: both backends are synchronous (better-sqlite3), and rules stay pure.

import type { DiskBacking } from "./files/file-store.ts";

/** Which registry view a caller sees: a 64-bit process, or a 32-bit one redirected to WOW6432Node. */
export type Bitness = 32 | 64;

/** The account and process a command, rule or script runs as (ime.md §1.5, windows-formats.md). */
export interface ProcessContext {
  readonly account: "system" | "user";
  /** SID of the user for account "user" (HKCU and user profile folders resolve through it). */
  readonly userSid?: string;
  /** 32 for the IME's install processes on 64-bit Windows (SysWOW64\cmd.exe); 64 otherwise. */
  readonly bitness: Bitness;
}

export type RegistryValue =
  | { readonly type: "REG_SZ" | "REG_EXPAND_SZ"; readonly data: string }
  | { readonly type: "REG_DWORD"; readonly data: number }
  | { readonly type: "REG_QWORD"; readonly data: bigint }
  | { readonly type: "REG_MULTI_SZ"; readonly data: readonly string[] }
  | { readonly type: "REG_BINARY" | "REG_NONE"; readonly data: Uint8Array };

export type RegistryValueType = RegistryValue["type"];

/** How a key path is resolved: the view (WOW6432Node redirection) and, for HKCU, whose hive. */
export interface RegistryAccess {
  readonly view: Bitness;
  readonly userSid?: string;
}

/**
 * Key paths are full Windows paths with a hive root (`HKLM\SOFTWARE\Microsoft\...`, also
 * `HKEY_LOCAL_MACHINE\...`, `HKCU`, `HKU`, `HKCR`); names are case-insensitive and case-preserving.
 * The value name "" is the key's default value. Without an access argument the 64-bit view is used.
 */
export interface Registry {
  keyExists(keyPath: string, access?: RegistryAccess): boolean;
  getValue(keyPath: string, valueName: string, access?: RegistryAccess): RegistryValue | undefined;
  setValue(keyPath: string, valueName: string, value: RegistryValue, access?: RegistryAccess): void;
  deleteValue(keyPath: string, valueName: string, access?: RegistryAccess): boolean;
  createKey(keyPath: string, access?: RegistryAccess): void;
  /** Deletes the key and everything below it; false when it did not exist. */
  deleteKey(keyPath: string, access?: RegistryAccess): boolean;
  listSubkeys(keyPath: string, access?: RegistryAccess): string[];
  listValues(keyPath: string, access?: RegistryAccess): Array<{ name: string; value: RegistryValue }>;
  /** Runs `work` atomically: every write inside lands, or none does (also across a crash with SQLite). */
  transaction<T>(work: () => T): T;
}

export interface FileStat {
  readonly kind: "file" | "directory";
  readonly size: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

/**
 * Paths are absolute Windows paths (`C:\Program Files\App\app.exe`; `/` accepted as a separator),
 * already free of environment variables (see `expandEnvironment`); case-insensitive, case-preserving.
 * Writes count against the device's disk and fail with 0x80070070 when it is full.
 */
export interface FileSystem {
  stat(path: string): FileStat | undefined;
  readFile(path: string): Uint8Array;
  /**
   * Creates missing parent folders. `version` declares a file version for synthetic (non-PE) files. A DiskBacking
   * leaves the bytes in a real file, read only when the file is read (a package's expanded content).
   */
  writeFile(path: string, data: Uint8Array | string | DiskBacking, options?: { version?: string }): void;
  /**
   * Where a file's bytes lie on the real disk when they do (a package's content, a downloaded .bin), to read a
   * large file in pieces instead of whole; undefined for bytes held in memory. Optional for wrappers.
   */
  diskBacking?(path: string): DiskBacking | undefined;
  mkdir(path: string): void;
  /** Removes a file, or a folder with everything below it; false when nothing was there. */
  remove(path: string): boolean;
  /** Names (not paths) of a folder's entries. */
  list(path: string): string[];
  rename(from: string, to: string): void;
  /** The file version (`1.2.3.4`) from a PE version resource, or a declared one; undefined when none. */
  fileVersion(path: string): string | undefined;
  freeBytes(drive?: string): number;
}

/** A virtual Windows device: everything rules, installers and the IME state writer act upon. */
export interface Host {
  readonly fs: FileSystem;
  readonly registry: Registry;
  /** Expands `%VAR%` for the given context (system vs user, 32 vs 64-bit process). */
  expandEnvironment(text: string, context: ProcessContext): string;
}
