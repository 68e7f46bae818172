// The SQLite file-system backend: one row per file or folder, keyed by folded full path.
import {
  bytesOf,
  type DiskBacking,
  type FileEntry,
  type FilePath,
  type FileStore,
} from "../files/file-store.ts";
import { foldCase } from "../paths.ts";
import {
  type DeviceDatabase,
  descendantRange,
  inTransaction,
  readMeta,
  writeMeta,
} from "./device-database.ts";

interface EntryRow {
  name: string;
  kind: "file" | "directory";
  size: number;
  created: number;
  modified: number;
  version: string | null;
}

const FREE_BYTES_KEY = "freeBytes";

function keyOf(path: FilePath): string {
  return path.map(foldCase).join("\\");
}

function toEntry(row: EntryRow): FileEntry {
  return {
    name: row.name,
    kind: row.kind,
    size: row.size,
    createdMs: row.created,
    modifiedMs: row.modified,
    version: row.version ?? undefined,
  };
}

export class SqliteFileStore implements FileStore {
  readonly #db: DeviceDatabase;
  readonly #statements;
  #free: number;

  constructor(db: DeviceDatabase) {
    this.#db = db;
    const columns = "name, kind, size, created, modified, version";
    this.#statements = {
      entry: db.prepare(`SELECT ${columns} FROM files WHERE path = ?`),
      read: db.prepare("SELECT data FROM files WHERE path = ? AND kind = 'file'").pluck(),
      put: db.prepare(
        `INSERT INTO files (path, parent, name, kind, size, created, modified, version, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, size = excluded.size, created = excluded.created,
           modified = excluded.modified, version = excluded.version, data = excluded.data`,
      ),
      putDirectory: db.prepare(
        "INSERT OR IGNORE INTO files (path, parent, name, kind, size, created, modified) VALUES (?, ?, ?, 'directory', 0, ?, ?)",
      ),
      remove: db.prepare("DELETE FROM files WHERE path = ? OR (path > ? AND path < ?)"),
      children: db.prepare(`SELECT ${columns} FROM files WHERE parent = ?`),
      bytesBelow: db
        .prepare("SELECT coalesce(sum(size), 0) FROM files WHERE path = ? OR (path > ? AND path < ?)")
        .pluck(),
      moveTop: db.prepare("UPDATE files SET path = ?, parent = ?, name = ? WHERE path = ?"),
      moveBelow: db.prepare(
        "UPDATE files SET path = ? || substr(path, ?), parent = ? || substr(parent, ?) WHERE path > ? AND path < ?",
      ),
    };
    this.#free = Number(readMeta(db, FREE_BYTES_KEY) ?? "0");
  }

  entry(path: FilePath): FileEntry | undefined {
    const row = this.#statements.entry.get(keyOf(path)) as EntryRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  }

  read(path: FilePath): Uint8Array | undefined {
    const data = this.#statements.read.get(keyOf(path)) as Uint8Array | null | undefined;
    if (data === undefined) return undefined;
    return data === null ? new Uint8Array(0) : new Uint8Array(data);
  }

  putFile(
    path: FilePath,
    content: Uint8Array | DiskBacking,
    meta: Omit<FileEntry, "name" | "kind" | "size">,
  ): void {
    // A device that survives restarts keeps the bytes themselves: the backing file may be gone by then.
    const data = bytesOf(content);
    const key = keyOf(path);
    this.#statements.put.run(
      key,
      keyOf(path.slice(0, -1)),
      path[path.length - 1],
      "file",
      data.length,
      meta.createdMs,
      meta.modifiedMs,
      meta.version ?? null,
      data,
    );
  }

  putDirectory(path: FilePath, timeMs: number): void {
    this.#statements.putDirectory.run(
      keyOf(path),
      keyOf(path.slice(0, -1)),
      path[path.length - 1],
      timeMs,
      timeMs,
    );
  }

  remove(path: FilePath): boolean {
    const key = keyOf(path);
    return this.#statements.remove.run(key, ...descendantRange(key)).changes > 0;
  }

  children(path: FilePath): FileEntry[] {
    return (this.#statements.children.all(keyOf(path)) as EntryRow[]).map(toEntry);
  }

  bytesBelow(path: FilePath): number {
    const key = keyOf(path);
    return Number(this.#statements.bytesBelow.get(key, ...descendantRange(key)));
  }

  move(from: FilePath, to: FilePath): void {
    const fromKey = keyOf(from);
    const toKey = keyOf(to);
    const [low, high] = descendantRange(fromKey);
    inTransaction(this.#db, () => {
      // Descendants first: their new paths must not collide with the range being rewritten.
      const rest = fromKey.length + 1;
      this.#statements.moveBelow.run(toKey, rest, toKey, rest, low, high);
      this.#statements.moveTop.run(toKey, keyOf(to.slice(0, -1)), to[to.length - 1], fromKey);
    });
  }

  freeBytes(): number {
    return this.#free;
  }

  setFreeBytes(bytes: number): void {
    writeMeta(this.#db, FREE_BYTES_KEY, String(bytes));
    this.#free = bytes;
  }

  atomic<T>(work: () => T): T {
    return this.transaction(work);
  }

  transaction<T>(work: () => T): T {
    const free = this.#free;
    try {
      return inTransaction(this.#db, work);
    } catch (error) {
      // The row rolled back; the cached copy must follow it.
      this.#free = free;
      throw error;
    }
  }
}
