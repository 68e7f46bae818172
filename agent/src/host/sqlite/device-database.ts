// One SQLite file holds one device: registry, file system and device metadata, so a transaction can span
// them. WAL with synchronous=NORMAL: a committed transaction survives the process being killed (the WAL is
// in the OS's hands once the commit returns); only a power loss could drop the last commits.
import Database from "better-sqlite3";

export type DeviceDatabase = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reg_keys (
  path TEXT PRIMARY KEY,  -- folded full path, names joined by "\\"
  parent TEXT NOT NULL,   -- folded parent path, '' for a hive root
  name TEXT NOT NULL      -- the name as created
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reg_keys_parent ON reg_keys(parent);
CREATE TABLE IF NOT EXISTS reg_values (
  key TEXT NOT NULL,      -- folded key path
  fname TEXT NOT NULL,    -- folded value name
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  data,
  seq INTEGER NOT NULL,   -- creation order
  PRIMARY KEY (key, fname)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY,  -- folded full path ("c:\\program files\\x")
  parent TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,     -- 'file' | 'directory'
  size INTEGER NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  version TEXT,           -- declared file version of a synthetic file
  data BLOB
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_parent ON files(parent);
-- The bytes of a file written from a DiskBacking (a downloading .bin): pieces in order, so a file that grows
-- is stored by appending what is new rather than rewriting it whole (its files row has data NULL).
CREATE TABLE IF NOT EXISTS file_pieces (
  path TEXT NOT NULL,     -- the folded path of its files row
  offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (path, offset)
) WITHOUT ROWID;
`;

/** Opens (creating when missing) the SQLite file of one device, in WAL mode with the schema in place. */
export function openDeviceDatabase(path: string): DeviceDatabase {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

/** Reads one metadata value. */
export function readMeta(db: DeviceDatabase, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

/** Writes one metadata value. */
export function writeMeta(db: DeviceDatabase, key: string, value: string): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(key, value);
}

/** The range of folded paths strictly below `path`: "\\" is 0x5C and "]" 0x5D, so they sort between. */
export function descendantRange(path: string): [string, string] {
  return [`${path}\\`, `${path}]`];
}

/** Runs `work` in one SQLite transaction (a savepoint when nested). */
export function inTransaction<T>(db: DeviceDatabase, work: () => T): T {
  return db.transaction(work)();
}
