// How one Registry table row becomes a registry write (windows-formats.md §1.9): the root by install
// context, the value type from the authored prefix (#x, #%, #, ##, [~]), the view from the component's
// 64-bit attribute.
import type { RegistryValue } from "../../types.ts";

export type RegistryRowAction =
  | {
      readonly kind: "set";
      readonly value: RegistryValue;
      readonly multiMode: "replace" | "append" | "prepend";
    }
  /** `+` / `*` with a null value: create the key on install. */
  | { readonly kind: "create-key"; readonly deleteOnUninstall: boolean }
  /** `-` with a null value: remove the key and its subtree on uninstall. */
  | { readonly kind: "delete-key-on-uninstall" };

/** The hive root of a Registry.Root value for a per-machine or per-user install; undefined for a bad root. */
export function registryRoot(root: number, perMachine: boolean): string | undefined {
  switch (root) {
    case -1:
      return perMachine ? "HKLM" : "HKCU";
    case 0:
      return perMachine ? "HKLM\\Software\\Classes" : "HKCU\\Software\\Classes";
    case 1:
      return "HKCU";
    case 2:
      return "HKLM";
    case 3:
      return "HKU";
    default:
      return undefined;
  }
}

/**
 * What a row does, given its Name and raw Value; `format` expands `[PROPERTY]` references. Decimal `#`
 * DWORDs only, as Wine parses them (§7 item 13); a null Value with an ordinary name writes an empty REG_SZ (§7 item 12).
 */
export function registryRowAction(
  name: string | null,
  raw: string | null,
  format: (text: string) => string,
): RegistryRowAction {
  if (raw === null || raw === "") {
    if (name === "+") return { kind: "create-key", deleteOnUninstall: false };
    if (name === "*") return { kind: "create-key", deleteOnUninstall: true };
    if (name === "-") return { kind: "delete-key-on-uninstall" };
    return { kind: "set", value: { type: "REG_SZ", data: "" }, multiMode: "replace" };
  }
  if (raw.startsWith("#x") || raw.startsWith("#X")) {
    let hex = format(raw.slice(2)).replace(/[^0-9a-fA-F]/g, "");
    if (hex.length % 2 === 1) hex = `0${hex}`;
    return {
      kind: "set",
      value: { type: "REG_BINARY", data: Uint8Array.from(Buffer.from(hex, "hex")) },
      multiMode: "replace",
    };
  }
  if (raw.startsWith("#%"))
    return {
      kind: "set",
      value: { type: "REG_EXPAND_SZ", data: format(raw.slice(2)) },
      multiMode: "replace",
    };
  if (raw.startsWith("##"))
    return { kind: "set", value: { type: "REG_SZ", data: format(raw.slice(1)) }, multiMode: "replace" };
  if (raw.startsWith("#")) {
    const text = format(raw.slice(1));
    const number = /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : 0;
    return { kind: "set", value: { type: "REG_DWORD", data: number >>> 0 }, multiMode: "replace" };
  }
  if (raw.includes("[~]")) {
    const leading = raw.startsWith("[~]");
    const trailing = raw.endsWith("[~]") && raw.length > 3;
    const items = raw
      .split("[~]")
      .map((item) => format(item))
      .filter((item) => item !== "");
    const multiMode = leading && !trailing ? "append" : trailing && !leading ? "prepend" : "replace";
    return { kind: "set", value: { type: "REG_MULTI_SZ", data: items }, multiMode };
  }
  return { kind: "set", value: { type: "REG_SZ", data: format(raw) }, multiMode: "replace" };
}
