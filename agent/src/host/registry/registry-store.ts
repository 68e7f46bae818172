// What a registry backend stores: a tree of keys under resolved paths (hive root first, WOW6432Node already
// applied, HKCU already turned into HKEY_USERS\<sid>), each with typed values. Path resolution, validation and
// redirection live in registry.ts, once for every backend.
import type { RegistryValue } from "../types.ts";

/** A resolved key path: `["HKEY_LOCAL_MACHINE", "SOFTWARE", "Contoso"]`, names as the caller spelled them. */
export type KeyPath = readonly string[];

export interface NamedValue {
  readonly name: string;
  readonly value: RegistryValue;
}

export interface RegistryStore {
  hasKey(path: KeyPath): boolean;
  /** Creates the key and any missing ancestors; existing names keep their stored case. */
  createKey(path: KeyPath): void;
  deleteKey(path: KeyPath): boolean;
  /** Subkey names as stored, in no particular order; [] for a missing key. */
  subkeys(path: KeyPath): string[];
  getValue(path: KeyPath, name: string): RegistryValue | undefined;
  /** Sets a value on an existing key; an existing value keeps its name's case and its position. */
  setValue(path: KeyPath, name: string, value: RegistryValue): void;
  deleteValue(path: KeyPath, name: string): boolean;
  /** Values in creation order; [] for a missing key. */
  values(path: KeyPath): NamedValue[];
  /** All of `work` lands or none does, also when it throws (user transactions). */
  transaction<T>(work: () => T): T;
  /**
   * Makes already-validated steps that cannot fail land together across a crash: a SQLite transaction, and
   * nothing at all in memory (where there is no crash to survive and no rollback is needed).
   */
  atomic<T>(work: () => T): T;
}
