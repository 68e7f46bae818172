// The .NET surface scripts reach through PowerShell: casts (`[int]`, `[version]`, `[datetime]`, …), static
// members (`[Environment]::Is64BitProcess`, `[System.IO.Path]::Combine`, `[string]::IsNullOrEmpty`) and
// instance members of strings, arrays, hashtables, versions and dates. Anything else stops with its name.
import { ImesimError } from "@imesim/contracts/errors";
import { baseName, joinPath, parentPath } from "../../process/windows-path.ts";
import { formatOperator } from "./operators.ts";
import {
  collapse,
  enumerate,
  PsDate,
  PsHashtable,
  PsObject,
  PsScriptBlock,
  PsType,
  type PsValue,
  PsVersion,
  toBool,
  toNumberOrUndefined,
  toText,
  typeNameOf,
} from "./values.ts";

/** What static members need of the running process and its device. */
export interface DotNetHost {
  readonly is64BitProcess: boolean;
  readonly is64BitOs: boolean;
  readonly computerName: string;
  environmentVariable(name: string): string | undefined;
  /** The path the device opens for this process (absolute, WOW64 applied). */
  devicePath(path: string): string;
  fileExists(path: string): boolean;
  folderExists(path: string): boolean;
  readText(path: string): string | undefined;
  writeText(path: string, text: string): void;
  createFolder(path: string): void;
  now(): number;
  /** `[Net.ServicePointManager]::SecurityProtocol`: the TLS versions downloads may use (flags). */
  securityProtocol: number;
}

/** `[Net.SecurityProtocolType]` values by name (flags that `-bor` combines). */
const SECURITY_PROTOCOLS: Readonly<Record<string, number>> = {
  systemdefault: 0,
  ssl3: 48,
  tls: 192,
  tls11: 768,
  tls12: 3072,
  tls13: 12288,
};

/** Whether `[Type]::Member` is the ServicePointManager's SecurityProtocol (scripts set it before downloading). */
export function isSecurityProtocol(typeName: string, member: string): boolean {
  return (
    /^(system\.)?net\.servicepointmanager$/.test(canonicalType(typeName)) &&
    member.toLowerCase() === "securityprotocol"
  );
}

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  "system.string": "string",
  "system.int32": "int",
  int32: "int",
  "system.int64": "long",
  int64: "long",
  "system.boolean": "bool",
  boolean: "bool",
  "system.version": "version",
  "system.datetime": "datetime",
  "system.double": "double",
  "system.object[]": "object[]",
  "string[]": "object[]",
  array: "object[]",
  "system.collections.hashtable": "hashtable",
  "system.management.automation.pscustomobject": "pscustomobject",
  "system.environment": "environment",
  "system.io.path": "system.io.path",
  "io.path": "system.io.path",
  "system.io.file": "system.io.file",
  "io.file": "system.io.file",
  "system.io.directory": "system.io.directory",
  "io.directory": "system.io.directory",
  "system.math": "math",
  "system.convert": "convert",
  uint32: "uint32",
  "system.uint32": "uint32",
};

/** The canonical lower-case name of a type literal's text (`System.Int32` → `int`). */
export function canonicalType(name: string): string {
  const lower = name.toLowerCase().replace(/^\[|\]$/g, "");
  return TYPE_ALIASES[lower] ?? lower;
}

function notModelled(what: string, line: number): ImesimError {
  return new ImesimError("PS_NOT_MODELLED", `line ${line}: \`${what}\` is not modelled`);
}

function castError(value: PsValue, type: string, line: number): ImesimError {
  return new ImesimError(
    "PS_RUNTIME_ERROR",
    `line ${line}: Cannot convert value "${toText(value)}" to type "${type}".`,
  );
}

/** Rounds half to even, as .NET does when a double converts to an integer. */
function bankersRound(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Parses a date as `[datetime]"…"` does for the invariant forms scripts use; undefined when it is not one. */
export function parseDate(text: string): PsDate | undefined {
  const t = text.trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (us) {
    return new PsDate(
      Date.UTC(
        Number(us[3]),
        Number(us[1]) - 1,
        Number(us[2]),
        Number(us[4] ?? 0),
        Number(us[5] ?? 0),
        Number(us[6] ?? 0),
      ),
    );
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(t)) {
    const iso = t.replace(" ", "T");
    const ms = Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:\d{2})$/.test(iso) ? `${iso}Z` : iso);
    return Number.isNaN(ms) ? undefined : new PsDate(ms);
  }
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (compact) return new PsDate(Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3])));
  return undefined;
}

/** `[type]value`. */
export function castTo(typeName: string, value: PsValue, line: number): PsValue {
  const type = canonicalType(typeName);
  switch (type) {
    case "string":
      return value === null ? "" : toText(value);
    case "int":
    case "long":
    case "uint32":
    case "byte": {
      const n = toNumberOrUndefined(value);
      if (n === undefined || Number.isNaN(n))
        throw castError(value, `System.${type === "int" ? "Int32" : type}`, line);
      return bankersRound(n);
    }
    case "double":
    case "float":
    case "decimal": {
      const n = toNumberOrUndefined(value);
      if (n === undefined) throw castError(value, "System.Double", line);
      return n;
    }
    case "bool":
      return toBool(value);
    case "version": {
      if (value instanceof PsVersion) return value;
      const v = PsVersion.parse(toText(value));
      if (v === undefined) throw castError(value, "System.Version", line);
      return v;
    }
    case "datetime": {
      if (value instanceof PsDate) return value;
      const d = parseDate(toText(value));
      if (d === undefined) throw castError(value, "System.DateTime", line);
      return d;
    }
    case "object[]":
      return enumerate(value);
    case "hashtable":
    case "ordered":
      if (value instanceof PsHashtable) return value;
      throw castError(value, "System.Collections.Hashtable", line);
    case "pscustomobject":
    case "psobject": {
      if (!(value instanceof PsHashtable)) return value;
      const object = new PsObject(["System.Management.Automation.PSCustomObject"]);
      for (const { key, value: v } of value.entries.values()) object.set(toText(key), v);
      return object;
    }
    case "void":
      return null;
    case "scriptblock":
      if (value instanceof PsScriptBlock) return value;
      throw notModelled(`[scriptblock]`, line);
    default:
      throw notModelled(`[${typeName}]`, line);
  }
}

/** `value -is [type]`. */
export function isOfType(value: PsValue, typeName: string): boolean {
  const type = canonicalType(typeName);
  switch (type) {
    case "string":
      return typeof value === "string";
    case "int":
    case "long":
      return typeof value === "number" && Number.isInteger(value);
    case "double":
      return typeof value === "number";
    case "bool":
      return typeof value === "boolean";
    case "object[]":
      return Array.isArray(value);
    case "hashtable":
      return value instanceof PsHashtable;
    case "version":
      return value instanceof PsVersion;
    case "datetime":
      return value instanceof PsDate;
    case "pscustomobject":
    case "psobject":
      return value instanceof PsObject;
    case "scriptblock":
      return value instanceof PsScriptBlock;
    default:
      return value !== null && typeNameOf(value).toLowerCase() === typeName.toLowerCase();
  }
}

const arg = (args: readonly PsValue[], i: number) => toText(args[i] ?? null);

/** `[Type]::Member` (a property when `args` is undefined, else a method call). */
export function staticMember(
  typeName: string,
  member: string,
  args: readonly PsValue[] | undefined,
  host: DotNetHost,
  line: number,
): PsValue {
  const type = canonicalType(typeName);
  const name = member.toLowerCase();
  const key = `${type}::${name}`;
  if (isSecurityProtocol(typeName, member) && args === undefined) return host.securityProtocol;
  const protocol = /^(system\.)?net\.securityprotocoltype::(\w+)$/.exec(key);
  if (protocol !== null && SECURITY_PROTOCOLS[protocol[2]!] !== undefined)
    return SECURITY_PROTOCOLS[protocol[2]!]!;
  switch (key) {
    case "environment::is64bitprocess":
      return host.is64BitProcess;
    case "environment::is64bitoperatingsystem":
      return host.is64BitOs;
    case "environment::machinename":
      return host.computerName;
    case "environment::newline":
      return "\r\n";
    case "environment::getenvironmentvariable":
      return host.environmentVariable(arg(args ?? [], 0)) ?? null;
    case "environment::getfolderpath":
      return folderPath(arg(args ?? [], 0), host, line);
    case "system.io.path::combine":
      return (args ?? []).map(toText).reduce((a, b) => (/^[a-z]:|^\\/i.test(b) ? b : joinPath(a, b)));
    case "system.io.path::getfilename":
      return baseName(arg(args ?? [], 0));
    case "system.io.path::getdirectoryname":
      return parentPath(arg(args ?? [], 0));
    case "system.io.path::getextension":
      return /\.[^.\\]*$/.exec(baseName(arg(args ?? [], 0)))?.[0] ?? "";
    case "system.io.path::getfilenamewithoutextension":
      return baseName(arg(args ?? [], 0)).replace(/\.[^.]*$/, "");
    case "system.io.path::gettemppath":
      return `${host.environmentVariable("TEMP") ?? "C:\\Windows\\Temp"}\\`;
    case "system.io.file::exists":
      return host.fileExists(arg(args ?? [], 0));
    case "system.io.file::readalltext":
      return host.readText(arg(args ?? [], 0)) ?? null;
    case "system.io.file::writealltext":
      host.writeText(arg(args ?? [], 0), arg(args ?? [], 1));
      return null;
    case "system.io.directory::exists":
      return host.folderExists(arg(args ?? [], 0));
    case "system.io.directory::createdirectory":
      host.createFolder(arg(args ?? [], 0));
      return null;
    case "string::isnullorempty":
      return args?.[0] === null || arg(args ?? [], 0) === "";
    case "string::isnullorwhitespace":
      return args?.[0] === null || arg(args ?? [], 0).trim() === "";
    case "string::join":
      return enumerate(args?.[1] ?? null)
        .map(toText)
        .join(arg(args ?? [], 0));
    case "string::empty":
      return "";
    case "string::format":
      return formatOperator(arg(args ?? [], 0), (args ?? []).slice(1));
    case "version::parse":
      return castTo("version", args?.[0] ?? null, line);
    case "datetime::now":
    case "datetime::utcnow":
      return new PsDate(host.now());
    case "datetime::today": {
      const d = new Date(host.now());
      return new PsDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    }
    case "datetime::parse":
      return castTo("datetime", args?.[0] ?? null, line);
    case "int::parse":
      return castTo("int", args?.[0] ?? null, line);
    case "int::maxvalue":
      return 2147483647;
    case "math::round":
      return bankersRound(toNumberOrUndefined(args?.[0] ?? null) ?? 0);
    case "math::max":
      return Math.max(...(args ?? []).map((a) => toNumberOrUndefined(a) ?? 0));
    case "math::min":
      return Math.min(...(args ?? []).map((a) => toNumberOrUndefined(a) ?? 0));
    default:
      // Enumerations scripts use for preferences compare as their names (`[…ActionPreference]::Stop`).
      if (/actionpreference$/.test(type) && args === undefined) return member;
      throw notModelled(`[${typeName}]::${member}`, line);
  }
}

function folderPath(name: string, host: DotNetHost, line: number): string {
  const env = (variable: string) => host.environmentVariable(variable) ?? "";
  switch (name.toLowerCase()) {
    case "programfiles":
      return env("ProgramFiles");
    case "programfilesx86":
      return env("ProgramFiles(x86)");
    case "commonapplicationdata":
      return env("ProgramData");
    case "applicationdata":
      return env("APPDATA");
    case "localapplicationdata":
      return env("LOCALAPPDATA");
    case "windows":
      return env("SystemRoot");
    case "system":
      return `${env("SystemRoot")}\\${host.is64BitProcess || !host.is64BitOs ? "system32" : "SysWOW64"}`;
    default:
      throw notModelled(`[Environment]::GetFolderPath('${name}')`, line);
  }
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `Get-Date -Format` / `.ToString(format)` for the custom format letters scripts use. */
export function formatDateWith(date: PsDate, format: string): string {
  const d = new Date(date.ms);
  const parts: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    yy: pad2(d.getUTCFullYear() % 100),
    MM: pad2(d.getUTCMonth() + 1),
    dd: pad2(d.getUTCDate()),
    HH: pad2(d.getUTCHours()),
    hh: pad2(d.getUTCHours() % 12 || 12),
    mm: pad2(d.getUTCMinutes()),
    ss: pad2(d.getUTCSeconds()),
    fff: String(d.getUTCMilliseconds()).padStart(3, "0"),
    M: String(d.getUTCMonth() + 1),
    d: String(d.getUTCDate()),
    H: String(d.getUTCHours()),
  };
  if (format === "o") return d.toISOString().replace("Z", "0000Z");
  if (format === "s") return d.toISOString().slice(0, 19);
  if (format === "u") return `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;
  return format.replace(/yyyy|yy|MM|dd|HH|hh|mm|ss|fff|M|d|H|'[^']*'/g, (token) =>
    token.startsWith("'") ? token.slice(1, -1) : (parts[token] ?? token),
  );
}

/** A property of a string, array, hashtable, version or date; undefined when it has none of that name. */
export function builtinProperty(value: PsValue, name: string): PsValue | undefined {
  const lower = name.toLowerCase();
  if (typeof value === "string") return lower === "length" ? value.length : undefined;
  if (Array.isArray(value)) return lower === "count" || lower === "length" ? value.length : undefined;
  if (value instanceof PsHashtable) {
    if (lower === "count") return value.entries.size;
    if (lower === "keys") return [...value.entries.values()].map((e) => e.key);
    if (lower === "values") return [...value.entries.values()].map((e) => e.value);
    return value.has(name) ? value.get(name) : null;
  }
  if (value instanceof PsVersion) {
    const index = ["major", "minor", "build", "revision"].indexOf(lower);
    return index >= 0 ? value.part(index) : undefined;
  }
  if (value instanceof PsDate) {
    const d = new Date(value.ms);
    const parts: Record<string, number> = {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      dayofyear: Math.floor((value.ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
    };
    if (lower === "date") return new PsDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    if (lower === "ticks") return value.ms * 10_000 + 621_355_968_000_000_000;
    return parts[lower];
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) return undefined;
  if (value instanceof PsObject) return value.get(name);
  return undefined;
}

/** An instance method of a built-in value; undefined when the value has no such method. */
export function builtinMethod(value: PsValue, name: string, args: readonly PsValue[]): PsValue | undefined {
  const lower = name.toLowerCase();
  if (lower === "tostring") {
    if (value instanceof PsDate && args.length > 0) return formatDateWith(value, arg(args, 0));
    if (typeof value === "number" && args.length > 0) return formatOperator(`{0:${arg(args, 0)}}`, [value]);
    return toText(value);
  }
  if (lower === "gettype")
    return new PsObject(["System.RuntimeType"], {
      Name: typeNameOf(value).split(".").pop() ?? "",
      FullName: typeNameOf(value),
    });
  if (lower === "equals") return toText(value) === arg(args, 0);
  if (typeof value === "string") return stringMethod(value, lower, args);
  if (Array.isArray(value)) {
    if (lower === "contains") return value.some((v) => toText(v) === arg(args, 0));
    if (lower === "indexof") return value.findIndex((v) => toText(v) === arg(args, 0));
    return undefined;
  }
  if (value instanceof PsHashtable) {
    if (lower === "containskey" || lower === "contains") return value.has(args[0] ?? null);
    if (lower === "containsvalue")
      return [...value.entries.values()].some((e) => toText(e.value) === arg(args, 0));
    if (lower === "add" || lower === "set_item") {
      value.set(args[0] ?? null, args[1] ?? null);
      return null;
    }
    if (lower === "remove") {
      value.delete(args[0] ?? null);
      return null;
    }
    if (lower === "clone") {
      const copy = new PsHashtable();
      for (const e of value.entries.values()) copy.set(e.key, e.value);
      return copy;
    }
    return undefined;
  }
  if (value instanceof PsVersion && lower === "compareto") {
    const other = args[0] instanceof PsVersion ? args[0] : PsVersion.parse(arg(args, 0));
    return other === undefined ? 1 : value.compare(other);
  }
  if (value instanceof PsDate) {
    const n = toNumberOrUndefined(args[0] ?? null) ?? 0;
    const units: Record<string, number> = {
      adddays: 86_400_000,
      addhours: 3_600_000,
      addminutes: 60_000,
      addseconds: 1000,
      addmilliseconds: 1,
    };
    if (units[lower] !== undefined) return new PsDate(value.ms + n * units[lower]!);
    if (lower === "addmonths" || lower === "addyears") {
      const d = new Date(value.ms);
      if (lower === "addmonths") d.setUTCMonth(d.getUTCMonth() + n);
      else d.setUTCFullYear(d.getUTCFullYear() + n);
      return new PsDate(d.getTime());
    }
    if (lower === "touniversaltime" || lower === "tolocaltime") return value;
    if (lower === "toshortdatestring") return formatDateWith(value, "M/d/yyyy");
    if (lower === "compareto") return Math.sign(value.ms - (args[0] instanceof PsDate ? args[0].ms : 0));
    return undefined;
  }
  if (value instanceof PsObject) {
    const method = value.methods.get(lower);
    return method === undefined ? undefined : method(args);
  }
  if (value instanceof PsType) return undefined;
  return undefined;
}

function stringMethod(value: string, name: string, args: readonly PsValue[]): PsValue | undefined {
  const a0 = arg(args, 0);
  const ignoreCase = (i: number) => /ignorecase/i.test(arg(args, i));
  switch (name) {
    case "tolower":
    case "tolowerinvariant":
      return value.toLowerCase();
    case "toupper":
    case "toupperinvariant":
      return value.toUpperCase();
    case "trim":
      return args.length === 0 ? value.trim() : trimChars(value, a0, true, true);
    case "trimstart":
      return args.length === 0 ? value.trimStart() : trimChars(value, a0, true, false);
    case "trimend":
      return args.length === 0 ? value.trimEnd() : trimChars(value, a0, false, true);
    case "contains":
      return ignoreCase(1) ? value.toLowerCase().includes(a0.toLowerCase()) : value.includes(a0);
    case "startswith":
      return ignoreCase(1) ? value.toLowerCase().startsWith(a0.toLowerCase()) : value.startsWith(a0);
    case "endswith":
      return ignoreCase(1) ? value.toLowerCase().endsWith(a0.toLowerCase()) : value.endsWith(a0);
    case "replace":
      return value.split(a0).join(arg(args, 1));
    case "split": {
      const separators = enumerate(args[0] ?? null)
        .map(toText)
        .join("");
      if (separators === "") return value.split(/\s/);
      return value.split(new RegExp(`[${separators.replace(/[\]\\^-]/g, "\\$&")}]`));
    }
    case "substring": {
      const start = toNumberOrUndefined(args[0] ?? null) ?? 0;
      return args.length > 1
        ? value.substr(start, toNumberOrUndefined(args[1] ?? null) ?? 0)
        : value.slice(start);
    }
    case "indexof":
      return ignoreCase(1) ? value.toLowerCase().indexOf(a0.toLowerCase()) : value.indexOf(a0);
    case "lastindexof":
      return value.lastIndexOf(a0);
    case "padleft":
      return value.padStart(toNumberOrUndefined(args[0] ?? null) ?? 0, args.length > 1 ? arg(args, 1) : " ");
    case "padright":
      return value.padEnd(toNumberOrUndefined(args[0] ?? null) ?? 0, args.length > 1 ? arg(args, 1) : " ");
    case "normalize":
      return value.normalize();
    default:
      return undefined;
  }
}

function trimChars(value: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = value.length;
  while (start && a < b && chars.includes(value[a]!)) a += 1;
  while (end && b > a && chars.includes(value[b - 1]!)) b -= 1;
  return value.slice(a, b);
}

/** Member enumeration: `$items.Name` on a collection gives each item's Name (PowerShell 3+). */
export function memberOfEach(
  items: readonly PsValue[],
  get: (item: PsValue) => PsValue | undefined,
): PsValue {
  return collapse(items.flatMap((item) => enumerate(get(item) ?? null)));
}
