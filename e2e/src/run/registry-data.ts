import type { RegistryValue } from "@imesim/agent/host";

/** A scenario registry value (type optional, data as YAML gives it) as the device's typed value. */
export function registryValueOf(
  type: string | undefined,
  data: string | number | readonly string[] | undefined,
): RegistryValue {
  const kind =
    type ?? (typeof data === "number" ? "REG_DWORD" : Array.isArray(data) ? "REG_MULTI_SZ" : "REG_SZ");
  switch (kind) {
    case "REG_DWORD":
      return { type: "REG_DWORD", data: Number(data ?? 0) >>> 0 };
    case "REG_QWORD":
      return { type: "REG_QWORD", data: BigInt(String(data ?? 0)) };
    case "REG_MULTI_SZ":
      return { type: "REG_MULTI_SZ", data: Array.isArray(data) ? [...data] : [String(data ?? "")] };
    case "REG_BINARY":
      return {
        type: "REG_BINARY",
        data: Uint8Array.from(Buffer.from(String(data ?? "").replace(/[,\s]/g, ""), "hex")),
      };
    case "REG_EXPAND_SZ":
      return { type: "REG_EXPAND_SZ", data: String(data ?? "") };
    default:
      return { type: "REG_SZ", data: String(data ?? "") };
  }
}

/** Where Windows Installer registers a product (windows-formats.md §5.5): the Uninstall key, by product code. */
export const UNINSTALL_KEY = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

/** The values an installed MSI leaves under its Uninstall key. */
export function msiRegistration(msi: {
  readonly productCode: string;
  readonly version: string;
  readonly name?: string | undefined;
  readonly publisher?: string | undefined;
}): Array<{ key: string; name: string; value: RegistryValue }> {
  const key = `${UNINSTALL_KEY}\\${msi.productCode.toUpperCase()}`;
  const sz = (data: string): RegistryValue => ({ type: "REG_SZ", data });
  return [
    { key, name: "DisplayName", value: sz(msi.name ?? msi.productCode) },
    { key, name: "DisplayVersion", value: sz(msi.version) },
    { key, name: "Publisher", value: sz(msi.publisher ?? "") },
    { key, name: "WindowsInstaller", value: { type: "REG_DWORD", data: 1 } },
    {
      key,
      name: "UninstallString",
      value: { type: "REG_EXPAND_SZ", data: `MsiExec.exe /X${msi.productCode.toUpperCase()}` },
    },
  ];
}
