// PowerShell's values and its conversions between them (the language's "everything converts" rules as
// scripts rely on them: `if ($list)`, `"$version"`, `[int]"42"`, `$a -eq "1"` with $a a number).
import type { ScriptBlockAst } from "./ast.ts";

/** A hashtable: keys compare case-insensitively when they are strings, insertion order kept (as `[ordered]`). */
export class PsHashtable {
  readonly entries = new Map<string, { key: PsValue; value: PsValue }>();

  static keyOf(key: PsValue): string {
    return typeof key === "string" ? `s:${key.toLowerCase()}` : `v:${toText(key)}`;
  }

  get(key: PsValue): PsValue {
    return this.entries.get(PsHashtable.keyOf(key))?.value ?? null;
  }

  has(key: PsValue): boolean {
    return this.entries.has(PsHashtable.keyOf(key));
  }

  set(key: PsValue, value: PsValue): void {
    const id = PsHashtable.keyOf(key);
    const existing = this.entries.get(id);
    this.entries.set(id, { key: existing?.key ?? key, value });
  }

  delete(key: PsValue): void {
    this.entries.delete(PsHashtable.keyOf(key));
  }
}

/** A method on a modelled object: it receives the evaluated arguments. */
export type PsMethod = (args: readonly PsValue[]) => PsValue;

/** An object with named properties: `[pscustomobject]`, a file, a registry key, a process, … */
export class PsObject {
  readonly properties = new Map<string, { name: string; value: PsValue }>();
  readonly methods = new Map<string, PsMethod>();
  /** The .NET type names PowerShell would report, most derived first (`System.IO.FileInfo`). */
  readonly typeNames: readonly string[];
  /** What `"$object"` gives: a file's path, a key's name; pscustomobjects print as `@{a=1; b=2}`. */
  readonly display: string | undefined;

  constructor(typeNames: readonly string[], properties: Record<string, PsValue> = {}, display?: string) {
    this.typeNames = typeNames;
    this.display = display;
    for (const [name, value] of Object.entries(properties)) this.set(name, value);
  }

  get(name: string): PsValue | undefined {
    return this.properties.get(name.toLowerCase())?.value;
  }

  set(name: string, value: PsValue): void {
    const existing = this.properties.get(name.toLowerCase());
    this.properties.set(name.toLowerCase(), { name: existing?.name ?? name, value });
  }

  method(name: string, body: PsMethod): this {
    this.methods.set(name.toLowerCase(), body);
    return this;
  }
}

/** `[version]`: two to four numbers; missing parts are -1 as in .NET. */
export class PsVersion {
  readonly parts: readonly number[];

  constructor(parts: readonly number[]) {
    this.parts = parts;
  }

  static parse(text: string): PsVersion | undefined {
    const trimmed = text.trim();
    if (!/^\d+(\.\d+){1,3}$/.test(trimmed)) return undefined;
    return new PsVersion(trimmed.split(".").map(Number));
  }

  part(index: number): number {
    return this.parts[index] ?? -1;
  }

  compare(other: PsVersion): number {
    for (let i = 0; i < 4; i += 1) {
      const a = this.part(i);
      const b = other.part(i);
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  }

  toString(): string {
    return this.parts.join(".");
  }
}

/** `[datetime]`: a moment in ms since the epoch; the device's clock is UTC (our choice: no time zones). */
export class PsDate {
  readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }
}

/** A script block `{ … }`: evaluated later by Where-Object, ForEach-Object, `&`, `.Invoke()`. */
export class PsScriptBlock {
  readonly block: ScriptBlockAst;

  constructor(block: ScriptBlockAst) {
    this.block = block;
  }
}

/** A type literal used as a value (`[Environment]`, `[version]`) for static members and `-is`. */
export class PsType {
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}

export type PsValue =
  | null
  | string
  | number
  | boolean
  | PsValue[]
  | PsHashtable
  | PsObject
  | PsVersion
  | PsDate
  | PsScriptBlock
  | PsType;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A date as PowerShell prints it in strings (invariant culture: `MM/dd/yyyy HH:mm:ss`). */
export function formatDate(date: PsDate): string {
  const d = new Date(date.ms);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : String(n);
  // .NET prints doubles with up to 15 significant digits ("R" formatting aside).
  return String(Number(n.toPrecision(15)));
}

/** A value as a string, as string interpolation and `[string]` convert it. */
export function toText(value: PsValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return value.map(toText).join(" ");
  if (value instanceof PsVersion) return value.toString();
  if (value instanceof PsDate) return formatDate(value);
  if (value instanceof PsHashtable) return "System.Collections.Hashtable";
  if (value instanceof PsScriptBlock) return value.block.text;
  if (value instanceof PsType) return value.name;
  if (value.display !== undefined) return value.display;
  const props = [...value.properties.values()].map((p) => `${p.name}=${toText(p.value)}`);
  return `@{${props.join("; ")}}`;
}

/** PowerShell's truthiness: empty string, 0, $null and empty arrays are false; a one-item array is its item. */
export function toBool(value: PsValue): boolean {
  if (value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length === 0 ? false : value.length === 1 ? toBool(value[0]!) : true;
  return true;
}

/** A number from a value, or undefined when it does not convert (`"abc"`). */
export function toNumberOrUndefined(value: PsValue): number | undefined {
  if (value === null) return 0;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const t = value.trim();
    if (t === "") return 0;
    if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
    return undefined;
  }
  if (Array.isArray(value) && value.length === 1) return toNumberOrUndefined(value[0]!);
  return undefined;
}

/** The array a value enumerates as in a pipeline: arrays spread, $null is nothing, anything else is one item. */
export function enumerate(value: PsValue): PsValue[] {
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Pipeline output as a value: nothing is $null, one item is itself, more is an array. */
export function collapse(items: readonly PsValue[]): PsValue {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0]!;
  return [...items];
}

/** The .NET type name of a value, for `-is` and `.GetType().Name`. */
export function typeNameOf(value: PsValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return "System.String";
  if (typeof value === "number") return Number.isInteger(value) ? "System.Int32" : "System.Double";
  if (typeof value === "boolean") return "System.Boolean";
  if (Array.isArray(value)) return "System.Object[]";
  if (value instanceof PsHashtable) return "System.Collections.Hashtable";
  if (value instanceof PsVersion) return "System.Version";
  if (value instanceof PsDate) return "System.DateTime";
  if (value instanceof PsScriptBlock) return "System.Management.Automation.ScriptBlock";
  if (value instanceof PsType) return "System.RuntimeType";
  return value.typeNames[0] ?? "System.Management.Automation.PSCustomObject";
}
