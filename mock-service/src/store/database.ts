import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrations } from "./migrations.ts";

export type SqliteDatabase = Database.Database;
export type Statement = Database.Statement;

/**
 * Opens (creating if needed) the service database in `dataDir`, in WAL mode, with every migration applied.
 * Without a folder the database lives in memory (same schema, same migrations) and ends with the process: for
 * a service whose data is thrown away when it stops, where every device's insert, check-in update and report
 * would otherwise go through the WAL on disk for nothing.
 */
export function openDatabase(dataDir: string | undefined): SqliteDatabase {
  const db = dataDir === undefined ? new Database(":memory:") : openFileDatabase(dataDir);
  db.pragma("foreign_keys = ON");
  applyMigrations(db);
  return db;
}

/** `dataDir/imesim.sqlite`, owner-only, in WAL mode. */
function openFileDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "imesim.sqlite");
  // The database holds every app's encryption keys: owner-only. The file is made (or narrowed) 0600 before
  // SQLite opens it, and SQLite gives its -wal and -shm files the database file's mode; ones an older
  // version left are narrowed too.
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  const db = new Database(path);
  // WAL lets readers (check-ins) proceed while an admin write is in flight; NORMAL sync is
  // durable across process crashes, which is what a restartable mock needs.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return db;
}

function applyMigrations(db: SqliteDatabase): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let index = current; index < migrations.length; index += 1) {
    const sql = migrations[index] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}
