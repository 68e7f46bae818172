// PowerShell's provider paths over the device: `C:\…` (FileSystem), `HKLM:\…` / `HKCU:\…` /
// `Registry::HKEY_LOCAL_MACHINE\…` (Registry, in the process's registry view: a 32-bit PowerShell sees
// WOW6432Node), `Env:\X`; relative paths from the current location; wildcards expanded against the device.
import { baseName, joinPath, parentPath } from "../../process/windows-path.ts";
import { parseKeyPath } from "../../registry/key-path.ts";
import type { RegistryValue } from "../../types.ts";
import type { PsProcess } from "./interpreter.ts";
import { wildcardRegExp } from "./operators.ts";
import { PsDate, PsObject, type PsValue } from "./values.ts";

export type ProviderPath =
  | { readonly provider: "FileSystem"; readonly path: string }
  | { readonly provider: "Registry"; readonly key: string }
  | { readonly provider: "Environment"; readonly name: string };

/** A key path with its hive spelled out (`HKEY_LOCAL_MACHINE\SOFTWARE\X`), as RegistryKey.Name shows it. */
function normaliseKey(hive: string, rest: string): string {
  const parsed = parseKeyPath(`${hive}\\${rest.replace(/\//g, "\\")}`);
  return [parsed.hive, ...parsed.names].join("\\");
}

/** Resolves a path as PowerShell's providers read it; relative paths from the current location. */
export function providerPath(ps: PsProcess, text: string): ProviderPath {
  const path = text.replace(/^Microsoft\.PowerShell\.Core\\/i, "");
  const registry = /^Registry::\\?(HK[\w]+)(?:[\\/](.*))?$/i.exec(path);
  if (registry) return { provider: "Registry", key: normaliseKey(registry[1]!, registry[2] ?? "") };
  const drive = /^(HKLM|HKCU|HKU|HKCR):(?:[\\/]?(.*))?$/i.exec(path);
  if (drive) return { provider: "Registry", key: normaliseKey(drive[1]!, drive[2] ?? "") };
  const env = /^Env:[\\/]?(.*)$/i.exec(path);
  if (env) return { provider: "Environment", name: env[1]! };
  if (/^[A-Za-z]:|^\\\\/.test(path)) return { provider: "FileSystem", path: ps.fullPath(path) };
  if (ps.registryLocation !== undefined) {
    const joined =
      path === "." ? ps.registryLocation : `${ps.registryLocation}\\${path.replace(/^\.\\/, "")}`;
    return { provider: "Registry", key: joined };
  }
  return { provider: "FileSystem", path: ps.fullPath(path) };
}

const hasWildcard = (text: string) => /[*?[]/.test(text);

/** Every existing path a (possibly wildcard) path names; `literal` turns wildcards off. */
export function expandPaths(ps: PsProcess, text: string, literal: boolean): ProviderPath[] {
  const resolved = providerPath(ps, text);
  if (literal || resolved.provider === "Environment") return [resolved];
  const full = resolved.provider === "FileSystem" ? resolved.path : resolved.key;
  if (!hasWildcard(full)) return [resolved];
  const segments = full.split("\\");
  let current = [segments[0]!];
  for (const segment of segments.slice(1)) {
    const next: string[] = [];
    for (const base of current) {
      if (!hasWildcard(segment)) {
        next.push(`${base}\\${segment}`);
        continue;
      }
      const pattern = wildcardRegExp(segment);
      for (const name of listChildren(ps, resolved.provider, base))
        if (pattern.test(name)) next.push(`${base}\\${name}`);
    }
    current = next;
  }
  return current
    .filter((p) =>
      exists(
        ps,
        resolved.provider === "FileSystem"
          ? { provider: "FileSystem", path: p }
          : { provider: "Registry", key: p },
      ),
    )
    .map((p) =>
      resolved.provider === "FileSystem"
        ? { provider: "FileSystem", path: p }
        : { provider: "Registry", key: p },
    );
}

function listChildren(ps: PsProcess, provider: "FileSystem" | "Registry", base: string): string[] {
  try {
    if (provider === "FileSystem")
      return ps.host.fs.list(ps.devicePath(base.endsWith(":") ? `${base}\\` : base));
    return ps.host.registry.listSubkeys(base, ps.registryAccess());
  } catch {
    return [];
  }
}

/** Whether the item exists (a file or folder; a registry key; an environment variable). */
export function exists(ps: PsProcess, path: ProviderPath): boolean {
  if (path.provider === "FileSystem") return ps.stat(path.path) !== undefined;
  if (path.provider === "Registry") return ps.host.registry.keyExists(path.key, ps.registryAccess());
  return path.name === "" || ps.environment.get(path.name) !== undefined;
}

/** A registry value as PowerShell returns it: numbers for DWORD/QWORD, arrays for MULTI_SZ and BINARY. */
export function registryData(value: RegistryValue, expand: (text: string) => string): PsValue {
  switch (value.type) {
    case "REG_SZ":
      return value.data;
    case "REG_EXPAND_SZ":
      return expand(value.data);
    case "REG_DWORD":
      return value.data | 0;
    case "REG_QWORD":
      return Number(value.data);
    case "REG_MULTI_SZ":
      return [...value.data];
    default:
      return [...value.data];
  }
}

/** The object Get-Item / Get-ChildItem return for a file or folder. */
export function fileItem(ps: PsProcess, path: string): PsObject {
  const stat = ps.stat(path);
  const name = baseName(path);
  const isFolder = stat?.kind === "directory";
  const item = new PsObject(
    [isFolder ? "System.IO.DirectoryInfo" : "System.IO.FileInfo", "System.IO.FileSystemInfo"],
    {
      Name: name,
      FullName: path,
      PSPath: `Microsoft.PowerShell.Core\\FileSystem::${path}`,
      PSParentPath: `Microsoft.PowerShell.Core\\FileSystem::${parentPath(path)}`,
      PSChildName: name,
      PSIsContainer: isFolder,
      Exists: stat !== undefined,
      Mode: isFolder ? "d-----" : "-a----",
      LastWriteTime: new PsDate(stat?.modifiedMs ?? 0),
      CreationTime: new PsDate(stat?.createdMs ?? 0),
    },
    path,
  );
  if (isFolder) {
    item.set("Parent", parentPath(path));
    return item;
  }
  const extension = /\.[^.\\]*$/.exec(name)?.[0] ?? "";
  item.set("Length", stat?.size ?? 0);
  item.set("Extension", extension);
  item.set("BaseName", extension === "" ? name : name.slice(0, -extension.length));
  item.set("DirectoryName", parentPath(path));
  let version: string | undefined;
  try {
    version = ps.host.fs.fileVersion(ps.devicePath(path));
  } catch {
    version = undefined;
  }
  item.set(
    "VersionInfo",
    new PsObject(["System.Diagnostics.FileVersionInfo"], {
      FileName: path,
      FileVersion: version ?? null,
      ProductVersion: version ?? null,
      FileVersionRaw: version ?? null,
    }),
  );
  return item;
}

/** The object Get-Item / Get-ChildItem return for a registry key, with its GetValue()-style methods. */
export function keyItem(ps: PsProcess, key: string): PsObject {
  const access = ps.registryAccess();
  const values = ps.host.registry.listValues(key, access);
  const item = new PsObject(
    ["Microsoft.Win32.RegistryKey"],
    {
      Name: key,
      PSPath: `Microsoft.PowerShell.Core\\Registry::${key}`,
      PSParentPath: `Microsoft.PowerShell.Core\\Registry::${parentPath(key)}`,
      PSChildName: baseName(key),
      PSIsContainer: true,
      Property: values.map((v) => v.name),
      ValueCount: values.length,
      SubKeyCount: ps.host.registry.listSubkeys(key, access).length,
    },
    key,
  );
  const expand = (text: string) => ps.host.expandEnvironment(text, ps.context);
  item.method("GetValue", (args) => {
    const value = ps.host.registry.getValue(key, String(args[0] ?? ""), access);
    return value === undefined ? (args[1] ?? null) : registryData(value, expand);
  });
  item.method("GetValueNames", () => values.map((v) => v.name));
  item.method("GetSubKeyNames", () => ps.host.registry.listSubkeys(key, access));
  item.method(
    "GetValueKind",
    (args) => ps.host.registry.getValue(key, String(args[0] ?? ""), access)?.type.replace("REG_", "") ?? null,
  );
  return item;
}

/** The object Get-ItemProperty returns: the key's values as properties plus the PS* bookkeeping. */
export function keyProperties(
  ps: PsProcess,
  key: string,
  only: readonly string[] | undefined,
): PsObject | undefined {
  const access = ps.registryAccess();
  const expand = (text: string) => ps.host.expandEnvironment(text, ps.context);
  const object = new PsObject(["System.Management.Automation.PSCustomObject"]);
  let any = false;
  for (const { name, value } of ps.host.registry.listValues(key, access)) {
    if (only !== undefined && !only.some((n) => wildcardRegExp(n).test(name))) continue;
    object.set(name === "" ? "(default)" : name, registryData(value, expand));
    any = true;
  }
  if (only !== undefined && !any) return undefined;
  object.set("PSPath", `Microsoft.PowerShell.Core\\Registry::${key}`);
  object.set("PSParentPath", `Microsoft.PowerShell.Core\\Registry::${parentPath(key)}`);
  object.set("PSChildName", baseName(key));
  object.set("PSProvider", "Microsoft.PowerShell.Core\\Registry");
  return object;
}

/** The display form of a provider path, for messages. */
export function describe(path: ProviderPath): string {
  return path.provider === "FileSystem"
    ? path.path
    : path.provider === "Registry"
      ? path.key.replace(/^HKEY_LOCAL_MACHINE/, "HKLM:").replace(/^HKEY_CURRENT_USER/, "HKCU:")
      : `Env:\\${path.name}`;
}

/** Joins a child name onto a provider path. */
export function childPath(path: ProviderPath, name: string): ProviderPath {
  if (path.provider === "FileSystem") return { provider: "FileSystem", path: joinPath(path.path, name) };
  if (path.provider === "Registry") return { provider: "Registry", key: `${path.key}\\${name}` };
  return path;
}
