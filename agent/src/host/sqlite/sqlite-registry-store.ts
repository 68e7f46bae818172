// The SQLite registry backend: keys and values as rows keyed by folded full path.
import { foldCase } from "../paths.ts";
import type { KeyPath, NamedValue, RegistryStore } from "../registry/registry-store.ts";
import type { RegistryValue } from "../types.ts";
import { type DeviceDatabase, descendantRange, inTransaction } from "./device-database.ts";

interface ValueRow {
  name: string;
  type: string;
  data: string | number | Uint8Array | null;
}

function keyOf(path: KeyPath): string {
  return path.map(foldCase).join("\\");
}

function encode(value: RegistryValue): string | number | Uint8Array {
  switch (value.type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return value.data;
    case "REG_DWORD":
      return value.data;
    case "REG_QWORD":
      return value.data.toString();
    case "REG_MULTI_SZ":
      return JSON.stringify(value.data);
    case "REG_BINARY":
    case "REG_NONE":
      return value.data;
  }
}

function decode(row: ValueRow): RegistryValue {
  const { type, data } = row;
  switch (type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return { type, data: String(data) };
    case "REG_DWORD":
      return { type, data: Number(data) };
    case "REG_QWORD":
      return { type, data: BigInt(String(data)) };
    case "REG_MULTI_SZ":
      return { type, data: JSON.parse(String(data)) as string[] };
    case "REG_BINARY":
    case "REG_NONE":
      // Copy out of the driver's Buffer so callers get a plain Uint8Array.
      return { type, data: data instanceof Uint8Array ? new Uint8Array(data) : new Uint8Array() };
    default:
      throw new Error(`unknown registry value type "${type}" in the device database`);
  }
}

export class SqliteRegistryStore implements RegistryStore {
  readonly #db: DeviceDatabase;
  readonly #statements;

  constructor(db: DeviceDatabase) {
    this.#db = db;
    this.#statements = {
      hasKey: db.prepare("SELECT 1 FROM reg_keys WHERE path = ?").pluck(),
      insertKey: db.prepare("INSERT OR IGNORE INTO reg_keys (path, parent, name) VALUES (?, ?, ?)"),
      deleteKey: db.prepare("DELETE FROM reg_keys WHERE path = ? OR (path > ? AND path < ?)"),
      deleteKeyValues: db.prepare("DELETE FROM reg_values WHERE key = ? OR (key > ? AND key < ?)"),
      subkeys: db.prepare("SELECT name FROM reg_keys WHERE parent = ?").pluck(),
      getValue: db.prepare("SELECT name, type, data FROM reg_values WHERE key = ? AND fname = ?"),
      upsertValue: db.prepare(
        `INSERT INTO reg_values (key, fname, name, type, data, seq)
         VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM reg_values WHERE key = ?))
         ON CONFLICT(key, fname) DO UPDATE SET type = excluded.type, data = excluded.data`,
      ),
      deleteValue: db.prepare("DELETE FROM reg_values WHERE key = ? AND fname = ?"),
      values: db.prepare("SELECT name, type, data FROM reg_values WHERE key = ? ORDER BY seq"),
    };
  }

  hasKey(path: KeyPath): boolean {
    return this.#statements.hasKey.get(keyOf(path)) !== undefined;
  }

  createKey(path: KeyPath): void {
    let parent = "";
    for (const name of path) {
      const key = parent === "" ? foldCase(name) : `${parent}\\${foldCase(name)}`;
      this.#statements.insertKey.run(key, parent, name);
      parent = key;
    }
  }

  deleteKey(path: KeyPath): boolean {
    const key = keyOf(path);
    const [low, high] = descendantRange(key);
    return inTransaction(this.#db, () => {
      this.#statements.deleteKeyValues.run(key, low, high);
      return this.#statements.deleteKey.run(key, low, high).changes > 0;
    });
  }

  subkeys(path: KeyPath): string[] {
    return this.#statements.subkeys.all(keyOf(path)) as string[];
  }

  getValue(path: KeyPath, name: string): RegistryValue | undefined {
    const row = this.#statements.getValue.get(keyOf(path), foldCase(name)) as ValueRow | undefined;
    return row === undefined ? undefined : decode(row);
  }

  setValue(path: KeyPath, name: string, value: RegistryValue): void {
    const key = keyOf(path);
    this.#statements.upsertValue.run(key, foldCase(name), name, value.type, encode(value), key);
  }

  deleteValue(path: KeyPath, name: string): boolean {
    return this.#statements.deleteValue.run(keyOf(path), foldCase(name)).changes > 0;
  }

  values(path: KeyPath): NamedValue[] {
    const rows = this.#statements.values.all(keyOf(path)) as ValueRow[];
    return rows.map((row) => ({ name: row.name, value: decode(row) }));
  }

  transaction<T>(work: () => T): T {
    return inTransaction(this.#db, work);
  }

  atomic<T>(work: () => T): T {
    return inTransaction(this.#db, work);
  }
}
