// Turning a key path as callers write it (`HKLM\SOFTWARE\X`, `HKEY_CURRENT_USER\...`, `HKCR\...`) into the
// resolved path a store holds: HKEY_LOCAL_MACHINE or HKEY_USERS first, then the names.
import { ImesimError } from "@imesim/contracts/errors";
import { foldCase } from "../paths.ts";
import type { KeyPath } from "./registry-store.ts";

/** The SID whose hive HKCU means when no user is given: LocalSystem (windows-formats.md §4.4). */
export const SYSTEM_SID = "S-1-5-18";

/** The root a key path was written with, as regedit names it in a .reg file. */
export type HiveName =
  | "HKEY_LOCAL_MACHINE"
  | "HKEY_CURRENT_USER"
  | "HKEY_USERS"
  | "HKEY_CLASSES_ROOT"
  | "HKEY_CURRENT_CONFIG";

const HIVE_ALIASES: Record<string, HiveName> = {
  hklm: "HKEY_LOCAL_MACHINE",
  hkey_local_machine: "HKEY_LOCAL_MACHINE",
  hkcu: "HKEY_CURRENT_USER",
  hkey_current_user: "HKEY_CURRENT_USER",
  hku: "HKEY_USERS",
  hkey_users: "HKEY_USERS",
  hkcr: "HKEY_CLASSES_ROOT",
  hkey_classes_root: "HKEY_CLASSES_ROOT",
  hkcc: "HKEY_CURRENT_CONFIG",
  hkey_current_config: "HKEY_CURRENT_CONFIG",
};

/** A key path split into its hive and the names below it. */
export interface ParsedKeyPath {
  readonly hive: HiveName;
  readonly names: readonly string[];
}

/** Splits `HKLM\SOFTWARE\X` into hive and names; throws REGISTRY_INVALID_KEY for an unknown root or bad name. */
export function parseKeyPath(keyPath: string): ParsedKeyPath {
  const parts = keyPath.split("\\").filter((part) => part !== "");
  const hive = HIVE_ALIASES[foldCase(parts[0] ?? "")];
  if (hive === undefined) {
    throw new ImesimError(
      "REGISTRY_INVALID_KEY",
      `registry key path "${keyPath}" does not start with a known hive`,
    );
  }
  const names = parts.slice(1);
  for (const name of names) {
    // RegCreateKeyEx limits a key name to 255 characters.
    if (name.length > 255) {
      throw new ImesimError("REGISTRY_INVALID_KEY", `key name longer than 255 characters in "${keyPath}"`);
    }
  }
  return { hive, names };
}

/**
 * The stored path for a hive and names. HKCU is the user's hive under HKEY_USERS; HKCR is taken as
 * HKLM\SOFTWARE\Classes (our choice: the per-user Classes overlay of the merged view is not modelled);
 * HKCC is HKLM\SYSTEM\CurrentControlSet\Hardware Profiles\Current, which Windows links it to.
 */
export function storedKeyPath(parsed: ParsedKeyPath, userSid: string | undefined): KeyPath {
  switch (parsed.hive) {
    case "HKEY_LOCAL_MACHINE":
    case "HKEY_USERS":
      return [parsed.hive, ...parsed.names];
    case "HKEY_CURRENT_USER":
      return ["HKEY_USERS", userSid ?? SYSTEM_SID, ...parsed.names];
    case "HKEY_CLASSES_ROOT":
      return ["HKEY_LOCAL_MACHINE", "SOFTWARE", "Classes", ...parsed.names];
    case "HKEY_CURRENT_CONFIG":
      return [
        "HKEY_LOCAL_MACHINE",
        "SYSTEM",
        "CurrentControlSet",
        "Hardware Profiles",
        "Current",
        ...parsed.names,
      ];
  }
}
