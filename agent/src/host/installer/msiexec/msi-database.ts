// A minimal agent-side reader of .msi tables and the summary Template, on the `cfb` package
// (windows-formats.md §1.1–1.6, §1.11). It exists because `@imesim/contracts/msi` had not landed when the
// msiexec model needed it; it reads only what an install needs and should give way to that reader.
import { ImesimError } from "@imesim/contracts/errors";
import CFB from "cfb";

export type MsiCell = string | number | null;
export type MsiRow = Readonly<Record<string, MsiCell>>;

/** The parts of an .msi the msiexec model uses. */
export interface MsiDatabase {
  /** Rows of a table by name; an absent table is empty. */
  table(name: string): readonly MsiRow[];
  /** `\005SummaryInformation` Template (`x64;1033`), "" when missing. */
  readonly template: string;
  /** The package code (summary Revision Number), "" when missing. */
  readonly packageCode: string;
  /** A non-table stream by its decoded name (an embedded cabinet such as `data.cab`). */
  stream(name: string): Uint8Array | undefined;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";

/** Decodes a mangled stream name (§1.2); `table` tells whether it carried the table prefix U+4840. */
function decodeStreamName(name: string): { name: string; table: boolean } {
  let out = "";
  let table = false;
  for (let i = 0; i < name.length; i += 1) {
    const unit = name.charCodeAt(i);
    if (i === 0 && unit === 0x4840) table = true;
    else if (unit >= 0x3800 && unit < 0x4800) {
      const v = unit - 0x3800;
      out += ALPHABET[v & 0x3f]! + ALPHABET[(v >> 6) & 0x3f]!;
    } else if (unit >= 0x4800 && unit < 0x4840) out += ALPHABET[unit - 0x4800]!;
    else out += name[i]!;
  }
  return { name: out, table };
}

function fail(message: string): never {
  throw new ImesimError("MSI_INVALID", message);
}

/** Opens an .msi's bytes; throws MSI_INVALID when they are not a Windows Installer database. */
export function readMsiDatabase(bytes: Uint8Array): MsiDatabase {
  let container: CFB.CFB$Container;
  try {
    container = CFB.read(Buffer.from(bytes), { type: "buffer" });
  } catch (cause) {
    throw new ImesimError("MSI_INVALID", "not a compound file (.msi)", { cause });
  }
  const tables = new Map<string, Uint8Array>();
  const streams = new Map<string, Uint8Array>();
  let summary: Uint8Array | undefined;
  container.FileIndex.forEach((entry, index) => {
    if (entry.type !== 2) return;
    const path = container.FullPaths[index] ?? "";
    // Only streams directly in the root storage belong to the database.
    if (path.split("/").filter((p) => p !== "").length !== 2) return;
    const decoded = decodeStreamName(entry.name);
    const content =
      entry.content instanceof Uint8Array ? entry.content : Uint8Array.from(entry.content ?? []);
    if (decoded.table) tables.set(decoded.name, content);
    else if (entry.name === "\u0005SummaryInformation") summary = content;
    else streams.set(decoded.name, content);
  });
  const strings = readStringPool(tables.get("_StringPool"), tables.get("_StringData"));
  const readTable = (stream: Uint8Array | undefined, columns: readonly Column[]): MsiRow[] =>
    stream === undefined ? [] : readRows(stream, columns, strings);
  const tableNames = readTable(tables.get("_Tables"), [{ name: "Name", type: 0x2d40 }]).map((r) =>
    String(r.Name),
  );
  const columnRows = readTable(tables.get("_Columns"), [
    { name: "Table", type: 0x2d40 },
    { name: "Number", type: 0x2502 },
    { name: "Name", type: 0x0d40 },
    { name: "Type", type: 0x0502 },
  ]);
  const schemas = new Map<string, Column[]>();
  for (const row of [...columnRows].sort((a, b) => Number(a.Number) - Number(b.Number))) {
    const list = schemas.get(String(row.Table)) ?? [];
    list.push({ name: String(row.Name), type: Number(row.Type) });
    schemas.set(String(row.Table), list);
  }
  const cache = new Map<string, MsiRow[]>();
  const summaryStrings = summary === undefined ? new Map<number, string>() : readSummaryStrings(summary);
  return {
    template: summaryStrings.get(7) ?? "",
    packageCode: summaryStrings.get(9) ?? "",
    stream: (name) => streams.get(name),
    table(name) {
      let rows = cache.get(name);
      if (rows === undefined) {
        const columns = schemas.get(name);
        rows =
          columns === undefined || !tableNames.includes(name) ? [] : readTable(tables.get(name), columns);
        cache.set(name, rows);
      }
      return rows;
    },
  };
}

interface Column {
  readonly name: string;
  readonly type: number;
}

interface StringPool {
  readonly strings: readonly string[];
  readonly referenceWidth: 2 | 3;
}

function readStringPool(pool: Uint8Array | undefined, data: Uint8Array | undefined): StringPool {
  if (pool === undefined || data === undefined || pool.length < 4) fail("the .msi has no string pool");
  const view = new DataView(pool.buffer, pool.byteOffset, pool.byteLength);
  const header = view.getUint32(0, true);
  const codepage = header & 0x7fffffff;
  const decoder = new TextDecoder(codepage === 65001 ? "utf-8" : "windows-1252");
  const strings: string[] = [""];
  let offset = 0;
  for (let at = 4; at + 4 <= pool.length; at += 4) {
    let length = view.getUint16(at, true);
    const refcount = view.getUint16(at + 2, true);
    if (length === 0 && refcount !== 0 && at + 8 <= pool.length) {
      // A long string: the next slot holds its full length, and both slots make one id (§1.3).
      length = view.getUint32(at + 4, true);
      at += 4;
    }
    strings.push(decoder.decode(data.subarray(offset, offset + length)));
    offset += length;
  }
  return { strings, referenceWidth: header & 0x80000000 ? 3 : 2 };
}

function cellWidth(type: number, pool: StringPool): number {
  if ((type & ~0x1000) === 0x0900) return 2;
  if (type & 0x0800) return pool.referenceWidth;
  return (type & 0xff) === 4 ? 4 : 2;
}

function readRows(stream: Uint8Array, columns: readonly Column[], pool: StringPool): MsiRow[] {
  const widths = columns.map((c) => cellWidth(c.type, pool));
  const rowWidth = widths.reduce((a, b) => a + b, 0);
  if (rowWidth === 0) return [];
  const count = Math.floor(stream.length / rowWidth);
  const rows: Array<Record<string, MsiCell>> = Array.from({ length: count }, () => ({}));
  let offset = 0;
  columns.forEach((column, c) => {
    const width = widths[c]!;
    for (let r = 0; r < count; r += 1) {
      const at = offset + r * width;
      const raw =
        width === 4
          ? readUint(stream, at, 4)
          : width === 3
            ? readUint(stream, at, 3)
            : readUint(stream, at, 2);
      rows[r]![column.name] = convertCell(column.type, raw, width, pool);
    }
    offset += count * width;
  });
  return rows;
}

function readUint(bytes: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = width - 1; i >= 0; i -= 1) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

function convertCell(type: number, raw: number, width: number, pool: StringPool): MsiCell {
  if ((type & ~0x1000) === 0x0900) return null;
  if (type & 0x0800) return raw === 0 ? null : (pool.strings[raw] ?? null);
  if (raw === 0) return null;
  return width === 4 ? (raw ^ 0x80000000) | 0 : raw - 0x8000;
}

/** The string properties (VT_LPSTR) of the summary information stream, by PID (§1.11). */
function readSummaryStrings(bytes: Uint8Array): Map<number, string> {
  const out = new Map<number, string>();
  if (bytes.length < 48) return out;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const section = view.getUint32(44, true);
  if (section + 8 > bytes.length) return out;
  const count = view.getUint32(section + 4, true);
  for (let i = 0; i < count; i += 1) {
    const entry = section + 8 + i * 8;
    if (entry + 8 > bytes.length) break;
    const pid = view.getUint32(entry, true);
    const at = section + view.getUint32(entry + 4, true);
    if (at + 8 > bytes.length || view.getUint32(at, true) !== 30) continue;
    const size = view.getUint32(at + 4, true);
    const text = new TextDecoder("windows-1252").decode(bytes.subarray(at + 8, at + 8 + size));
    out.set(pid, text.replace(/\0+$/, ""));
  }
  return out;
}
