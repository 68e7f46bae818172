// The checks an install makes before it changes anything: AppSearch over RegLocator (registry searches that
// set properties, often a prerequisite's version or a remembered install folder) and the LaunchCondition
// table, whose first false condition stops the install with its message and 1603.
import type { MsiDatabase, MsiRow } from "@imesim/contracts/msi";
import type { Host, RegistryAccess, RegistryValue } from "../../types.ts";
import { evaluateCondition } from "./condition.ts";

const ROOTS: Record<number, string> = { 0: "HKCR", 1: "HKCU", 2: "HKLM", 3: "HKU" };

function cell(row: MsiRow, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : String(value);
}

/** The value AppSearch stores for a raw registry read: `#` marks a DWORD, `#%` expandable text, `#x` binary. */
function rawValueText(value: RegistryValue): string {
  switch (value.type) {
    case "REG_SZ":
      return value.data.startsWith("#") ? `#${value.data}` : value.data;
    case "REG_EXPAND_SZ":
      return `#%${value.data}`;
    case "REG_DWORD":
      return `#${value.data | 0}`;
    case "REG_QWORD":
      return `#${value.data}`;
    case "REG_MULTI_SZ":
      return value.data.join("[~]");
    case "REG_BINARY":
    case "REG_NONE":
      return `#x${Buffer.from(value.data).toString("hex").toUpperCase()}`;
  }
}

/**
 * Runs AppSearch for RegLocator signatures: type 2 stores the raw value, types 0/1 store the path the value
 * names when that folder/file exists; 0x10 searches the 64-bit view (else the 32-bit one).
 */
export function searchProperties(db: MsiDatabase, host: Host, userSid: string): Map<string, string> {
  const found = new Map<string, string>();
  const locators = new Map(db.rows("RegLocator").map((row) => [String(row.Signature_), row]));
  for (const search of db.rows("AppSearch")) {
    const locator = locators.get(String(search.Signature_));
    if (locator === undefined) continue;
    const root = ROOTS[Number(locator.Root)];
    const key = cell(locator, "Key");
    if (root === undefined || key === null) continue;
    const type = Number(locator.Type ?? 0);
    const access: RegistryAccess = { view: type & 0x10 ? 64 : 32, userSid };
    const value = host.registry.getValue(`${root}\\${key}`, cell(locator, "Name") ?? "", access);
    if (value === undefined) continue;
    if ((type & 0x0f) === 2) {
      found.set(String(search.Property), rawValueText(value));
      continue;
    }
    if (value.type !== "REG_SZ" && value.type !== "REG_EXPAND_SZ") continue;
    const path = value.data.replace(/^"|"$/g, "");
    const stat = host.fs.stat(path.replace(/\\+$/, "") || path);
    const wantsFolder = (type & 0x0f) === 0;
    if (stat?.kind === (wantsFolder ? "directory" : "file")) {
      found.set(String(search.Property), wantsFolder && !path.endsWith("\\") ? `${path}\\` : path);
    }
  }
  return found;
}

/** The first LaunchCondition that does not hold (its message is what the user sees); undefined when all hold. */
export function failedLaunchCondition(
  db: MsiDatabase,
  lookup: (name: string) => string | undefined,
): { readonly condition: string; readonly description: string } | undefined {
  for (const row of db.rows("LaunchCondition")) {
    const condition = cell(row, "Condition") ?? "";
    // A condition that does not parse fails too, as Windows Installer treats MSICONDITION_ERROR.
    if (evaluateCondition(condition, lookup) !== true) {
      return { condition, description: cell(row, "Description") ?? "" };
    }
  }
  return undefined;
}
