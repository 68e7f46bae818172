import { readFile } from "node:fs/promises";
import CFB from "cfb";
import { ImesimError } from "../errors/index.ts";
import { decodeStreamName } from "./stream-names.ts";
import { readStringPool, type StringPool } from "./string-pool.ts";
import { readSummaryInformation, type SummaryInformation } from "./summary-information.ts";

/** A column of an MSI table with its type word (windows-formats.md §1.4). */
export interface MsiColumn {
  name: string;
  type: number;
  isKey: boolean;
  isNullable: boolean;
  kind: "string" | "int16" | "int32" | "binary";
}

/** A cell: strings, integers, or null (MSI does not tell null from ""). Binary cells hold their stream name. */
export type MsiValue = string | number | null;
export type MsiRow = Record<string, MsiValue>;

export interface MsiTable {
  name: string;
  columns: MsiColumn[];
  rows: MsiRow[];
}

/** An MSI database read into memory: every table's rows, the summary information, the other streams. */
export interface MsiDatabase {
  codepage: number;
  tables: Map<string, MsiTable>;
  summary: SummaryInformation;
  /** Non-table streams (Binary/Icon data, embedded cabinets) by decoded name. */
  streams: Map<string, Buffer>;
  /** Rows of a table, or [] when the package has no such table. */
  rows(table: string): MsiRow[];
}

const TYPE = { valid: 0x0100, nullable: 0x1000, key: 0x2000, string: 0x0800 } as const;
const SUMMARY_STREAM = "\u0005SummaryInformation";

function invalid(message: string): ImesimError {
  return new ImesimError("MSI_INVALID", `not a readable MSI database: ${message}`);
}

function columnKind(type: number): MsiColumn["kind"] {
  if ((type & ~TYPE.nullable) === (TYPE.string | TYPE.valid)) return "binary";
  if ((type & TYPE.string) !== 0) return "string";
  return (type & 0xff) <= 2 ? "int16" : "int32";
}

function cellWidth(kind: MsiColumn["kind"], pool: StringPool): number {
  if (kind === "string") return pool.referenceWidth;
  return kind === "int32" ? 4 : 2;
}

/** Reads a column-major table stream into rows (windows-formats.md §1.5). */
function readTableRows(
  stream: Buffer | undefined,
  columns: MsiColumn[],
  pool: StringPool,
  table: string,
): MsiRow[] {
  if (stream === undefined || columns.length === 0) return [];
  const widths = columns.map((column) => cellWidth(column.kind, pool));
  const rowWidth = widths.reduce((sum, width) => sum + width, 0);
  const rowCount = Math.floor(stream.length / rowWidth);
  const rows: MsiRow[] = Array.from({ length: rowCount }, () => ({}));
  let offset = 0;
  columns.forEach((column, index) => {
    const width = widths[index] as number;
    for (let row = 0; row < rowCount; row += 1) {
      const at = offset + row * width;
      let value: MsiValue;
      if (column.kind === "int16") {
        const stored = stream.readUInt16LE(at);
        value = stored === 0 ? null : stored - 0x8000;
      } else if (column.kind === "int32") {
        const stored = stream.readUInt32LE(at);
        value = stored === 0 ? null : (stored ^ 0x80000000) | 0;
      } else if (column.kind === "binary") {
        value = stream.readUInt16LE(at) === 0 ? null : "";
      } else {
        const id = width === 3 ? stream.readUIntLE(at, 3) : stream.readUInt16LE(at);
        if (id >= pool.strings.length)
          throw invalid(`table ${table} refers to string ${id}, beyond the pool`);
        value = pool.strings[id] ?? null;
      }
      (rows[row] as MsiRow)[column.name] = value;
    }
    offset += width * rowCount;
  });
  // Binary cells live in their own stream, named after the table and the row's key values (§1.2).
  const keys = columns.filter((column) => column.isKey);
  for (const column of columns.filter((c) => c.kind === "binary")) {
    for (const row of rows) {
      if (row[column.name] !== null)
        row[column.name] = [table, ...keys.map((key) => String(row[key.name] ?? ""))].join(".");
    }
  }
  return rows;
}

/**
 * Reads an .msi (path or bytes): CFB container, string pool, `_Tables`/`_Columns` schema, every table's
 * rows and the summary information (windows-formats.md §1.6). The msiexec model and MsiInfo build on it.
 */
export async function readMsiDatabase(input: string | Uint8Array): Promise<MsiDatabase> {
  const bytes =
    typeof input === "string"
      ? await readFile(input).catch((error: Error) => {
          throw new ImesimError("MSI_UNREADABLE", `cannot read ${input}: ${error.message}`, { cause: error });
        })
      : Buffer.from(input);
  try {
    return parseMsiDatabase(bytes);
  } catch (error) {
    // Damaged files surface as RangeErrors from deep inside; every failure leaves here typed.
    if (error instanceof ImesimError) throw error;
    throw invalid((error as Error).message);
  }
}

function parseMsiDatabase(bytes: Buffer): MsiDatabase {
  let container: ReturnType<typeof CFB.read>;
  try {
    container = CFB.read(bytes, { type: "buffer" });
  } catch (error) {
    throw invalid(`CFB container does not parse (${(error as Error).message})`);
  }
  const tableStreams = new Map<string, Buffer>();
  const streams = new Map<string, Buffer>();
  container.FileIndex.forEach((entry, index) => {
    const fullPath = container.FullPaths[index] ?? "";
    // Only streams directly in the root storage belong to the database (§1.1).
    if (entry.type !== 2 || fullPath.split("/").filter(Boolean).length !== 2) return;
    const content = Buffer.from(entry.content as Uint8Array);
    const decoded = decodeStreamName(entry.name);
    (decoded.isTable ? tableStreams : streams).set(decoded.name, content);
  });
  const poolStream = tableStreams.get("_StringPool");
  const dataStream = tableStreams.get("_StringData");
  if (poolStream === undefined || dataStream === undefined)
    throw invalid("no _StringPool/_StringData streams");
  const pool = readStringPool(poolStream, dataStream);
  const stringColumn = (name: string, key: boolean): MsiColumn => ({
    name,
    type: 0x0d48 | (key ? TYPE.key : 0),
    isKey: key,
    isNullable: false,
    kind: "string",
  });
  const int16Column = (name: string, key: boolean): MsiColumn => ({
    name,
    type: 0x0502 | (key ? TYPE.key : 0),
    isKey: key,
    isNullable: false,
    kind: "int16",
  });
  // §1.4: the two system tables do not describe themselves; their schema is fixed.
  const tablesColumns = [stringColumn("Name", true)];
  const columnsColumns = [
    stringColumn("Table", true),
    int16Column("Number", true),
    stringColumn("Name", false),
    int16Column("Type", false),
  ];
  const tableNames = readTableRows(tableStreams.get("_Tables"), tablesColumns, pool, "_Tables").map((row) =>
    String(row.Name ?? ""),
  );
  const columnRows = readTableRows(tableStreams.get("_Columns"), columnsColumns, pool, "_Columns");
  const schema = new Map<string, { number: number; column: MsiColumn }[]>();
  for (const row of columnRows) {
    const table = String(row.Table ?? "");
    const type = typeof row.Type === "number" ? row.Type & 0xffff : 0;
    const list = schema.get(table) ?? [];
    list.push({
      number: typeof row.Number === "number" ? row.Number : 0,
      column: {
        name: String(row.Name ?? ""),
        type,
        isKey: (type & TYPE.key) !== 0,
        isNullable: (type & TYPE.nullable) !== 0,
        kind: columnKind(type),
      },
    });
    schema.set(table, list);
  }
  const tables = new Map<string, MsiTable>();
  for (const name of tableNames) {
    const columns = (schema.get(name) ?? []).sort((a, b) => a.number - b.number).map((entry) => entry.column);
    tables.set(name, { name, columns, rows: readTableRows(tableStreams.get(name), columns, pool, name) });
  }
  return {
    codepage: pool.codepage,
    tables,
    summary: readSummaryInformation(streams.get(SUMMARY_STREAM)),
    streams,
    rows: (table) => tables.get(table)?.rows ?? [],
  };
}
