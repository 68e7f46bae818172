// The SQLite file-system backend: one row per file or folder, keyed by folded full path. A file handed over
// as a DiskBacking keeps its bytes in pieces (file_pieces), and a later, longer backing of the same real file
// adds only its new bytes: a download persisted every MiB costs its size in writes, not its size squared.
import { closeSync, openSync } from "node:fs";
import {
  type DiskBacking,
  type FileEntry,
  type FilePath,
  type FileStore,
  isDiskBacking,
  readFully,
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

/** The most bytes one piece holds (and one read of a backing file takes into memory). */
const PIECE_BYTES = 4 * 1024 * 1024;

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
  /** The real file each pieced file was last written from, by folded path: whose prefix it holds. */
  readonly #piecedFrom = new Map<string, string>();

  constructor(db: DeviceDatabase) {
    this.#db = db;
    const columns = "name, kind, size, created, modified, version";
    this.#statements = {
      entry: db.prepare(`SELECT ${columns} FROM files WHERE path = ?`),
      read: db.prepare("SELECT data FROM files WHERE path = ? AND kind = 'file'").pluck(),
      piecedSize: db
        .prepare("SELECT size FROM files WHERE path = ? AND kind = 'file' AND data IS NULL")
        .pluck(),
      pieces: db.prepare("SELECT data FROM file_pieces WHERE path = ? ORDER BY offset").pluck(),
      putPiece: db.prepare("INSERT OR REPLACE INTO file_pieces (path, offset, data) VALUES (?, ?, ?)"),
      dropPieces: db.prepare("DELETE FROM file_pieces WHERE path = ?"),
      dropPiecesBelow: db.prepare("DELETE FROM file_pieces WHERE path = ? OR (path > ? AND path < ?)"),
      movePieces: db.prepare(
        "UPDATE file_pieces SET path = ? || substr(path, ?) WHERE path = ? OR (path > ? AND path < ?)",
      ),
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
    const key = keyOf(path);
    const data = this.#statements.read.get(key) as Uint8Array | null | undefined;
    if (data === undefined) return undefined;
    if (data !== null) return new Uint8Array(data);
    const pieces = this.#statements.pieces.all(key) as Uint8Array[];
    const bytes = new Uint8Array(pieces.reduce((total, piece) => total + piece.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
    return bytes;
  }

  putFile(
    path: FilePath,
    content: Uint8Array | DiskBacking,
    meta: Omit<FileEntry, "name" | "kind" | "size">,
  ): void {
    const key = keyOf(path);
    const row = (size: number, data: Uint8Array | null) =>
      this.#statements.put.run(
        key,
        keyOf(path.slice(0, -1)),
        path[path.length - 1],
        "file",
        size,
        meta.createdMs,
        meta.modifiedMs,
        meta.version ?? null,
        data,
      );
    inTransaction(this.#db, () => {
      if (!isDiskBacking(content)) {
        this.#piecedFrom.delete(key);
        this.#statements.dropPieces.run(key);
        row(content.length, content);
        return;
      }
      // A device that survives restarts keeps the bytes themselves: the backing file may be gone by then.
      const held = this.#statements.piecedSize.get(key) as number | undefined;
      const grows =
        held !== undefined && held <= content.size && this.#piecedFrom.get(key) === content.diskPath;
      if (!grows) this.#statements.dropPieces.run(key);
      this.#copyPieces(key, content, grows ? held : 0);
      this.#piecedFrom.set(key, content.diskPath);
      row(content.size, null);
    });
  }

  /** Stores bytes `from`… of the backing file as pieces of `key`, reading one piece at a time. */
  #copyPieces(key: string, backing: DiskBacking, from: number): void {
    if (from >= backing.size) return;
    const fd = openSync(backing.diskPath, "r");
    try {
      for (let offset = from; offset < backing.size; ) {
        const piece = Buffer.allocUnsafe(Math.min(PIECE_BYTES, backing.size - offset));
        readFully(fd, piece, offset, backing);
        this.#statements.putPiece.run(key, offset, piece);
        offset += piece.length;
      }
    } finally {
      closeSync(fd);
    }
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
    return inTransaction(this.#db, () => {
      this.#statements.dropPiecesBelow.run(key, ...descendantRange(key));
      return this.#statements.remove.run(key, ...descendantRange(key)).changes > 0;
    });
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
      this.#statements.movePieces.run(toKey, fromKey.length + 1, fromKey, low, high);
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
