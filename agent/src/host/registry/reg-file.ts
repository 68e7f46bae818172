// .reg files exactly as regedit writes and reads them (windows-formats.md §3): version 5.00, UTF-16LE with a
// BOM, CRLF, pre-order keys with subkeys sorted case-insensitively, values in creation order, hex data wrapped
// at the column regedit wraps at. Export → import → export is byte-identical.
import { ImesimError } from "@imesim/contracts/errors";
import type { Registry, RegistryAccess, RegistryValue } from "../types.ts";
import { parseKeyPath } from "./key-path.ts";

const HEADER_V5 = "Windows Registry Editor Version 5.00";
const HEADER_V4 = "REGEDIT4";
const CRLF = "\r\n";

// Numeric registry types as hex(N) writes them (winnt.h).
const TYPE_NUMBER = {
  REG_NONE: 0,
  REG_SZ: 1,
  REG_EXPAND_SZ: 2,
  REG_BINARY: 3,
  REG_DWORD: 4,
  REG_MULTI_SZ: 7,
  REG_QWORD: 11,
} as const;

/** Escapes a name or REG_SZ the way regedit does: `\` → `\\`, `"` → `\"`; CR/LF as Wine writes them (§7 [?]). */
function escapeString(text: string): string {
  return text.replace(/[\\"\r\n]/g, (c) =>
    c === "\\" ? "\\\\" : c === '"' ? '\\"' : c === "\r" ? "\\r" : "\\n",
  );
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    bytes[i * 2] = code & 0xff;
    bytes[i * 2 + 1] = code >>> 8;
  }
  return bytes;
}

/** `hex(N):` data with regedit's wrapping: wrap after a comma once the line reaches column 77 (§3.3). */
function hexData(prefix: string, bytes: Uint8Array): string {
  let out = prefix;
  let column = prefix.length;
  for (let i = 0; i < bytes.length; i += 1) {
    out += bytes[i]!.toString(16).padStart(2, "0");
    if (i === bytes.length - 1) break;
    out += ",";
    column += 3;
    if (column >= 77) {
      out += `\\${CRLF}  `;
      column = 2;
    }
  }
  return out;
}

function valueBytes(value: RegistryValue): { tag: string; bytes: Uint8Array } {
  switch (value.type) {
    case "REG_EXPAND_SZ":
      return { tag: "hex(2):", bytes: utf16le(`${value.data}\0`) };
    case "REG_MULTI_SZ":
      return { tag: "hex(7):", bytes: utf16le(`${value.data.map((s) => `${s}\0`).join("")}\0`) };
    case "REG_QWORD": {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, value.data, true);
      return { tag: "hex(b):", bytes };
    }
    case "REG_BINARY":
      return { tag: "hex:", bytes: value.data };
    case "REG_NONE":
      return { tag: "hex(0):", bytes: value.data };
    default:
      throw new Error(`${value.type} has a text form, not hex`);
  }
}

/** One value line (possibly wrapped over several lines), without the final CRLF. */
export function formatValueLine(name: string, value: RegistryValue): string {
  const head = name === "" ? "@=" : `"${escapeString(name)}"=`;
  if (value.type === "REG_SZ") return `${head}"${escapeString(value.data)}"`;
  if (value.type === "REG_DWORD") return `${head}dword:${value.data.toString(16).padStart(8, "0")}`;
  const { tag, bytes } = valueBytes(value);
  return hexData(`${head}${tag}`, bytes);
}

/**
 * The text of a .reg export of `keyPath` and everything below it, as `regedit /e` writes it. Key lines use the
 * full root name of the hive the path was given with (`HKCU\X` exports as `[HKEY_CURRENT_USER\X]`).
 */
export function exportRegText(registry: Registry, keyPath: string, access?: RegistryAccess): string {
  const parsed = parseKeyPath(keyPath);
  if (!registry.keyExists(keyPath, access)) {
    throw new ImesimError("REGISTRY_KEY_NOT_FOUND", `cannot export "${keyPath}": the key does not exist`, {
      imeErrorCode: 0x80070002,
    });
  }
  let out = `${HEADER_V5}${CRLF}`;
  const walk = (names: readonly string[]): void => {
    const shown = [parsed.hive, ...names].join("\\");
    out += `${CRLF}[${shown}]${CRLF}`;
    for (const { name, value } of registry.listValues(shown, access))
      out += `${formatValueLine(name, value)}${CRLF}`;
    for (const child of registry.listSubkeys(shown, access)) walk([...names, child]);
  };
  walk(parsed.names);
  return `${out}${CRLF}`;
}

/** The bytes of a .reg export: UTF-16LE with the `ff fe` BOM (windows-formats.md §3.1). */
export function exportRegFile(registry: Registry, keyPath: string, access?: RegistryAccess): Uint8Array {
  const body = utf16le(exportRegText(registry, keyPath, access));
  const bytes = new Uint8Array(body.length + 2);
  bytes.set([0xff, 0xfe]);
  bytes.set(body, 2);
  return bytes;
}

/** Decodes a .reg file's bytes: UTF-16LE when it starts with the BOM, else UTF-8 (ANSI files are ASCII in practice). */
export function decodeRegFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

/** What importing a .reg file did. */
export interface RegImportSummary {
  readonly keysCreated: number;
  readonly keysDeleted: number;
  readonly valuesSet: number;
  readonly valuesDeleted: number;
}

/**
 * Imports a .reg file (bytes or decoded text) as `regedit /s` does, applying everything atomically: a file
 * with a bad line changes nothing and throws REG_FILE_INVALID naming the line.
 */
export function importRegFile(
  registry: Registry,
  file: Uint8Array | string,
  access?: RegistryAccess,
): RegImportSummary {
  const text = typeof file === "string" ? file.replace(/^\uFEFF/, "") : decodeRegFile(file);
  const lines = joinContinuations(text.split(/\r?\n/));
  const headerIndex = lines.findIndex((line) => line.text.trim() !== "");
  const header = lines[headerIndex]?.text.trim() ?? "";
  if (header !== HEADER_V5 && header !== HEADER_V4) {
    throw new ImesimError("REG_FILE_INVALID", `not a .reg file: the first line is "${header.slice(0, 60)}"`, {
      path: "line 1",
    });
  }
  const ansi = header === HEADER_V4;
  const summary = { keysCreated: 0, keysDeleted: 0, valuesSet: 0, valuesDeleted: 0 };
  registry.transaction(() => {
    let currentKey: string | undefined;
    for (const { text: raw, number } of lines.slice(headerIndex + 1)) {
      const line = raw.trimStart();
      if (line === "" || line.startsWith(";")) continue;
      const fail = (why: string): never => {
        throw new ImesimError("REG_FILE_INVALID", `line ${number}: ${why}: ${line.slice(0, 80)}`, {
          path: `line ${number}`,
        });
      };
      if (line.startsWith("[")) {
        const close = line.lastIndexOf("]");
        if (close < 0) fail("a key line without a closing ]");
        const inner = line.slice(1, close);
        const deleting = inner.startsWith("-");
        const keyPath = deleting ? inner.slice(1) : inner;
        // Only full root names are valid in .reg files (windows-formats.md §3.6).
        if (!/^HKEY_(LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)(\\|$)/i.test(keyPath)) {
          fail("the key must start with a full root name such as HKEY_LOCAL_MACHINE");
        }
        if (deleting) {
          if (registry.deleteKey(keyPath, access)) summary.keysDeleted += 1;
          currentKey = undefined;
        } else {
          if (!registry.keyExists(keyPath, access)) summary.keysCreated += 1;
          registry.createKey(keyPath, access);
          currentKey = keyPath;
        }
        continue;
      }
      if (currentKey === undefined) fail("a value line outside a key");
      const parsed = parseValueLine(line, ansi) ?? fail("not a value line");
      if (parsed.value === "delete") {
        if (registry.deleteValue(currentKey!, parsed.name, access)) summary.valuesDeleted += 1;
      } else {
        registry.setValue(currentKey!, parsed.name, parsed.value, access);
        summary.valuesSet += 1;
      }
    }
  });
  return summary;
}

/** Joins `\`-continued hex lines into one logical line, remembering the first physical line number. */
function joinContinuations(physical: string[]): Array<{ text: string; number: number }> {
  const out: Array<{ text: string; number: number }> = [];
  for (let i = 0; i < physical.length; i += 1) {
    const number = i + 1;
    let text = physical[i]!;
    while (
      text.trimEnd().endsWith("\\") &&
      /^\s*("|@)/.test(text) &&
      i + 1 < physical.length &&
      /=\s*hex/i.test(text)
    ) {
      i += 1;
      text = text.trimEnd().slice(0, -1) + physical[i]!.trimStart();
    }
    out.push({ text, number });
  }
  return out;
}

/** Reads a quoted string starting at `start` (the opening quote); returns the text and the index after it. */
function readQuoted(line: string, start: number): { text: string; end: number } | undefined {
  let text = "";
  for (let i = start + 1; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === '"') return { text, end: i + 1 };
    if (c === "\\") {
      const next = line[i + 1];
      if (next === "\\" || next === '"') text += next;
      else if (next === "n") text += "\n";
      else if (next === "r") text += "\r";
      else return undefined;
      i += 1;
    } else {
      text += c;
    }
  }
  return undefined;
}

function parseValueLine(
  line: string,
  ansi: boolean,
): { name: string; value: RegistryValue | "delete" } | undefined {
  let name: string;
  let rest: string;
  if (line.startsWith("@")) {
    name = "";
    rest = line.slice(1);
  } else if (line.startsWith('"')) {
    const quoted = readQuoted(line, 0);
    if (quoted === undefined) return undefined;
    name = quoted.text;
    rest = line.slice(quoted.end);
  } else {
    return undefined;
  }
  rest = rest.trimStart();
  if (!rest.startsWith("=")) return undefined;
  rest = rest.slice(1).trim();
  if (rest === "-") return { name, value: "delete" };
  if (rest.startsWith('"')) {
    const quoted = readQuoted(rest, 0);
    if (quoted === undefined || !isEndOfData(rest.slice(quoted.end))) return undefined;
    return { name, value: { type: "REG_SZ", data: quoted.text } };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})\s*(;.*)?$/.exec(rest);
  if (dword) return { name, value: { type: "REG_DWORD", data: Number.parseInt(dword[1]!, 16) } };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:\s*([0-9a-fA-F,\s]*?)\s*(;.*)?$/.exec(rest);
  if (!hex) return undefined;
  const type = hex[1] === undefined ? TYPE_NUMBER.REG_BINARY : Number.parseInt(hex[1], 16);
  const digits = hex[2]!.replace(/\s/g, "");
  const parts = digits === "" ? [] : digits.split(",");
  if (parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  const bytes = Uint8Array.from(parts, (p) => Number.parseInt(p, 16));
  const value = valueFromHex(type, bytes, ansi);
  return value === undefined ? undefined : { name, value };
}

function isEndOfData(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === "" || trimmed.startsWith(";");
}

function decodeStringData(bytes: Uint8Array, ansi: boolean): string {
  return ansi ? new TextDecoder("latin1").decode(bytes) : new TextDecoder("utf-16le").decode(bytes);
}

/** Drops one trailing NUL (the terminator; the importer tolerates a missing one, §3.6). */
function stripTerminator(text: string): string {
  return text.endsWith("\0") ? text.slice(0, -1) : text;
}

function valueFromHex(type: number, bytes: Uint8Array, ansi: boolean): RegistryValue | undefined {
  switch (type) {
    case TYPE_NUMBER.REG_NONE:
      return { type: "REG_NONE", data: bytes };
    case TYPE_NUMBER.REG_SZ:
    case TYPE_NUMBER.REG_EXPAND_SZ:
      return {
        type: type === TYPE_NUMBER.REG_SZ ? "REG_SZ" : "REG_EXPAND_SZ",
        data: stripTerminator(decodeStringData(bytes, ansi)),
      };
    case TYPE_NUMBER.REG_BINARY:
      return { type: "REG_BINARY", data: bytes };
    case TYPE_NUMBER.REG_DWORD:
      return bytes.length === 4
        ? { type: "REG_DWORD", data: new DataView(bytes.buffer).getUint32(0, true) }
        : undefined;
    case TYPE_NUMBER.REG_MULTI_SZ: {
      const text = stripTerminator(decodeStringData(bytes, ansi));
      const strings = text.split("\0");
      // "a\0b\0" splits into a, b and an empty tail; a list whose terminators were left out has no empty tail.
      if (strings[strings.length - 1] === "") strings.pop();
      return { type: "REG_MULTI_SZ", data: strings };
    }
    case TYPE_NUMBER.REG_QWORD:
      return bytes.length === 8
        ? { type: "REG_QWORD", data: new DataView(bytes.buffer).getBigUint64(0, true) }
        : undefined;
    default:
      // REG_DWORD_BIG_ENDIAN, REG_LINK and the resource types have no place in the device's value union.
      return undefined;
  }
}
